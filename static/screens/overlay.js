/* Broadcast overlay: a transparent 1920×1080 page with a lower-third and a full-screen result.
 *
 * By default the live socket state decides what is on air. ?manual=1 leaves that to an
 * operator: update(data), play(), stop(), next() are the CasparCG / SPX template functions
 * (docs/BROADCAST.md); the first call of play/stop/next also hands control to the operator.
 * ?live=0 does not connect at all (a pure template fed by update()).
 */
import { clear, el } from "../js/dom.js";
import { cadreNo, jurorLabel, pick, stageName } from "../js/format.js";
import { connect, decisionLabel, fitStage, roundTitle, ruleText, skipLine, t } from "./common.js";
import { pledgeTerms } from "./blocks.js";
var params = new URLSearchParams(window.location.search);
var operator = params.get("manual") === "1";
var useSocket = params.get("live") !== "0";
var CYCLE = ["lower", "result", "off"];
// Two groups of fields: giving any field of a group in update() replaces the whole group
// (the fields left out are blank), so live data never mixes with the operator's.
var GROUPS = [["title", "subtitle", "number", "badge", "stage", "heading"], ["score", "grade", "grade_key", "rule", "ballots"]];
var FIELDS = GROUPS[0].concat(GROUPS[1]);
var EMPTY = { number: null, ballots: [] };
// SPX / CasparCG field names f0…f7 in this order (docs/BROADCAST.md).
var ALIASES = { f0: "title", f1: "subtitle", f2: "number", f3: "stage", f4: "score", f5: "grade", f6: "heading", f7: "badge" };

// The hall's draw animation takes ~3 s: the broadcast must not name the cadre before the hall sees it.
var DRAW_HOLD_MS = 3000;
var socketState = null, fedState = null, overrides = {}, onAir = "off", holdUntil = 0, holdTimer = null;

/** Closed while on a round: nothing can change the scene any more, so the welcome banner says it ended. */
function closedRound(st) { return (st.meeting || {}).status === "closed" && st.scene === "round"; }

/** What the graphics show, derived from a Minkao state. */
function fromState(st) {
  var d = { title: "", subtitle: "", number: null, badge: "", stage: "", heading: "", score: "", grade: "",
            grade_key: "", rule: "", ballots: [] };
  if (!st) { return d; }
  var m = st.meeting || {}, r = st.round;
  if (!r || st.scene === "welcome" || closedRound(st)) {
    d.title = m.title || "";
    d.subtitle = [m.venue, m.date].filter(Boolean).join(" · ");
    d.badge = t("LIVE");
    d.welcome = true;  // a meeting's title is long: the banner wraps it instead of cutting it
    if (m.status === "closed") { d.stage = t("The meeting has ended"); }
    return d;
  }
  if (r.kind === "question") {
    var q = r.question || {};
    d.title = q.department_head || "";
    d.subtitle = q.unit || "";
    d.badge = t("Q&A");
  } else if (r.kind === "pledge") {
    var p = r.pledge || {};
    d.title = p.department_head || "";
    d.subtitle = [p.unit, p.promise, pledgeTerms(p)].filter(Boolean).join(" · ");
    d.badge = t("Pledge");
  } else if (r.cadre) {
    d.title = r.cadre.name;
    d.subtitle = [r.cadre.position, r.cadre.unit].filter(Boolean).join(" · ");
    d.number = r.cadre.number;
  } else if (r.kind === "cadre" && skipLine(r)) {
    d.title = skipLine(r);  // the skip and its reason, until the redraw lands
  }
  d.stage = stageName(r);
  if (r.report_mode === "phone" && r.stage === "report") { d.stage += " · " + t("Phone-in report"); }
  if (r.decisions && r.decisions.length) {
    d.stage = r.decisions.map(function (x) { return decisionLabel(x.kind); }).join(" · ");
    d.decided = true;  // the decision's banner keeps the final score next to the decision
  }
  d.heading = roundTitle(st);
  if (r.result) {
    d.score = r.result.final;
    d.grade = pick(r.result.band);
    d.grade_key = (r.result.band || {}).key || "";
    d.rule = ruleText(r.result.rule_applied);
    d.ballots = r.result.ballots || [];
  }
  return d;
}

function current() {
  var d = fromState(fedState || socketState);
  GROUPS.forEach(function (group) {
    var given = group.some(function (k) { return overrides[k] !== undefined; });
    if (!given) { return; }
    group.forEach(function (k) {
      d[k] = overrides[k] !== undefined ? overrides[k] : (k in EMPTY ? EMPTY[k] : "");
    });
  });
  return d;
}

/** The graphic the live state calls for (when no operator has taken over). */
function autoGraphic(st) {
  if (!st || st.scene === "blank" || st.scene === "leaderboard") { return "off"; }
  if (st.scene === "welcome" || closedRound(st)) { return "lower"; }
  var r = st.round;
  if (!r) { return "off"; }
  if (r.stage === "revealed" && r.result) { return "result"; }
  if (r.kind === "cadre" && !r.cadre && !skipLine(r)) { return "off"; }
  return "lower";
}

function setText(id, value) { document.getElementById(id).textContent = value === null || value === undefined ? "" : String(value); }

function fill() {
  var d = current();
  var badge = d.badge || (d.number !== null && d.number !== undefined && d.number !== "" ? cadreNo(d.number) : "");
  setText("lt-badge", badge);
  document.getElementById("lt-badge").hidden = !badge;
  setText("lt-title", d.title);
  setText("lt-sub", d.subtitle);
  setText("lt-stage", d.stage);
  document.getElementById("lt-stage").hidden = !d.stage;
  document.getElementById("lt").classList.toggle("lt-welcome", !!d.welcome);
  var score = d.decided && d.score !== "" && d.score !== null && d.score !== undefined;
  setText("lt-score-value", score ? d.score : "");
  setText("lt-score-grade", score ? d.grade : "");
  document.getElementById("lt-score").className = "lt-score band-" + (d.grade_key || "none");
  document.getElementById("lt-score").hidden = !score;
  document.getElementById("lt").classList.toggle("lt-decided", score);
  setText("res-kicker", [d.heading, t("Result")].filter(Boolean).join(" · "));
  setText("res-no", badge);
  setText("res-name", d.title);
  setText("res-sub", d.subtitle);
  setText("res-score", d.score);
  setText("res-grade", d.grade);
  setText("res-rule", d.rule);
  document.getElementById("res-main").className = "res-main band-" + (d.grade_key || "none");
  var box = clear(document.getElementById("res-ballots"));
  (d.ballots || []).forEach(function (b) {
    var card = el("div", { class: "ob" + (b.dropped ? " dropped" : "") }, [
      el("div", { class: "ob-label", text: jurorLabel(b) }), el(b.dropped ? "s" : "div", { class: "ob-total", text: b.total })]);
    if (b.dropped) { card.setAttribute("data-dropped", b.dropped); }
    box.appendChild(card);
  });
}

/** Animate the chosen graphic in and the other out ("lower", "result" or "off"). */
function show(which) {
  onAir = which;
  [["lower", "lt"], ["result", "res"]].forEach(function (g) {
    var node = document.getElementById(g[1]);
    var on = which === g[0];
    node.classList.toggle("in", on);
    node.classList.toggle("out", !on && node.classList.contains("was-in"));
    if (on) { node.classList.add("was-in"); }
  });
  document.body.setAttribute("data-on-air", which);
}

function refresh() {
  var wait = holdUntil - Date.now();
  if (!operator && wait > 0) {
    if (!holdTimer) { holdTimer = window.setTimeout(function () { holdTimer = null; refresh(); }, wait); }
    return;
  }
  fill();
  if (!operator) { show(autoGraphic(fedState || socketState)); }
}

/** Parse CasparCG / SPX template data: a JSON string or object, or CasparCG's XML templateData. */
function parse(data) {
  if (data === null || data === undefined || data === "") { return {}; }
  if (typeof data === "object") { return data; }
  var text = String(data).trim();
  if (text.charAt(0) === "<") {
    var out = {}, doc = new DOMParser().parseFromString(text, "application/xml");
    var parts = doc.getElementsByTagName("componentData");
    for (var i = 0; i < parts.length; i++) {
      var value = parts[i].getElementsByTagName("data")[0];
      out[parts[i].getAttribute("id")] = value ? value.getAttribute("value") : "";
    }
    return out;
  }
  return JSON.parse(text);
}

/** update(data): a state-like object, or a partial {title, subtitle, number, stage, score, grade, ballots…}. */
function update(data) {
  var obj = parse(data);
  if (obj && (obj.round !== undefined || obj.meeting !== undefined || obj.scene !== undefined)) {
    fedState = obj;
  } else {
    overrides = {};
    Object.keys(obj || {}).forEach(function (k) {
      var key = ALIASES[k] || k;
      if (FIELDS.indexOf(key) >= 0) { overrides[key] = obj[k]; }
    });
  }
  refresh();
}

function play() {
  operator = true;
  fill();
  show(onAir === "off" ? "lower" : onAir);
}

function stop() {
  operator = true;
  show("off");
}

function next() {
  operator = true;
  fill();
  show(CYCLE[(CYCLE.indexOf(onAir) + 1) % CYCLE.length]);
}

// The template API of CasparCG / SPX (docs/BROADCAST.md): the broadcast software calls these
// global functions by name, so they are the one deliberate exception to "no window globals".
Object.assign(window, { update: update, play: play, stop: stop, next: next });

fitStage(document.getElementById("canvas"), 1920, 1080);
if (useSocket) {
  connect({ onState: function (st, cause) {
    socketState = st;
    fedState = null;
    if (cause && cause.type === "cadre_drawn") { holdUntil = Date.now() + DRAW_HOLD_MS; }
    refresh();
  } });
}
fill();
show("off");

/** For tests and staff debugging (import this module to reach it). */
export const overlay = { current, onAir: () => onAir, auto() { operator = false; refresh(); } };
