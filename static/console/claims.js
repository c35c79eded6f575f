/* Minkao stage console: the cadre's claims (述职称) beside the households' answers.
 *
 * The moderator enters what the cadre claims — households visited of those assigned, demands
 * collected and resolved — once the cadre is drawn, during the report or the verification
 * (record_claims). The server sets them against the keypad answers (round.claims_check).
 */
import { el } from "../js/dom.js";
import { fmt } from "../js/format.js";
import { t } from "./store.js";
import { openForm } from "./dialogs.js";
import { stageKey } from "./forms.js";
import { perform } from "./actions.js";

var STAGES = ["draw", "report", "verification"];
var FIELDS = ["visited", "assigned", "demands_collected", "demands_resolved"];

function assignedDefault(rnd) {
  return (rnd.picked_households || []).length + (rnd.other_households || []).length;
}

/** The claims form (templates/console/_forms.html tpl-claims). */
export function openClaimsForm(rnd) {
  openForm("tpl-claims", {
    key: stageKey(),
    focus: "input[name=visited]",
    setup: function (form) {
      var now = rnd.claims || { assigned: assignedDefault(rnd) };
      FIELDS.forEach(function (k) {
        if (now[k] !== undefined && now[k] !== null) { form.elements[k].value = String(now[k]); }
      });
    },
    submit: function (form) {
      var params = {};
      FIELDS.forEach(function (k) {
        var v = String(form.elements[k].value || "").trim();
        if (v !== "") { params[k] = parseInt(v, 10); }
      });
      return perform("record_claims", params, { confirm: false, doneLabel: t.claims.record });
    }
  });
}

/** A small card: the claims as entered, the rule's verdict, and the button to enter them. */
export function claimsCard(state) {
  var rnd = state.round;
  if (!rnd || rnd.kind !== "cadre" || !rnd.cadre || STAGES.indexOf(rnd.stage) < 0) { return null; }
  var c = rnd.claims, check = rnd.claims_check;
  var lines = c ? [
    el("li", { text: fmt(t.claims.visited, { n: c.visited, total: c.assigned }) }),
    el("li", { text: fmt(t.claims.demands, { n: c.demands_resolved, total: c.demands_collected }) })
  ] : [];
  return el("section", { class: "pcard claims-card" + (check ? " level-" + check.level : ""),
                         "data-claims-level": check ? check.level : "none" }, [
    el("h3", { text: t.claims.title }),
    c ? el("ul", { class: "claims-list" }, lines) : el("p", { class: "muted", text: t.claims.none }),
    check ? el("p", { class: "claims-level", text: t.claims.level[check.level] || check.level }) : null,
    el("div", { class: "tel-buttons" }, [
      el("button", { type: "button", class: "btn", "data-claims-action": "record",
                     onclick: function (ev) { ev.currentTarget.blur(); openClaimsForm(rnd); } },
         [c ? t.claims.correct : t.claims.record])
    ])
  ]);
}
