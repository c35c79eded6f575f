/* Minkao stage console: the stage panel (what the moderator needs at this moment of the round).
 *
 * One builder per situation; each returns nodes built from the state alone. The report timer is
 * an element updated by tickTimer from report.started_at + seconds against server time.
 */
import { $, el, replace } from "../js/dom.js";
import { clock, fmt, jurorLabel, phone } from "../js/format.js";
import { reportTimer } from "../js/timer.js";
import { cfg, labels, store, t } from "./store.js";
import { actionLabel, bandLabel } from "./util.js";
import { openCallForm } from "./forms.js";
import { jurorTiles } from "./render.js";
import { callsHeader, callsPrepCard, hasTelephony, householdButtons, stateTag } from "./calls.js";
import { cadreCallCard, reportModeTag } from "./cadre_call.js";
import { claimsCard } from "./claims.js";
var othersOpen = false;

function card(title, children, cls) {
  return el("section", { class: "pcard " + (cls || "") }, [title ? el("h3", { text: title }) : null].concat(children));
}

function check(ok, text) {
  return el("li", { class: ok ? "is-ok" : "is-missing" }, [el("span", { class: "tick", text: ok ? "✓" : "✗" }), text]);
}

function setupPanel(state) {
  var d = state.draw || {};
  return [card(t.setup.title, [
    el("ul", { class: "checklist" }, [check(d.frozen, t.setup.frozen), check(d.committed, t.setup.committed)]),
    state.meeting.commitment ? el("p", { class: "hash hash-full", text: state.meeting.commitment }) : null,
    d.frozen && d.committed ? null : el("p", { class: "warn", text: t.setup.not_ready })
  ])];
}

function drawPanel(state) {
  var rnd = state.round;
  if (!state.entropy) { return [card(null, [el("p", { class: "lead", text: t.entropy_needed })], "pcard-note")]; }
  if (rnd.cadre) { return [cadreCallCard(state), claimsCard(state)].filter(Boolean); }
  var next = state.draw && state.draw.next;
  if (!next) { return [card(null, [el("p", { class: "warn", text: t.draws_done })])]; }
  return [card(null, [
    el("div", { class: "next-draw", text: fmt(t.next_draw, { n: next.draw }) }),
    el("div", { class: "muted", text: fmt(t.pool_size, { n: next.pool_size }) })
  ], "pcard-center")];
}

function timerPanel(state) {
  return [el("div", { id: "timer", class: "timer", "aria-live": "off" }, [
    reportModeTag(state.round),
    el("div", { class: "timer-label", text: t.timer_left }),
    el("div", { class: "timer-value", text: "—" }),
    el("div", { class: "timer-total muted", text: fmt(t.minutes, { n: Math.round(state.round.report.seconds / 6) / 10 }) })
  ]), state.round.stage === "report" ? callsPrepCard(state) : null,
  state.round.stage === "report" ? cadreCallCard(state) : null, claimsCard(state)];
}

/** Update the big countdown, if it is on the page. */
export function tickTimer() {
  var box = document.getElementById("timer");
  var rnd = store.state && store.state.round;
  if (!box || !rnd || !rnd.report || !rnd.report.started_at) { return; }
  var tm = reportTimer(rnd, store.live.serverNow());
  box.className = "timer" + (tm.over ? " is-over" : tm.remainingMs <= 60000 ? " is-low" : "");
  box.querySelector(".timer-label").textContent = tm.over ? t.timer_over : t.timer_left;
  box.querySelector(".timer-value").textContent = (tm.over ? "+" : "") + clock(tm.remainingMs);
}

function answersText(call) {
  var a = call.answers || {};
  var parts = [];
  if (a.visited) { parts.push(t.visited[a.visited] || a.visited); }
  if (a.resolved) { parts.push(t.resolved[a.resolved] || a.resolved); }
  if (a.satisfaction) { parts.push(fmt(t.satisfaction, { n: a.satisfaction })); }
  return parts.join(" · ");
}

function callsFor(state, code) {
  return (state.round.calls || []).filter(function (c) { return c.household.code === code; });
}

function rowButtons(state, h) {
  if (hasTelephony(state)) { return householdButtons(state, h); }
  return [el("button", { type: "button", class: "btn btn-call", "data-call-action": "record_call",
                         onclick: function () { openCallForm(h); } }, [actionLabel("record_call")])];
}

function householdRow(state, h, picked) {
  var calls = callsFor(state, h.code);
  var last = calls.length ? calls[calls.length - 1] : null;
  var answered = calls.some(function (c) { return c.state === "ended"; });
  var bad = calls.some(function (c) { return c.answers && (c.answers.visited === "no" || c.answers.resolved === "no"); });
  return el("li", { class: "hh" + (answered ? " is-done" : "") + (bad ? " is-bad" : ""), "data-code": h.code }, [
    picked ? el("span", { class: "hh-slot", text: fmt(t.verify.slot, { n: h.slot + 1 }) }) : null,
    el("div", { class: "hh-main" }, [
      el("div", { class: "hh-name" }, [el("b", { text: h.name }), el("span", { class: "muted", text: "  " + h.village + " · " + h.code })]),
      el("div", { class: "hh-phone", text: phone(h.phone) }),
      h.demands && h.demands.length ? el("ul", { class: "hh-demands" }, h.demands.map(function (d) {
        return el("li", {}, [el("span", { class: "tag tag-" + d.status, text: t.demand_status[d.status] || d.status }), d.text]);
      })) : null,
      last || (picked && hasTelephony(state)) ? el("div", { class: "hh-call" }, [
        stateTag(state, h.code),   // one label: the call's state, or the plan's "to call"
        last ? " " + answersText(last) : null,
        last && last.error ? el("span", { class: "call-error", text: " " + last.error }) : null
      ]) : null
    ]),
    el("div", { class: "hh-buttons" }, rowButtons(state, h))
  ]);
}

function verificationPanel(state) {
  return verificationCards(state).concat([claimsCard(state)]);
}

function verificationCards(state) {
  var rnd = state.round;
  var picked = rnd.picked_households || [];
  var others = rnd.other_households || [];
  var tel = hasTelephony(state);
  var out = [card(t.verify.picked, (tel ? callsHeader(state) : []).concat([
    picked.length ? el("ol", { class: "hh-list" }, picked.map(function (h) { return householdRow(state, h, true); }))
      : el("p", { class: "warn", text: tel ? t.calls.none_yet : t.verify.none_picked })
  ]))];
  var manualCalls = (rnd.calls || []).filter(function (c) {
    return !picked.some(function (h) { return h.code === c.household.code; });
  });
  if (manualCalls.length) {
    out.push(card(t.verify.calls, [el("ul", { class: "call-list" }, manualCalls.map(function (c) {
      return el("li", {}, [
        el("b", { text: c.household.full_name || c.household.name }), " ",
        el("span", { class: "muted", text: c.household.village + " · " + t.verify.manual }), " ",
        el("span", { class: "tag tag-call-" + c.state, text: t.outcome[c.state] || c.state }), " ",
        answersText(c)
      ]);
    }))]));
  }
  if (others.length) {
    var details = el("details", { class: "others", open: othersOpen }, [
      el("summary", { text: t.verify.others + " (" + others.length + ")" }),
      el("ol", { class: "hh-list hh-compact" }, others.map(function (h) { return householdRow(state, h, false); }))
    ]);
    details.addEventListener("toggle", function () { othersOpen = details.open; });
    out.push(details);
  }
  return out;
}

/** The progress bar's fill; its width through the CSSOM (a style attribute breaks the CSP). */
function progressFill(pct, met) {
  var fill = el("div", { class: "pbar-fill" + (met ? " is-met" : "") });
  fill.style.width = pct + "%";
  return fill;
}

function scoringPanel(state) {
  var p = state.round.progress;
  var pct = p.expected ? Math.round(100 * p.submitted / p.expected) : 0;
  var met = p.submitted >= state.quorum;
  return [card(null, [
    el("div", { class: "progress-big", id: "progress-big" }, [
      el("span", { class: "pb-n", text: p.submitted }), el("span", { class: "pb-sep", text: "/" }),
      el("span", { class: "pb-total", text: p.expected })
    ]),
    el("div", { class: "pbar" }, [progressFill(pct, met)]),
    el("p", { class: met ? "ok-text" : "muted", text: met ? t.quorum_met : fmt(t.progress, { n: p.submitted, total: p.expected }) + " · " + fmt(t.quorum, { n: state.quorum }) }),
    el("ol", { class: "jurors jurors-big" }, jurorTiles(state, true))
  ])];
}

function resultCard(state, preview) {
  var r = state.round.result;
  if (!r) { return null; }
  var rubric = state.rubric || [];
  var head = [el("th", { text: "#" }), el("th", { text: "" })].concat(rubric.map(function (c) {
    return el("th", { class: "num", text: cfg.lang === "en" ? c.label_en : c.label_zh });
  }), [el("th", { class: "num", text: "∑" }), el("th", { text: "" })]);
  var rows = (r.ballots || []).map(function (b) {
    var note = [b.dropped ? t.dropped[b.dropped] : "", b.outlier ? t.outlier : ""].filter(Boolean).join(" · ");
    return el("tr", { class: b.dropped ? "is-dropped" : "" }, [el("td", { text: b.seat }), el("td", { text: jurorLabel(b) })]
      .concat(rubric.map(function (c) { return el("td", { class: "num", text: b.scores ? b.scores[c.key] : "" }); }),
        [el("td", { class: "num total", text: b.total }), el("td", { class: "note", text: note })]));
  });
  return card(preview ? null : t.result, [
    preview ? el("p", { class: "preview-note", text: t.preview }) : null,
    el("div", { class: "final" }, [
      el("span", { class: "final-label", text: t.final }),
      el("span", { class: "final-value", id: "final-value", text: r.final }),
      r.band ? el("span", { class: "band band-" + r.band.key, text: bandLabel(r.band) }) : null,
      el("span", { class: "muted", text: t.rules[r.rule_applied] || r.rule_applied || "" })
    ]),
    el("table", { class: "ballots" }, [el("thead", {}, [el("tr", {}, head)]), el("tbody", {}, rows)])
  ], preview ? "pcard-preview" : "");
}

function decisionText(d) {
  var x = d.detail || {};
  if (d.kind === "rectification") {
    return [(x.items || []).join("；"), fmt(t.deadline, { d: x.deadline }), fmt(t.responsible, { who: x.responsible })].join(" · ");
  }
  if (d.kind === "investigation") {
    var team = (x.team || []).map(function (m) { return m.name + "（" + (labels.roles[m.role] || m.role) + "）"; });
    return [x.reason, t.team + "：" + team.join("、")].join(" · ");
  }
  return x.reason || x.note || "";
}

function decisionsCard(state) {
  var list = state.round.decisions || [];
  return card(t.decisions, [list.length ? el("ul", { class: "decisions" }, list.map(function (d) {
    return el("li", {}, [el("span", { class: "tag tag-dec-" + d.kind, text: labels.decisions[d.kind] || d.kind }), decisionText(d)]);
  })) : el("p", { class: "muted", text: t.no_decision })]);
}

function closedPanel(state) {
  return [card(null, [el("p", { class: "lead", text: t.seed_revealed })])];
}

/** Rebuild the stage panel for the state. */
export function renderPanel(state) {
  var status = state.meeting.status;
  var rnd = state.round;
  var parts = [];
  if (status === "setup") { parts = setupPanel(state); }
  else if (status === "closed") { parts = closedPanel(state); }
  else if (rnd) {
    var stage = rnd.stage;
    if (stage === "draw") { parts = drawPanel(state); }
    else if (stage === "report" || stage === "answer") { parts = timerPanel(state); }
    else if (stage === "verification") { parts = verificationPanel(state); }
    else if (stage === "scoring_open") { parts = scoringPanel(state); }
    else if (stage === "scoring_closed") { parts = [resultCard(state, true)]; }
    else if (stage === "revealed" || stage === "decided") { parts = [decisionsCard(state), resultCard(state, false)]; }
  }
  replace($("panel"), parts);
  tickTimer();
}
