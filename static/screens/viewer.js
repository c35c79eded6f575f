/* The viewer page (branch venues, the public, phones): the live round, read-only, one column.
 *
 * Always shows the current round whatever the hall projector shows, plus the leaderboard,
 * the fairness proof (hashes, live entropy, the bundle once revealed) and a heartbeat line.
 */
import { clear, el } from "../js/dom.js";
import { cadreAffixes, stageName } from "../js/format.js";
import * as B from "./blocks.js";
import * as C from "./charts.js";
import { Rolling } from "./rolling.js";
import { cfg, connect, heartbeatText, roundTitle, t } from "./common.js";
var SPIN_MS = 3000;
var main = document.getElementById("live");
var rolling = new Rolling(cfg.reelDigits);
var state = null, live = null;

function section(title, kids, cls) {
  return el("section", { class: "v-section " + (cls || "") }, [title ? el("h2", { class: "v-h2", text: title }) : null].concat(kids));
}

function roundHead(st) {
  var r = st.round;
  return el("div", { class: "v-roundhead" }, [el("span", { class: "v-roundno", text: roundTitle(st) }),
    el("span", { class: "pill stage-" + r.stage, text: stageName(r) })]);
}

function drawBlock(r) {
  if (!r.cadre) {
    if (!rolling.spinning) { rolling.blank(); }
    return el("div", { class: "v-draw waiting" }, [B.skipNotice(r), rolling.node,
      el("div", { class: "v-note", text: t("Waiting for the draw") })]);
  }
  if (!rolling.spinning) { rolling.show(r.cadre.number); }
  var around = cadreAffixes();
  return el("div", { class: "v-draw" + (rolling.spinning ? " spinning" : " landed") }, [
    el("div", { class: "draw-reels" }, [around[0] ? el("span", { class: "draw-affix", text: around[0] }) : null, rolling.node,
      around[1] ? el("span", { class: "draw-affix", text: around[1] }) : null]),
    rolling.spinning ? el("div", { class: "v-note", text: t("Drawing…") }) : B.cadreCard(r.cadre),
    rolling.spinning ? null : B.cadreCallLine(r)]);
}

function roundBody(st) {
  var r = st.round, kids = [], after = null;
  var spinning = rolling.spinning && r.cadre && rolling.target === r.cadre.number;
  if (r.kind === "cadre" && (r.stage === "draw" || spinning)) {
    return { kids: [drawBlock(r)] };
  }
  // What is happening now first; the calls stay below as the record of this round.
  kids.push(B.subject(r));
  kids.push(B.reportMode(r));
  if (r.stage === "report") { kids.push(B.timer(r)); }
  if (r.stage === "scoring_open" || r.stage === "scoring_closed") { kids.push(B.progress(r)); }
  if (r.result) {
    var chart = el("div", { class: "chart v-chart" });
    kids.push(el("h3", { class: "v-h3", text: t("Result") }), B.finalScore(r.result), B.ballots(r.result), chart);
    after = function () { C.ballotsChart(chart, r.result, 100, 14); };
  }
  if (r.decisions && r.decisions.length) { kids.push(el("h3", { class: "v-h3", text: t("Decision") }), B.decisions(r.decisions)); }
  if (r.stage === "verification" || (r.calls && r.calls.length && r.stage !== "report")) {
    kids.push(el("h3", { class: "v-h3", text: t("Call-out verification") }), B.claimsBeside(r), B.calls(r));
  }
  return { kids: kids, after: after };
}

function proof(st) {
  var m = st.meeting || {};
  var links = [el("a", { class: "v-link", text: t("Pre-meeting draw notice") })];
  links[0].href = cfg.noticeUrl;
  if (m.seed_revealed) {
    var a = el("a", { class: "v-link v-bundle", text: t("Download the verification bundle") });
    a.href = cfg.bundleUrl;
    a.setAttribute("download", "");
    links.push(a);
  }
  var details = el("details", { class: "v-proof" }, [el("summary", { text: t("How do we know the draw is fair?") }),
    el("p", { class: "v-note", text: t("The server draws from the seed committed before the meeting; the animation only reveals its number") }),
    B.hashes(m), B.entropy(st.entropy, st.entropy_sources), m.seed_revealed ? B.verifyHow() : null,
    el("div", { class: "v-links" }, links)]);
  if (m.seed_revealed) { details.open = true; }
  return section(null, [details]);
}

function render() {
  if (!state) { return; }
  var st = state, m = st.meeting || {}, afters = [];
  document.getElementById("v-title").textContent = m.title || "";
  document.getElementById("v-meta").textContent = [m.venue, m.date].filter(Boolean).join(" · ");
  document.body.classList.toggle("rehearsal", !!m.rehearsal);
  C.disposeAll();
  clear(main);
  var closed = m.status === "closed";
  if (closed) {  // first, whatever else the page shows: nothing changes any more
    main.appendChild(el("section", { class: "v-section v-ended", role: "status" }, [
      el("div", { class: "v-ended-title", text: t("The meeting has ended") }),
      el("div", { class: "v-note", text: t("Thank you for taking part") })]));
  }
  if (st.round) {
    var body = roundBody(st);
    main.appendChild(section(null, [roundHead(st)].concat(body.kids), "v-round"));
    if (body.after) { afters.push(body.after); }
  } else if (!closed) {
    main.appendChild(section(null, [el("div", { class: "v-note v-big", text: t("The meeting will start shortly") })], "v-round"));
  }
  if ((st.leaderboard || []).length) {
    var lbChart = el("div", { class: "chart v-lb-chart" });
    lbChart.style.height = (60 + 44 * Math.min(st.leaderboard.length, 12)) + "px";
    main.appendChild(section(t("Results so far"), [lbChart, B.leaderboardTable(st.leaderboard)], "v-board"));
    afters.push(function () { C.leaderboardChart(lbChart, st.leaderboard, 14); });
  }
  main.appendChild(proof(st));
  afters.forEach(function (f) { f(); });
  B.tick(main, live ? live.serverNow() : Date.now());
  main.setAttribute("data-seq", String(st.seq));
}

function onState(st, cause) {
  state = st;
  var r = st.round;
  if (cause && cause.type === "cadre_drawn" && r && r.cadre && r.stage === "draw") {
    rolling.spin(r.cadre.number, SPIN_MS, render);
  }
  render();
}

var beat = document.getElementById("v-heartbeat"), conn = document.getElementById("v-conn");
function heartbeat() {
  var seconds = live.secondsSinceUpdate();
  var h = heartbeatText(seconds, live.connected);
  beat.textContent = h.text;
  if (seconds === null) { beat.removeAttribute("data-seconds"); } else { beat.setAttribute("data-seconds", String(seconds)); }
  beat.className = "v-heartbeat " + h.cls;
  conn.className = "conn " + (live.connected ? "conn-online" : "conn-offline");
  conn.title = live.connected ? t("Connected") : t("Reconnecting…");
  conn.firstChild.textContent = conn.title;
}

live = connect({ onState: onState, onStatus: heartbeat, onHeartbeat: heartbeat });
window.setInterval(heartbeat, 1000);
window.setInterval(function () { B.tick(main, live.serverNow()); }, 500);
heartbeat();

/** For tests and staff debugging: the live client and a re-render (import this module to reach it). */
export const viewer = { live, render };
