/* Minkao public screens: shared helpers (i18n, DOM, formatting, the heartbeat line).
 *
 * Everything is rendered from the newest public `state` (docs/PROTOCOL.md). Text goes in with
 * textContent only: the data is never parsed as HTML.
 */
(function () {
  "use strict";

  // Configuration and strings come as JSON data blocks (no inline script: CSP-friendly).
  function readJson(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }
  var CFG = readJson("screen-config");
  var I18N = readJson("screen-i18n");

  /** A translated UI string; `{name}` placeholders are filled from `vars`. */
  function t(key, vars) {
    var s = Object.prototype.hasOwnProperty.call(I18N, key) ? I18N[key] : key;
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] === undefined ? m : String(vars[k]); });
    }
    return s;
  }

  function isEn() { return CFG.lang === "en"; }

  /** Pick from a [zh, en] pair (stage labels) or an object with label_zh / label_en. */
  function pick(pair) {
    if (!pair) { return ""; }
    if (Array.isArray(pair)) { return (isEn() ? pair[1] : pair[0]) || pair[0] || ""; }
    return (isEn() ? pair.label_en : pair.label_zh) || pair.label_zh || pair.label || "";
  }

  /** el("div", "cls", "text", [children]) — text through textContent, never innerHTML. */
  function el(tag, cls, text, children) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function stageLabel(round) { return round ? pick(round.stage_label) : ""; }

  function roundTitle(state) {
    var r = state.round;
    if (!r) { return ""; }
    var planned = state.meeting && state.meeting.rounds_planned;
    return planned ? t("Round {n} of {m}", { n: r.number, m: planned }) : t("Round {n}", { n: r.number });
  }

  /** "12" → "12号" in Chinese, "No. 12" in English. */
  function cadreNo(n) { return n === null || n === undefined ? "" : t("No. {n}", { n: n }); }

  /** A juror's public label: the snapshot says 评委N unless names are shown; translate that form. */
  function jurorLabel(label) {
    var m = /^\u8bc4\u59d4(\d+)$/.exec(label || "");
    return m ? t("Juror {n}", { n: m[1] }) : (label || "");
  }

  function decisionLabel(kind) { return (CFG.decisions && CFG.decisions[kind]) || kind; }
  function roleLabel(role) { return (CFG.roles && CFG.roles[role]) || role; }

  /** "a1b2c3d4e5…" → ["a1b2c3d4", "e5…"] for a readable, checkable hash on screen. */
  function hexBlocks(hex) {
    var out = [];
    hex = hex || "";
    for (var i = 0; i < hex.length; i += 8) { out.push(hex.slice(i, i + 8)); }
    return out;
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /** Milliseconds → "m:ss" (negative values as overtime, shown by the caller). */
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + pad2(s % 60);
  }

  /** Report timer: {remainingMs, totalMs, running, over} from round.report and server time. */
  function reportTimer(round, nowMs) {
    var rep = (round && round.report) || {};
    var total = (rep.seconds || 0) * 1000;
    if (!rep.started_at) { return { remainingMs: total, totalMs: total, running: false, over: false }; }
    var started = Date.parse(rep.started_at);
    var left = started + total - nowMs;
    return { remainingMs: left, totalMs: total, running: true, over: left <= 0 };
  }

  /** Display class, icon and label of a call state. */
  var CALL_STATES = {
    queued: ["wait", "…", "Waiting"], dialing: ["active", "☎", "Dialling"], dialling: ["active", "☎", "Dialling"], initiated: ["active", "☎", "Dialling"],
    ringing: ["active", "☎", "Ringing"], in_progress: ["live", "☏", "On the line"],
    answered: ["live", "☏", "On the line"], ended: ["ok", "✓", "Answered"], completed: ["ok", "✓", "Answered"],
    busy: ["bad", "✕", "Busy"], no_answer: ["bad", "✕", "No answer"], failed: ["bad", "✕", "Call failed"],
    canceled: ["bad", "✕", "Cancelled"]
  };

  function callState(state) {
    var s = CALL_STATES[state] || ["wait", "?", state || ""];
    return { cls: s[0], icon: s[1], label: t(s[2]) };
  }

  /** The answers of a call as [label, value, tone] rows for display. */
  function answerRows(ans) {
    var rows = [];
    ans = ans || {};
    if (ans.visited) {
      rows.push([t("Visited?"), ans.visited === "yes" ? t("Yes") : t("No"), ans.visited === "yes" ? "ok" : "bad"]);
    }
    if (ans.resolved) {
      var v = { yes: t("Resolved"), partly: t("Partly"), no: t("Not resolved"), none: t("No demand") }[ans.resolved];
      var tone = { yes: "ok", partly: "warn", no: "bad", none: "" }[ans.resolved];
      rows.push([t("Demand"), v || ans.resolved, tone]);
    }
    if (ans.satisfaction) {
      var n = ans.satisfaction;
      rows.push([t("Satisfaction"), "★★★★★".slice(0, n) + "☆☆☆☆☆".slice(0, 5 - n), n >= 4 ? "ok" : (n <= 2 ? "bad" : "warn")]);
    }
    return rows;
  }

  function ruleText(rule) {
    return { trimmed_mean: t("Highest and lowest dropped, the rest averaged"), mean: t("Average of all scores"),
             median: t("Median of all scores") }[rule] || "";
  }

  /** "最后更新 N 秒前" line: text, and a freshness class (fresh / stale / dead). */
  function heartbeatText(seconds, connected) {
    if (seconds === null || seconds === undefined) { return { text: t("Connecting…"), cls: "dead" }; }
    var text = seconds <= 1 ? t("Last update just now") : t("Last update {n} s ago", { n: seconds });
    var cls = seconds < 12 ? "fresh" : (seconds < 30 ? "stale" : "dead");
    if (!connected) { cls = seconds < 12 ? "stale" : "dead"; }
    return { text: text, cls: cls };
  }

  /** Fit a fixed-size stage (e.g. 1920×1080) into the window, letterboxed and centred. */
  function fitStage(node, w, h) {
    function fit() {
      var s = Math.min(window.innerWidth / w, window.innerHeight / h);
      node.style.transform = "translate(" + ((window.innerWidth - w * s) / 2) + "px," +
        ((window.innerHeight - h * s) / 2) + "px) scale(" + s + ")";
    }
    window.addEventListener("resize", fit);
    fit();
  }

  /** Connect to the live socket as this screen's public role; returns the MinkaoLive client. */
  function connect(handlers) {
    return new window.MinkaoLive({
      meeting: CFG.meeting, role: CFG.role,
      onState: handlers.onState, onStatus: handlers.onStatus, onHeartbeat: handlers.onHeartbeat
    });
  }

  window.MinkaoScreens = {
    cfg: CFG, t: t, isEn: isEn, pick: pick, el: el, clear: clear, stageLabel: stageLabel,
    roundTitle: roundTitle, cadreNo: cadreNo, decisionLabel: decisionLabel, roleLabel: roleLabel, jurorLabel: jurorLabel,
    hexBlocks: hexBlocks, clock: clock, reportTimer: reportTimer, callState: callState,
    answerRows: answerRows, ruleText: ruleText, heartbeatText: heartbeatText, fitStage: fitStage,
    connect: connect
  };
})();
