/* Minkao stage console: a department head's public pledge (公开承诺) on stage.
 *
 * Offered with the question round at the start of a round nobody is drawn for; the form collects
 * exactly the params of `start_pledge` (unit, head, promise, how many demands, by when). The
 * server checks them (a deadline after today in Beijing); `record_pledge` then puts the pledge on
 * the record and opens its case (a round step like any other: confirmed, irreversible).
 */
import { store } from "./store.js";
import { openForm } from "./dialogs.js";
import { perform } from "./actions.js";
import { stageKey } from "./forms.js";

function val(form, name) {
  var f = form.elements[name];
  return f ? String(f.value || "").trim() : "";
}

/** The whole number typed, or the text itself (the server refuses it with its own message). */
function count(text) {
  return /^[0-9]{1,6}$/.test(text) ? parseInt(text, 10) : text;
}

export function openPledgeForm() {
  if (store.busy) { return; }
  openForm("tpl-pledge", {
    key: stageKey(),
    focus: "input[name=department_head]",
    submit: function (form) {
      return perform("start_pledge", {
        department_head: val(form, "department_head"), unit: val(form, "unit"), promise: val(form, "promise"),
        demands: count(val(form, "demands")), deadline: val(form, "deadline")
      }, { confirm: false });
    }
  });
}
