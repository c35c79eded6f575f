/* Minkao public screens: what the projector, the viewer and the overlay share besides the
 * page-wide helpers of static/js (i18n, call states, the heartbeat line, fitting the stage).
 *
 * Everything is rendered from the newest public `state` (docs/PROTOCOL.md). Text goes in with
 * textContent only: the data is never parsed as HTML.
 */
import { readJson } from "../js/config.js";
import { cadreNo, fmt } from "../js/format.js";
import { NchanLive } from "../js/nchan.js";
import { Live } from "../js/socket.js";

// Configuration and strings come as JSON data blocks (no inline script: CSP-friendly).
export const cfg = readJson("screen-config");
const I18N = readJson("screen-i18n");

/** A translated UI string (English msgid → text); `{name}` placeholders are filled from `vars`. */
export function t(key, vars) {
  const s = Object.prototype.hasOwnProperty.call(I18N, key) ? I18N[key] : key;
  return vars ? fmt(s, vars) : s;
}

export function roundTitle(state) {
  const r = state.round;
  if (!r) { return ""; }
  const planned = state.meeting && state.meeting.rounds_planned;
  return planned ? t("Round {n} of {m}", { n: r.number, m: planned }) : t("Round {n}", { n: r.number });
}

export function decisionLabel(kind) { return (cfg.decisions && cfg.decisions[kind]) || kind; }
export function roleLabel(role) { return (cfg.roles && cfg.roles[role]) || role; }
/** A telephony provider's or a call event source's name: the catalog's words, never the raw code
 * ("simulated", "webhook", "manual"); an unknown code becomes "" rather than English. */
export function providerLabel(code) { return (cfg.providers && cfg.providers[code]) || ""; }
export function sourceLabel(code) { return (cfg.call_sources && cfg.call_sources[code]) || ""; }

/** Display class, icon and label of a call state. */
const CALL_STATES = {
  queued: ["wait", "…", "Waiting"], dialing: ["active", "☎", "Dialling"], dialling: ["active", "☎", "Dialling"], initiated: ["active", "☎", "Dialling"],
  ringing: ["active", "☎", "Ringing"], in_progress: ["live", "☏", "On the line"],
  answered: ["live", "☏", "On the line"], ended: ["ok", "✓", "Answered"], completed: ["ok", "✓", "Answered"],
  busy: ["bad", "✕", "Busy"], no_answer: ["bad", "✕", "No answer"], failed: ["bad", "✕", "Call failed"],
  canceled: ["bad", "✕", "Cancelled"]
};

export function callState(state) {
  const s = CALL_STATES[state] || ["wait", "?", state || ""];
  return { cls: s[0], icon: s[1], label: t(s[2]) };
}

/** The answers of a call as [label, value, tone] rows for display. */
/** The round's latest skip as one line ("0261号 因公缺席,依规重抽"), or "" without a skip.
 * round.skips carries codes: the reason's words come from the closed list, "other" keeps its text. */
export function skipLine(round) {
  var skips = (round && round.skips) || [];
  if (!skips.length) { return ""; }
  var s = skips[skips.length - 1];
  var reason = s.reason === "other" ? s.text : ((cfg.skip_reasons && cfg.skip_reasons[s.reason]) || s.reason);
  return t("{no} {reason}; drawn again by the rules", { no: cadreNo(s.number), reason: reason });
}

export function answerRows(ans) {
  const rows = [];
  ans = ans || {};
  if (ans.visited) {
    rows.push([t("Visited?"), ans.visited === "yes" ? t("Yes") : t("No"), ans.visited === "yes" ? "ok" : "bad"]);
  }
  if (ans.resolved) {
    const v = { yes: t("Resolved"), partly: t("Partly"), no: t("Not resolved"), none: t("No demand") }[ans.resolved];
    const tone = { yes: "ok", partly: "warn", no: "bad", none: "" }[ans.resolved];
    rows.push([t("Demand"), v || ans.resolved, tone]);
  }
  if (ans.satisfaction) {
    const n = ans.satisfaction;
    rows.push([t("Satisfaction"), "★★★★★".slice(0, n) + "☆☆☆☆☆".slice(0, 5 - n), n >= 4 ? "ok" : (n <= 2 ? "bad" : "warn")]);
  }
  return rows;
}

export function ruleText(rule) {
  return { trimmed_mean: t("Highest and lowest dropped, the rest averaged"), mean: t("Average of all scores"),
           median: t("Median of all scores") }[rule] || "";
}

/** "最后更新 N 秒前" line: text, and a freshness class (fresh / stale / dead). */
export function heartbeatText(seconds, connected) {
  if (seconds === null || seconds === undefined) { return { text: t("Connecting…"), cls: "dead" }; }
  const text = seconds <= 1 ? t("Last update just now") : t("Last update {n} s ago", { n: seconds });
  let cls = seconds < 12 ? "fresh" : (seconds < 30 ? "stale" : "dead");
  if (!connected) { cls = seconds < 12 ? "stale" : "dead"; }
  return { text, cls };
}

/** Fit a fixed-size stage (e.g. 1920×1080) into the window, letterboxed and centred. */
export function fitStage(node, w, h) {
  function fit() {
    const s = Math.min(window.innerWidth / w, window.innerHeight / h);
    node.style.transform = "translate(" + ((window.innerWidth - w * s) / 2) + "px," +
      ((window.innerHeight - h * s) / 2) + "px) scale(" + s + ")";
  }
  window.addEventListener("resize", fit);
  fit();
}

/** The chain head after the latest event ("日志 17 · 3fa4c1d29b0e"), small in the footer: a
 * recording of the screen pins the event log (docs/VERIFY.md §18). Fills #chain-head, or a corner
 * element made for screens without a footer slot. */
export function showChainHead(st) {
  const c = st && st.chain;
  if (!c) { return; }
  let node = document.getElementById("chain-head");
  if (!node) {
    node = document.createElement("span");
    node.id = "chain-head";
    node.className = "chain-head chain-head-corner";
    document.body.appendChild(node);
  }
  node.textContent = t("Log {seq} · {head}", { seq: c.seq, head: c.head });
  node.setAttribute("data-seq", String(c.seq));
  node.setAttribute("data-head", c.head);
}

/** Connect as this screen's public role over the configured transport (cfg.transport): the
 * app's Socket.IO, or Nchan's subscriber location (receive-only, docs/PROTOCOL.md); returns the
 * live client, the same surface either way. Every state also updates the chain-head footer. */
export function connect(handlers) {
  const opts = {
    meeting: cfg.meeting, role: cfg.role,
    onState: function (st, cause) { showChainHead(st); return handlers.onState(st, cause); },
    onStatus: handlers.onStatus, onHeartbeat: handlers.onHeartbeat
  };
  const tr = cfg.transport || {};
  if (tr.kind === "nchan" && tr.url) {
    return new NchanLive(Object.assign(opts, { url: tr.url, order: tr.order }));
  }
  return new Live(opts);
}
