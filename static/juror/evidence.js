/* Juror tablet: the round's call results and the discrepancy alert, while the juror scores.
 *
 * The same facts the projector shows the hall, from the juror snapshot (households masked:
 * never a full name or phone number). Text only through textContent.
 */
import { $, el, show } from "../js/dom.js";

// call state -> [tone, icon, text key]; the projector's table (static/screens/common.js) in the tablet's words
var STATES = {
  queued: ["wait", "…", "call_waiting"], dialing: ["active", "☎", "call_dialling"], dialling: ["active", "☎", "call_dialling"],
  initiated: ["active", "☎", "call_dialling"], ringing: ["active", "☎", "call_ringing"],
  in_progress: ["live", "☏", "call_live"], answered: ["live", "☏", "call_live"],
  ended: ["ok", "✓", "call_answered"], completed: ["ok", "✓", "call_answered"],
  busy: ["bad", "✕", "call_busy"], no_answer: ["bad", "✕", "call_no_answer"], failed: ["bad", "✕", "call_failed"],
  canceled: ["bad", "✕", "call_cancelled"]
};

/** A call's answers as [label, value, tone] rows. */
function answers(ans, t) {
  var rows = [];
  ans = ans || {};
  if (ans.visited) { rows.push([t.visited, ans.visited === "yes" ? t.yes : t.no, ans.visited === "yes" ? "ok" : "bad"]); }
  if (ans.resolved) {
    var tone = { yes: "ok", partly: "warn", no: "bad", none: "" }[ans.resolved];
    rows.push([t.demand, t["resolved_" + ans.resolved] || ans.resolved, tone || ""]);
  }
  if (ans.satisfaction) {
    var n = ans.satisfaction;
    rows.push([t.satisfaction, "★★★★★".slice(0, n) + "☆☆☆☆☆".slice(0, 5 - n), n >= 4 ? "ok" : (n <= 2 ? "bad" : "warn")]);
  }
  return rows;
}

function callItem(call, t) {
  var st = STATES[call.state] || ["wait", "?", ""], h = call.household || {};
  var li = el("li", { class: "ev-call ev-" + st[0] }, [
    el("div", { class: "ev-head" }, [
      el("span", { class: "ev-state", text: st[1] + " " + (t[st[2]] || call.state || "") }),
      el("span", { class: "ev-who", text: [h.village, h.name, h.phone].filter(Boolean).join(" · ") }),
      call.named ? el("span", { class: "ev-named", text: t.named }) : null
    ]),
    el("div", { class: "ev-answers" }, answers(call.answers, t).map(function (r) {
      return el("span", { class: "ev-answer " + r[2] }, [el("span", { class: "ev-k", text: r[0] }), el("b", { text: r[1] })]);
    }))
  ]);
  li.setAttribute("data-call", String(call.id));
  li.setAttribute("data-state", call.state || "");
  return li;
}

/** Show the round's calls and alert; hidden while the round has neither. */
export function evidence(state, t) {
  var rnd = state.round, calls = (rnd && rnd.calls) || [], alarm = !!(rnd && rnd.discrepancy);
  show("evidence", calls.length > 0 || alarm);
  show("evidence-alert", alarm);
  var list = $("evidence-calls");
  list.textContent = "";
  calls.forEach(function (c) { list.appendChild(callItem(c, t)); });
}
