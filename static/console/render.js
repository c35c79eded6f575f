/* Minkao stage console: the parts of the page around the stage panel, drawn from the state.
 *
 * Every function here rebuilds its part from the newest snapshot; nothing is kept between calls.
 */
import { $, el, replace } from "../js/dom.js";
import { cadreNo, fmt, jurorLabel, stageName } from "../js/format.js";
import { labels, store, t } from "./store.js";
import { shortHash } from "./util.js";
import { stageKey } from "./forms.js";

/** A stored skip reason in words: a code of the closed list, or "other: <text>" (its text). */
function skipWords(reason) {
  var r = String(reason || "");
  if (r.indexOf("other: ") === 0) { return r.slice(7); }
  return (labels.skip_reasons || {})[r] || r;
}

export function renderHeader(state) {
  var status = state.meeting.status;
  var pill = $("meeting-status");
  pill.textContent = t.status[status] || status;
  pill.className = "pill pill-" + status;
  document.body.setAttribute("data-status", status);
  document.body.setAttribute("data-stage", state.round ? state.round.stage : "none");
}

export function renderRoundHead(state) {
  var rnd = state.round;
  var planned = state.meeting.rounds_planned;
  $("round-no").textContent = rnd ? (planned ? fmt(t.round_of, { n: rnd.number, total: planned })
    : fmt(t.round_n, { n: rnd.number })) : t.no_round;
  var chip = $("stage-chip");
  chip.textContent = rnd ? stageName(rnd) : "";
  chip.hidden = !rnd;
  chip.className = "stage-chip stage-" + (rnd ? rnd.stage : "none");
  $("round-kind").textContent = rnd ? (t.kind[rnd.kind] || rnd.kind) : "";
  $("scene-now").textContent = fmt(t.scene_now, { scene: t.scenes[state.scene] || state.scene });
  $("scene-now").className = "scene-now scene-" + state.scene;
  var disc = $("discrepancy");
  disc.hidden = !(rnd && rnd.discrepancy);
  disc.textContent = rnd && rnd.discrepancy ? "⚠ " + t.verify.discrepancy : "";
  disc.title = disc.textContent;   // one line in the head: the full words on hover
  // A skipped verification stays in view for the rest of the round (it is in the chain too).
  var skip = rnd && rnd.verification_skip;
  var note = $("verification-skip");
  note.hidden = !skip;
  note.textContent = skip ? fmt(t.verify.skipped, { why: skip.reason === "other" && skip.text ? skip.text
    : ((labels.verification_skip_reasons || {})[skip.reason] || skip.reason) }) : "";
  note.title = note.textContent;
}

export function renderSubject(state) {
  var box = $("subject");
  var rnd = state.round;
  var c = rnd && rnd.cadre;
  var q = rnd && rnd.question;
  if (c) {
    replace(box, [
      el("div", { class: "subject-no" }, [el("small", { text: t.drawn }), el("span", { text: cadreNo(c.number) })]),
      el("div", { class: "subject-main" }, [
        el("div", { class: "subject-name", text: c.name }),
        el("div", { class: "subject-line", text: [c.position, c.unit].filter(Boolean).join(" · ") }),
        el("div", { class: "subject-line muted", text: c.township || "" })
      ])
    ]);
  } else if (q) {
    replace(box, [
      el("div", { class: "subject-no subject-q" }, [el("small", { text: t.kind.question }), el("span", { text: "问" })]),
      el("div", { class: "subject-main" }, [
        el("div", { class: "subject-name", text: q.department_head }),
        el("div", { class: "subject-line", text: q.unit || "" }),
        rnd.kind === "pledge" ? el("div", { class: "subject-demand", text: q.promise + " · " + q.demands + " · " + q.deadline })
          : el("div", { class: "subject-demand" }, [el("b", { text: t.question.demand + "：" }), q.demand])
      ])
    ]);
  }
  box.hidden = !(c || q);
}

export function renderScenes(state) {
  Array.prototype.forEach.call(document.querySelectorAll(".scene-btn"), function (b) {
    var on = b.getAttribute("data-scene") === state.scene;
    b.classList.toggle("is-on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  });
}

/** A recused juror's mark: 回避 and the category (never a relation's details). */
function recusedMark(j) {
  return "⊘ " + t.recused + " · " + ((labels.recusals || {})[j.recused] || j.recused);
}

var BEFORE_SCORING = { draw: true, report: true, verification: true, question: true, answer: true };

/** Whether recusals may change now: the round has a subject and scoring has not opened. */
function recusalsEditable(state) {
  var r = state.round;
  return !!(r && BEFORE_SCORING[r.stage] && (r.cadre || r.question) && state.meeting.status === "live");
}

export function jurorTiles(state, big) {
  var editable = !big && recusalsEditable(state);
  return (state.jurors || []).map(function (j) {
    var node = el("li", { class: "juror" + (j.submitted ? " is-in" : "") + (j.recused ? " is-recused" : "") + (big ? " juror-big" : ""),
                      "data-seat": j.seat, "data-submitted": j.submitted ? "1" : "0" }, [
      el("span", { class: "juror-seat", text: j.seat }),
      el("span", { class: "juror-name", text: jurorLabel(j) }),
      big ? el("span", { class: "juror-cat", text: labels.categories[j.category] || j.category || "" }) : null,
      el("span", { class: "juror-mark", text: j.recused ? recusedMark(j) : (j.submitted ? "✓ " + t.submitted : t.waiting) }),
      el("span", { class: "juror-presence" })   // filled by tickPresence: connected / seen N s ago / not connected
    ]);
    node.setAttribute("data-juror", String(j.id));
    if (j.recused) { node.setAttribute("data-recused", j.recused); }
    if (editable) {   // recusals.js handles the click
      node.appendChild(el("button", { type: "button", class: "btn btn-small juror-recuse", "data-recusal": j.recused ? "lift" : "add",
                                      "data-juror": j.id, text: j.recused ? t.lift_recusal : t.recuse }));
    }
    return node;
  });
}

export function renderJurors(state) {
  var rnd = state.round;
  var p = rnd ? rnd.progress : { submitted: 0, expected: (state.jurors || []).length };
  var quorum = state.quorum_effective !== undefined ? state.quorum_effective : state.quorum;
  $("jurors-count").textContent = p.submitted + " / " + p.expected + " · " + fmt(t.quorum, { n: quorum });
  replace($("jurors"), jurorTiles(state, false));
  tickPresence();
}

// A tablet that has not said "alive" for this long is no longer counted as connected (it sends every 5 s).
var STALE_S = 15;
// Stages in which ballots can still come in: the quorum is at risk if too few tablets are there.
var BALLOTS_TO_COME = { draw: true, report: true, verification: true, question: true, answer: true, scoring_open: true };

/** One juror's connection from the newest `presence` message: {kind, text}. */
function presenceOf(byId, id, now) {
  var p = byId[id], pt = t.presence || {};
  if (!p) { return { kind: "never", text: pt.never }; }
  var age = Math.max(0, Math.floor((now - Date.parse(p.last_seen)) / 1000));
  if (p.connected && age <= STALE_S) { return { kind: "connected", text: pt.connected }; }
  return { kind: "seen", text: age < 120 ? fmt(pt.seen, { n: age }) : fmt(pt.seen_min, { n: Math.floor(age / 60) }) };
}

/** Paint each juror tile's connection and the quorum warning; runs every second and on each `presence`. */
export function tickPresence() {
  var state = store.state;
  if (!state) { return; }
  var byId = {}, now = store.live ? store.live.serverNow() : Date.now();
  ((store.presence && store.presence.jurors) || []).forEach(function (p) { byId[p.id] = p; });
  var reachable = 0;
  (state.jurors || []).forEach(function (j) {
    var p = presenceOf(byId, j.id, now);
    if (j.submitted || p.kind === "connected") { reachable += 1; }
    Array.prototype.forEach.call(document.querySelectorAll('.juror[data-juror="' + j.id + '"] .juror-presence'), function (node) {
      node.textContent = p.text;
      node.className = "juror-presence is-" + p.kind;
      node.parentNode.setAttribute("data-presence", p.kind);
    });
  });
  var rnd = state.round;
  var atRisk = state.meeting.status === "live" && (!rnd || BALLOTS_TO_COME[rnd.stage]) && reachable < state.quorum;
  var warn = $("quorum-risk");
  if (!warn) {
    warn = el("p", { class: "quorum-risk", role: "alert" });
    warn.id = "quorum-risk";
    $("jurors").parentNode.insertBefore(warn, $("jurors"));
  }
  warn.hidden = !atRisk;
  warn.textContent = atRisk ? "⚠ " + fmt((t.presence || {}).quorum_risk, { n: reachable, q: state.quorum }) : "";
  warn.setAttribute("data-reachable", String(reachable));
}

export function renderFacts(state) {
  var commitment = state.meeting.commitment;
  var c = $("fact-commitment");
  c.textContent = shortHash(commitment);
  c.title = commitment || "";
  var entropy = state.entropy;
  $("fact-entropy").textContent = entropy && entropy.canonical ? entropy.canonical : t.not_yet;
  var draws = (state.draw && state.draw.draws) || [];
  replace($("draw-history"), draws.map(function (d) {
    return el("li", { class: d.skipped ? "is-skipped" : "" }, [
      el("span", { class: "dh-n", text: "#" + d.draw }),
      el("span", { class: "dh-no", text: cadreNo(d.cadre_number) }),
      el("span", { class: "dh-name", text: d.cadre_name }),
      d.skipped ? el("span", { class: "dh-skip", text: fmt(t.skipped, { why: skipWords(d.skip_reason) }) }) : null
    ]);
  }));
  var live = state.meeting.status === "live";
  $("close-meeting").hidden = !live;
  $("bundle-link").hidden = !state.meeting.seed_revealed;
}

/** The message strip under the top bar: kind "error" stays until dismissed, others fade. */
var fadeTimer = null;
var shownAt = null;   // the stage key when the message appeared
export function message(text, detail, kind) {
  var box = $("msg");
  clearTimeout(fadeTimer);
  if (!text) { box.hidden = true; return; }
  $("msg-text").textContent = text;
  $("msg-detail").textContent = detail || "";
  box.className = "msg msg-toast msg-" + (kind || "info");
  box.title = detail ? text + "  (" + detail + ")" : text;   // the strip shows one line
  box.hidden = false;
  shownAt = stageKey ? stageKey() : null;
  fadeTimer = setTimeout(function () { box.hidden = true; }, kind === "error" ? 30000 : 4000);
}

/** An error about an earlier moment of the round is stale once the round has moved on. */
export function expireMessage() {
  var box = $("msg");
  if (!box.hidden && box.classList.contains("msg-error") && shownAt !== stageKey()) { box.hidden = true; }
}

/** Connection pill: online/offline and the age of the newest message from the server. */
export function renderConnection() {
  var live = store.live;
  var conn = $("conn");
  var online = live && live.connected;
  var age = live ? live.secondsSinceUpdate() : null;
  var stale = online && age !== null && age > 12;
  document.body.classList.toggle("is-offline", !online);
  conn.className = "conn " + (online ? (stale ? "is-stale" : "is-online") : "is-offline");
  $("conn-text").textContent = online ? t.online : (store.refused ? store.refused : t.offline);
  $("conn-age").textContent = age === null ? "" : fmt(t.updated_ago, { n: age });
}
