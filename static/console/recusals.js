/* Minkao stage console: recuse a juror for this round (回避), or lift a recusal, before scoring.
 *
 * The juror tiles carry a small button (render.js) while the round has a subject and scoring has
 * not opened; the server decides (add_recusal / lift_recusal) and logs it. Only the category is
 * public; the note typed here stays in the round's record.
 */
import { $ } from "../js/dom.js";
import { fmt, jurorSeat } from "../js/format.js";
import { store, t } from "./store.js";
import { openForm } from "./dialogs.js";
import { perform } from "./actions.js";
import { stageKey } from "./forms.js";

function jurorById(id) {
  return ((store.state && store.state.jurors) || []).filter(function (j) { return j.id === id; })[0] || null;
}

function openRecusalForm(juror) {
  openForm("tpl-recusal", {
    key: stageKey(),
    focus: "select[name=category]",
    setup: function (form) {
      form.querySelector("[data-slot=who]").textContent = jurorSeat(juror.seat) + "  " + juror.name;
    },
    submit: function (form) {
      return perform("add_recusal", { juror_id: juror.id, category: form.elements.category.value,
                                      text: String(form.elements.text.value || "").trim() }, { confirm: false });
    }
  });
}

/** One delegated listener on the jury list: the tiles are redrawn with every state. */
export function wireRecusals() {
  $("jurors").addEventListener("click", function (ev) {
    var btn = ev.target && ev.target.closest && ev.target.closest("button[data-recusal]");
    if (!btn || store.busy) { return; }
    var juror = jurorById(parseInt(btn.getAttribute("data-juror"), 10));
    if (!juror) { return; }
    if (btn.getAttribute("data-recusal") === "add") {
      openRecusalForm(juror);
    } else {
      perform("lift_recusal", { juror_id: juror.id }, { confirm: true, confirmText: fmt(t.lift_confirm, { seat: juror.seat }) });
    }
  });
}
