/* Juror tablet: paint the newest `state` snapshot (juror audience) into the page.
 *
 * Text only through textContent. The juror snapshot has no other juror's scores before the
 * reveal; after it, `round.result` is what the public sees, and that is all we show.
 */
import { $, el, setText, show } from "../js/dom.js";
import { cadreNo, fmt, jurorLabel, pick, stageName } from "../js/format.js";

export { $, setText, show };

var PRE_SCORING = { draw: true, report: true, verification: true, question: true, answer: true };

function fact(name, value) {
  setText("cadre-" + name, value || "");
  show("fact-" + name, !!value);
}

/** Who is on stage: a cadre card, a department head's question, or a waiting message. */
export function subject(state, t) {
  var rnd = state.round;
  var cadre = rnd && rnd.cadre, question = rnd && rnd.kind === "question" && rnd.question;
  show("subject-cadre", !!cadre);
  show("subject-question", !cadre && !!question);
  show("subject-wait", !cadre && !question);
  if (cadre) {
    setText("cadre-number", cadreNo(cadre.number));
    setText("cadre-name", cadre.name || "");
    fact("position", cadre.position);
    fact("unit", cadre.unit);
    fact("township", cadre.township);
  } else if (question) {
    setText("question-kind", t.question);
    setText("question-head", question.department_head || "");
    setText("question-unit", question.unit || "");
    show("fact-question-unit", !!question.unit);
    setText("question-demand", question.demand || "—");
  } else {
    var closed = state.meeting && state.meeting.status === "closed";
    setText("subject-wait", closed ? t.meeting_closed : (rnd ? t.waiting_draw : t.no_round));
  }
  return !!(cadre || question);
}

export function stageNote(state, t) {
  var rnd = state.round, stage = rnd ? rnd.stage : "none";
  var note = "";
  if (state.meeting && state.meeting.status === "closed") { note = t.meeting_closed; }
  else if (stage === "scoring_open") { note = t.scoring_open; }
  else if (stage === "scoring_closed") { note = t.scoring_closed; }
  else if (PRE_SCORING[stage] && (rnd.cadre || rnd.question)) { note = t.prefill; }
  setText("stage-note", note);
  var p = rnd && rnd.progress;
  var showProgress = p && (stage === "scoring_open" || stage === "scoring_closed");
  setText("progress", showProgress ? fmt(t.progress, { submitted: p.submitted, expected: p.expected }) : "");
}

/** This juror's recusal (回避) for the current round, or null: {seat, category}. */
export function myRecusal(state, mySeat) {
  var list = (state && state.round && state.round.recusals) || [];
  for (var i = 0; i < list.length; i++) { if (list[i].seat === mySeat) { return list[i]; } }
  return null;
}

/** A recused juror's tablet says 本轮回避 and why (category only); true when recused. */
export function recusal(state, t, mySeat) {
  var mine = myRecusal(state, mySeat);
  $("app").setAttribute("data-recused", mine ? mine.category : "");
  if (mine) {
    var why = (t.recusal_categories || {})[mine.category] || mine.category;
    setText("stage-note", t.recused + " · " + why);
  }
  return !!mine;
}

export function header(state, t, lang) {
  if (state.meeting && state.meeting.title) {
    setText("meeting-title", state.meeting.title);
  }
  var rnd = state.round;
  setText("round-no", rnd ? fmt(t.round, { n: rnd.number }) : "");
  setText("stage", rnd ? stageName(rnd) : "");
  $("stage").setAttribute("data-stage", rnd ? rnd.stage : "none");
  $("app").setAttribute("data-stage", rnd ? rnd.stage : "none");
}

/** The revealed result exactly as the public sees it; our own line is marked. */
export function result(state, t, lang, mySeat) {
  var res = state.round && state.round.result;
  show("result", !!res);
  if (!res) { return; }
  setText("result-label", t.final);
  setText("result-final", res.final);
  setText("result-band", pick(res.band));
  setText("result-sub", t.juror_totals);
  var list = $("result-ballots");
  list.textContent = "";
  (res.ballots || []).forEach(function (b) {
    var li = el("li", { class: "rb" });
    if (b.seat === mySeat) { li.classList.add("rb-mine"); }
    if (b.dropped) { li.classList.add("rb-dropped"); }
    var who = jurorLabel(b) + (b.seat === mySeat ? " (" + t.you + ")" : "");
    li.appendChild(el("span", { class: "rb-who", text: who }));
    li.appendChild(el("span", { class: "rb-total", text: b.total }));
    var tags = [];
    if (b.dropped === "high") { tags.push(t.dropped_high); }
    if (b.dropped === "low") { tags.push(t.dropped_low); }
    if (b.outlier) { tags.push(t.outlier); }
    li.appendChild(el("span", { class: "rb-tag", text: tags.join(" · ") }));
    list.appendChild(li);
  });
}

/** The line under the scores: what the server has confirmed, or why it has not yet. */
export function receipt(vm, t) {
  var box = $("receipt");
  box.setAttribute("data-state", vm.kind);
  $("app").setAttribute("data-receipt", vm.kind);
  if (vm.receipt) {
    box.setAttribute("data-version", String(vm.receipt.version));
    box.setAttribute("data-total", vm.receipt.total);
  } else {
    box.removeAttribute("data-version");
    box.removeAttribute("data-total");
  }
  var acked = vm.receipt ? fmt(t.acked, { version: vm.receipt.version, total: vm.receipt.total }) : "";
  var main = "", extra = "";
  if (vm.kind === "sending") { main = t.sending; extra = acked; }
  else if (vm.kind === "pending") { main = t.pending; extra = acked; }
  else if (vm.kind === "error") { main = vm.error; extra = acked; }
  else if (vm.kind === "acked") { main = acked; }
  setText("receipt-main", main);
  setText("receipt-extra", extra);
}

export function submitBar(vm, t) {
  setText("total", vm.total === null ? "—" : vm.total);
  setText("total-of", vm.fullMark ? "/ " + vm.fullMark : "");
  var btn = $("submit");
  btn.disabled = !vm.canSubmit;
  setText("submit", vm.revising ? t.resubmit : t.submit);
  setText("submit-hint", vm.hint || "");
  $("total").classList.toggle("is-partial", vm.missing > 0);
}
