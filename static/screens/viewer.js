/* The viewer page (branch venues, the public, phones): the live round, read-only, one column.
 *
 * Always shows the current round whatever the hall projector shows, plus the leaderboard,
 * the fairness proof (hashes, live entropy, the bundle once revealed) and a heartbeat line.
 */
(function () {
  "use strict";

  var S = window.MinkaoScreens, B = window.MinkaoBlocks, C = window.MinkaoCharts, el = S.el, t = S.t;
  var SPIN_MS = 3000;
  var main = document.getElementById("live");
  var rolling = new window.MinkaoRolling(S.cfg.reelDigits);
  var state = null, live = null;

  function section(title, kids, cls) {
    return el("section", "v-section " + (cls || ""), null, [title ? el("h2", "v-h2", title) : null].concat(kids));
  }

  function roundHead(st) {
    var r = st.round;
    return el("div", "v-roundhead", null, [el("span", "v-roundno", S.roundTitle(st)),
      el("span", "pill stage-" + r.stage, S.stageLabel(r))]);
  }

  function drawBlock(r) {
    if (!r.cadre) {
      if (!rolling.spinning) { rolling.blank(); }
      return el("div", "v-draw waiting", null, [rolling.node, el("div", "v-note", t("Waiting for the draw"))]);
    }
    if (!rolling.spinning) { rolling.show(r.cadre.number); }
    var around = t("No. {n}").split("{n}");
    return el("div", "v-draw" + (rolling.spinning ? " spinning" : " landed"), null, [
      el("div", "draw-reels", null, [around[0] ? el("span", "draw-affix", around[0]) : null, rolling.node,
        around[1] ? el("span", "draw-affix", around[1]) : null]),
      rolling.spinning ? el("div", "v-note", t("Drawing…")) : B.cadreCard(r.cadre)]);
  }

  function roundBody(st) {
    var r = st.round, kids = [], after = null;
    var spinning = rolling.spinning && r.cadre && rolling.target === r.cadre.number;
    if (r.kind === "cadre" && (r.stage === "draw" || spinning)) {
      return { kids: [drawBlock(r)] };
    }
    // What is happening now first; the calls stay below as the record of this round.
    kids.push(B.subject(r));
    if (r.stage === "report") { kids.push(B.timer(r)); }
    if (r.stage === "scoring_open" || r.stage === "scoring_closed") { kids.push(B.progress(r)); }
    if (r.result) {
      var chart = el("div", "chart v-chart");
      kids.push(el("h3", "v-h3", t("Result")), B.finalScore(r.result), B.ballots(r.result), chart);
      after = function () { C.ballotsChart(chart, r.result, 100, 14); };
    }
    if (r.decisions && r.decisions.length) { kids.push(el("h3", "v-h3", t("Decision")), B.decisions(r.decisions)); }
    if (r.stage === "verification" || (r.calls && r.calls.length && r.stage !== "report")) {
      kids.push(el("h3", "v-h3", t("Call-out verification")), B.calls(r));
    }
    return { kids: kids, after: after };
  }

  function proof(st) {
    var m = st.meeting || {};
    var links = [el("a", "v-link", t("Pre-meeting draw notice"))];
    links[0].href = S.cfg.noticeUrl;
    if (m.seed_revealed) {
      var a = el("a", "v-link v-bundle", t("Download the verification bundle"));
      a.href = S.cfg.bundleUrl;
      a.setAttribute("download", "");
      links.push(a);
    }
    var details = el("details", "v-proof", null, [el("summary", null, t("How do we know the draw is fair?")),
      el("p", "v-note", t("The server draws from the seed committed before the meeting; the animation only reveals its number")),
      B.hashes(m), B.entropy(st.entropy), el("div", "v-links", null, links)]);
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
    S.clear(main);
    if (st.round) {
      var body = roundBody(st);
      main.appendChild(section(null, [roundHead(st)].concat(body.kids), "v-round"));
      if (body.after) { afters.push(body.after); }
    } else {
      main.appendChild(section(null, [el("div", "v-note v-big", m.status === "closed" ? t("The meeting has ended")
        : t("The meeting will start shortly"))], "v-round"));
    }
    if ((st.leaderboard || []).length) {
      var lbChart = el("div", "chart v-lb-chart");
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
    var h = S.heartbeatText(seconds, live.connected);
    beat.textContent = h.text;
    if (seconds === null) { beat.removeAttribute("data-seconds"); } else { beat.setAttribute("data-seconds", String(seconds)); }
    beat.className = "v-heartbeat " + h.cls;
    conn.className = "conn " + (live.connected ? "conn-online" : "conn-offline");
    conn.title = live.connected ? t("Connected") : t("Reconnecting…");
    conn.firstChild.textContent = conn.title;
  }

  live = S.connect({ onState: onState, onStatus: heartbeat, onHeartbeat: heartbeat });
  window.setInterval(heartbeat, 1000);
  window.setInterval(function () { B.tick(main, live.serverNow()); }, 500);
  heartbeat();
  window.minkaoViewer = { live: live, render: render };
})();
