/* Minkao public screens: DOM blocks shared by the projector and the viewer.
 *
 * Each function builds a fresh node from public snapshot data; the screen's stylesheet sizes
 * it (projector: readable from the back of a hall; viewer: a phone column).
 */
import { el } from "../js/dom.js";
import { cadreNo, clock, hexBlocks, jurorLabel, pick } from "../js/format.js";
import { reportTimer } from "../js/timer.js";
import { answerRows, callState, cfg, decisionLabel, roleLabel, ruleText, skipLine, t } from "./common.js";

export function field(label, value, cls) {
  if (!value && value !== 0) { return null; }
  return el("div", { class: "field " + (cls || "") }, [el("span", { class: "field-label", text: label }), el("span", { class: "field-value", text: value })]);
}

/** Who sits out this round (回避) and why, by category only; null when nobody does. */
export function recusalLine(round) {
  var list = (round && round.recusals) || [];
  if (!list.length) { return null; }
  var names = cfg.recusals || {};
  var node = el("div", { class: "recusals" }, [el("span", { class: "recusals-label", text: t("Recused this round") }),
    el("span", { class: "recusals-list", text: list.map(function (r) {
      return jurorLabel(r) + "（" + (names[r.category] || r.category) + "）";
    }).join("、") })]);
  node.setAttribute("data-recused", list.map(function (r) { return r.seat + ":" + r.category; }).join(","));
  return node;
}

/** The drawn cadre: number badge, name, position, unit, township (and the round's recusals). */
export function cadreCard(cadre, round) {
  return el("section", { class: "card cadre-card" }, [
    el("div", { class: "cadre-no", text: cadreNo(cadre.number) }),
    el("div", { class: "cadre-main" }, [
      el("div", { class: "cadre-name", text: cadre.name }),
      el("div", { class: "cadre-position", text: cadre.position }),
      el("div", { class: "cadre-unit", text: [cadre.unit, cadre.township].filter(Boolean).join(" · ") }),
      round ? recusalLine(round) : null
    ])
  ]);
}

/** A question round: the department head called up and the public demand to answer. */
export function questionCard(q) {
  q = q || {};
  return el("section", { class: "card question-card" }, [
    el("div", { class: "question-kicker", text: t("Called to answer") }),
    el("div", { class: "question-head", text: q.department_head }),
    el("div", { class: "question-unit", text: q.unit }),
    el("blockquote", { class: "question-demand", text: q.demand })
  ]);
}

/** A pledge's terms on one line: "12 件 · 2027-03-01 前" (how many demands, by when). */
export function pledgeTerms(p) {
  p = p || {};
  return [p.demands ? t("{n} demands", { n: p.demands }) : "", p.deadline ? t("by {date}", { date: p.deadline }) : ""]
    .filter(Boolean).join(" · ");
}

/** A pledge round (公开承诺): the unit, the department head, the promise, N demands, by a date. */
export function pledgeCard(p) {
  p = p || {};
  var node = el("section", { class: "card question-card pledge-card" }, [
    el("div", { class: "question-kicker", text: t("Public pledge") }),
    el("div", { class: "question-head pledge-head", text: p.department_head }),
    el("div", { class: "question-unit pledge-unit", text: p.unit }),
    el("blockquote", { class: "question-demand pledge-promise", text: p.promise }),
    el("div", { class: "question-unit pledge-terms", text: pledgeTerms(p) }),
    p.case ? el("div", { class: "question-unit pledge-case", text: t("Case {code}", { code: p.case }) }) : null
  ]);
  node.setAttribute("data-pledge-demands", String(p.demands || ""));
  return node;
}

/** The subject of a round, whichever kind it is (or null before the draw). */
export function subject(round) {
  if (!round) { return null; }
  if (round.kind === "question") { return questionCard(round.question); }
  if (round.kind === "pledge") { return pledgeCard(round.pledge); }
  return round.cadre ? cadreCard(round.cadre, round) : null;
}

/** A report countdown; `tick(node, now)` keeps it current between snapshots. */
export function timer(round) {
  var node = el("section", { class: "timer" }, [
    el("div", { class: "timer-label", text: t("Report time") }),
    el("div", { class: "timer-clock" }),
    el("div", { class: "timer-bar" }, [el("div", { class: "timer-fill" })]),
    el("div", { class: "timer-note" })
  ]);
  node.setAttribute("data-countdown", "1");
  node._round = round;
  return node;
}

export function tick(root, nowMs) {
  var nodes = root.querySelectorAll("[data-countdown]");
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i], tm = reportTimer(node._round, nowMs);
    var clockNode = node.querySelector(".timer-clock");
    clockNode.textContent = tm.over ? "+" + clock(-tm.remainingMs) : clock(tm.remainingMs);
    node.classList.toggle("over", tm.over);
    node.classList.toggle("low", !tm.over && tm.running && tm.remainingMs <= 60000);
    node.querySelector(".timer-fill").style.width =
      (tm.totalMs ? Math.max(0, Math.min(1, tm.remainingMs / tm.totalMs)) * 100 : 0) + "%";
    node.querySelector(".timer-note").textContent =
      tm.over ? t("Time is up") : (tm.running ? "" : t("Waiting to start"));
  }
}

function callCard(call) {
  var st = callState(call.state), h = call.household || {};
  var answers = answerRows(call.answers).map(function (row) {
    return el("div", { class: "answer " + (row[2] || "") }, [el("span", { class: "answer-label", text: row[0] }), el("span", { class: "answer-value", text: row[1] })]);
  });
  var card = el("article", { class: "call-card call-" + st.cls }, [
    el("div", { class: "call-head" }, [
      el("span", { class: "call-icon", text: st.icon }),
      el("span", { class: "call-state", text: st.label }),
      call.named ? el("span", { class: "call-pick call-named", text: t("Named by the moderator") }) : null
    ]),
    el("div", { class: "call-village", text: h.village }),
    el("div", { class: "call-who" }, [el("span", { class: "call-name", text: h.name }), el("span", { class: "call-phone", text: h.phone })]),
    answers.length ? el("div", { class: "call-answers" }, answers) : null
  ]);
  card.setAttribute("data-call", String(call.id));
  return card;
}

function discrepancyBanner() {
  var b = el("div", { class: "banner banner-alarm" }, [
    el("span", { class: "banner-icon", text: "!" }),
    el("span", { class: "banner-text", text: t("A household's answer contradicts the report") })
  ]);
  b.setAttribute("role", "alert");
  return b;
}

/** What the line is doing now, in words that are true at this moment: "waiting to dial" until
 * a call is placed, "dialling" only while a call is placed and not yet answered, "on the line"
 * while a household talks, then the latest call's outcome. The call in progress, if any, speaks;
 * otherwise the newest call. data-call-status: waiting | dialling | live | outcome. */
export function callStatus(round) {
  var list = round.calls || [], call = null, kind, text;
  for (var i = list.length - 1; i >= 0 && !call; i--) {
    var cls = callState(list[i].state).cls;
    if (cls === "wait" || cls === "active" || cls === "live") { call = list[i]; }
  }
  call = call || list[list.length - 1];
  var st = call ? callState(call.state) : null;
  if (!call) { kind = "waiting"; text = t("Waiting to dial"); }
  else if (st.cls === "wait" || st.cls === "active") { kind = "dialling"; text = t("Dialling the households…"); }
  else if (st.cls === "live") { kind = "live"; text = st.label; }
  else { kind = "outcome"; text = t("Last call: {outcome}", { outcome: st.label }); }
  var node = el("div", { class: "call-status call-status-" + kind + (st ? " call-" + st.cls : ""), role: "status", text: text });
  node.setAttribute("data-call-status", kind);
  return node;
}

/** Call-out verification: the call status, the cards of every call so far, the discrepancy banner. */
export function calls(round) {
  var list = round.calls || [];
  var wrap = el("section", { class: "calls" }, [round.discrepancy ? discrepancyBanner() : null, callStatus(round)]);
  if (!list.length) { return wrap; }
  wrap.appendChild(el("div", { class: "call-grid n" + Math.min(list.length, 6) }, list.map(callCard)));
  return wrap;
}

/** The round's call results while the jury scores: every call's outcome and answers (masked as
 * everywhere on public screens) and the discrepancy alert, so the evidence stays in front of the
 * hall. Null when the round made no call and has no alert. One function, so more evidence (e.g.
 * the cadre's own claims beside the households' answers) can be added here. */
export function callResults(round) {
  var list = round.calls || [];
  if (!list.length && !round.discrepancy) { return null; }
  var node = el("section", { class: "call-results" }, [
    el("div", { class: "section-title", text: t("Call-out verification") }),
    round.discrepancy ? discrepancyBanner() : null,
    list.length ? el("div", { class: "call-grid n" + Math.min(list.length, 6) }, list.map(callCard)) : null
  ]);
  node.setAttribute("data-calls", String(list.length));
  return node;
}

/** Scoring progress: "n / m" and one dot per juror (who submitted is never shown). */
export function progress(round) {
  var p = round.progress || { submitted: 0, expected: 0 };
  var dots = [];
  for (var i = 0; i < p.expected; i++) { dots.push(el("span", { class: "dot" + (i < p.submitted ? " on" : "") })); }
  var closed = round.stage === "scoring_closed";
  var node = el("section", { class: "progress" + (closed ? " closed" : "") }, [
    el("div", { class: "progress-label", text: closed ? t("Scoring closed — the result follows") : t("The jury is scoring") }),
    el("div", { class: "progress-count" }, [
      el("span", { class: "progress-n", text: p.submitted }), el("span", { class: "progress-sep", text: "/" }), el("span", { class: "progress-m", text: p.expected })
    ]),
    el("div", { class: "progress-dots" }, dots),
    el("div", { class: "progress-note", text: t("ballots received") }),
    recusalLine(round)
  ]);
  node.setAttribute("data-progress", p.submitted + "/" + p.expected);
  return node;
}

/** Final score, grade band and rule, big. */
export function finalScore(result) {
  var band = result.band || {};
  var node = el("section", { class: "final band-" + (band.key || "none") }, [
    el("div", { class: "final-label", text: t("Final score") }),
    el("div", { class: "final-score", text: result.final }),
    el("div", { class: "final-band", text: pick(band) }),
    el("div", { class: "final-rule", text: ruleText(result.rule_applied) })
  ]);
  node.setAttribute("data-final", result.final);
  return node;
}

/** Each juror's total; the dropped highest and lowest are struck through. */
export function ballots(result) {
  return el("section", { class: "ballots" }, (result.ballots || []).map(function (b) {
    var tag = b.dropped === "high" ? t("Highest, dropped") : (b.dropped === "low" ? t("Lowest, dropped") : "");
    var card = el("div", { class: "ballot" + (b.dropped ? " dropped" : "") + (b.outlier ? " outlier" : "") }, [
      el("div", { class: "ballot-label", text: jurorLabel(b) }),
      el(b.dropped ? "s" : "div", { class: "ballot-total", text: b.total }),
      el("div", { class: "ballot-tag", text: tag })
    ]);
    if (b.dropped) { card.setAttribute("data-dropped", b.dropped); }
    return card;
  }));
}

function decisionDetail(d) {
  var x = d.detail || {}, out = [];
  if (d.kind === "rectification") {
    out.push(el("ol", { class: "decision-items" }, (x.items || []).map(function (it) { return el("li", { text: it }); })));
    out.push(field(t("Deadline"), x.deadline));
    out.push(field(t("Responsible"), x.responsible));
  } else if (d.kind === "investigation") {
    out.push(field(t("Reason"), x.reason));
    var team = (x.team || x.members || []).map(function (m) {
      return el("li", null, [el("span", { class: "member-name", text: m.name }), el("span", { class: "member-role", text: roleLabel(m.role) })]);
    });
    if (team.length) { out.push(el("div", { class: "field" }, [el("span", { class: "field-label", text: t("Team") }), el("ul", { class: "team" }, team)])); }
    out.push(field(t("Report by"), x.report_by));
  } else if (d.kind === "discipline") {
    out.push(field(t("Reason"), x.reason));
  }
  out.push(field(t("Note"), x.note));
  return out;
}

/** The on-the-spot decisions of a round, newest last. */
export function decisions(list) {
  return el("section", { class: "decisions" }, (list || []).map(function (d) {
    var card = el("article", { class: "decision decision-" + d.kind },
      [el("div", { class: "decision-kind", text: decisionLabel(d.kind) })].concat(decisionDetail(d)));
    card.setAttribute("data-decision", d.kind);
    return card;
  }));
}

export function whoText(row) {
  var w = row.who || {};
  return (w.number !== null && w.number !== undefined ? cadreNo(w.number) + " " : "") + (w.name || "");
}

/** Leaderboard rows: rank, who, unit, final score, band. */
export function leaderboardTable(board, limit) {
  var rows = (board || []).slice(0, limit || 50).map(function (row, i) {
    var tr = el("tr", { class: "band-" + ((row.band && row.band.key) || "none") }, [
      el("td", { class: "lb-rank", text: i + 1 }), el("td", { class: "lb-who", text: whoText(row) }), el("td", { class: "lb-unit", text: (row.who || {}).unit }),
      el("td", { class: "lb-final", text: row.final }), el("td", { class: "lb-band", text: pick(row.band) })
    ]);
    return tr;
  });
  var head = el("tr", null, [el("th", { text: "#" }), el("th", { text: t("Who") }), el("th", { text: t("Unit") }),
    el("th", { text: t("Score") }), el("th", { text: t("Grade") })]);
  if (!rows.length) { return el("div", { class: "lb-empty", text: t("No results yet") }); }
  return el("table", { class: "leaderboard" }, [el("thead", null, [head]), el("tbody", null, rows)]);
}

/** Commitment and roster hash in blocks of 8 hex digits, as printed on the notice. */
export function hashes(meeting) {
  function hashRow(label, hex) {
    if (!hex) { return null; }
    return el("div", { class: "hash-row" }, [el("div", { class: "hash-label", text: label }),
      el("div", { class: "hash" }, hexBlocks(hex).map(function (b) { return el("span", { class: "hex", text: b }); }))]);
  }
  return el("section", { class: "hashes" }, [
    hashRow(t("Draw commitment (SHA-256)"), meeting.commitment),
    hashRow(t("Roster hash (SHA-256)"), meeting.roster_hash),
    hashRow(t("Revealed seed"), meeting.seed)  // in the snapshot only once revealed, after the close
  ]);
}

/** After the reveal: how anyone checks the draw (the full command is on the notice, docs/VERIFY.md §17). */
export function verifyHow() {
  return el("section", { class: "verify-how" }, [
    el("div", { class: "verify-how-text", text: t("Download the bundle, then run (Python 3.11+, the scoring folder of the Minkao source):") }),
    el("code", { class: "verify-cmd", text: "python -m scoring.verify bundle.json --commitment … --roster-hash …" }),
    el("div", { class: "verify-how-text", text: t("Put the commitment and the roster hash shown here after --commitment and --roster-hash. It prints OK if every number drawn matches them and the seed.") })
  ]);
}

export function entropy(ent, declared) {
  var by = {};
  (declared || []).forEach(function (d) { by[d.label] = d.supplier; });
  if (!ent || !ent.sources || !ent.sources.length) {
    return el("section", { class: "entropy pending" }, [el("div", { class: "hash-label", text: t("Live entropy") }),
      el("div", { class: "entropy-wait", text: t("Entered on stage before the first draw") })]);
  }
  return el("section", { class: "entropy" }, [el("div", { class: "hash-label", text: t("Live entropy") })].concat(
    ent.sources.map(function (s) {
      return el("div", { class: "entropy-row" }, [el("span", { class: "entropy-k", text: s.label }), el("span", { class: "entropy-v", text: s.value }),
        by[s.label] ? el("span", { class: "entropy-by", text: by[s.label] }) : null]);
    })));
}

/** The round's latest skip and its reason, shown while the round waits for its redraw. */
export function skipNotice(round) {
  var line = skipLine(round);
  return line ? el("div", { class: "skip-notice", role: "status", text: line }) : null;
}

/* --- the phone-in report and the cadre's claims (phone-in: docs/TELEPHONY.md; claims: docs/SCORING.md) --- */

/** "电话述职" once the report runs on the phone (null otherwise: in person needs no word). */
export function reportMode(round) {
  if (!round || round.report_mode !== "phone") { return null; }
  var node = el("div", { class: "report-mode report-mode-phone" }, [
    el("span", { class: "report-mode-icon", text: "☏" }), el("span", { class: "report-mode-text", text: t("Phone-in report") })]);
  node.setAttribute("data-report-mode", "phone");
  return node;
}

/** The call to the drawn cadre while the round waits for the report: dialling, or not reached. */
export function cadreCallLine(round) {
  var c = round && round.cadre_call;
  if (!c || round.stage !== "draw") { return null; }
  var st = callState(c.state);
  var words = st.cls === "bad" ? t("The cadre could not be reached by phone") : t("Calling the cadre for a phone-in report");
  var node = el("div", { class: "cadre-call-line call-" + st.cls, role: "status" }, [
    el("span", { class: "call-icon", text: st.icon }), el("span", { class: "call-state", text: st.label }),
    el("span", { class: "cadre-call-words", text: words })]);
  node.setAttribute("data-cadre-call", c.state);
  return node;
}

var CLAIM_LEVELS = {
  pending: ["wait", "Waiting for the households' answers"], consistent: ["ok", "The answers agree with the report so far"],
  doubtful: ["warn", "The answers make the report doubtful"], contradiction: ["bad", "The answers contradict the report"]
};

function claimRow(label, claimed, answered, tone) {
  return el("div", { class: "claim-row " + (tone || "") }, [
    el("div", { class: "claim-label", text: label }),
    el("div", { class: "claim-said", text: claimed }),
    el("div", { class: "claim-heard", text: answered })]);
}

/** 述职称 vs 群众答: the cadre's claims beside the households' keypad answers, and the verdict. */
export function claimsBeside(round) {
  var c = round && round.claims, k = round && round.claims_check;
  if (!c || !k) { return null; }
  var level = CLAIM_LEVELS[k.level] || CLAIM_LEVELS.pending;
  var visitTone = k.codes.indexOf("visits_all_claimed") >= 0 || k.codes.indexOf("visits_fewer_than_claimed") >= 0 ? "bad"
    : (k.codes.indexOf("visits_unlikely") >= 0 ? "warn" : "");
  var demandTone = k.codes.indexOf("demands_all_claimed_resolved") >= 0 ? "bad"
    : (k.codes.indexOf("demands_partly_resolved") >= 0 || k.codes.indexOf("demands_not_collected") >= 0 ? "warn" : "");
  var node = el("section", { class: "claims claims-" + level[0] }, [
    el("div", { class: "claim-row claim-head" }, [el("div", { class: "claim-label" }),
      el("div", { class: "claim-said", text: t("The report claims") }), el("div", { class: "claim-heard", text: t("The households answer") })]),
    claimRow(t("Visits"), t("visited {n} of {m} households", { n: c.visited, m: c.assigned }),
             k.answered ? t("{n} of {m} say never visited", { n: k.said_not_visited, m: k.answered }) : "—", visitTone),
    claimRow(t("Demands"), t("resolved {n} of {m} demands", { n: c.demands_resolved, m: c.demands_collected }),
             k.with_demand ? t("{n} of {m} say not resolved", { n: k.said_unresolved, m: k.with_demand }) : "—", demandTone),
    el("div", { class: "claims-verdict", text: t(level[1]) })
  ]);
  node.setAttribute("data-claims-level", k.level);
  return node;
}
