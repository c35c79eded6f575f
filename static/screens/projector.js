/* The hall projector: a 1920×1080 stage scaled to the screen, rendered from the public state.
 *
 * state.scene picks the screen (welcome / round / leaderboard / blank); in a round the stage
 * picks the view. The draw animation starts only when a state caused by "cadre_drawn" arrives,
 * and lands on the number in that state; a reload shows the number at once.
 */
(function () {
  "use strict";

  var S = window.MinkaoScreens, B = window.MinkaoBlocks, C = window.MinkaoCharts, el = S.el, t = S.t;
  var SPIN_MS = 3000;
  var stage = document.getElementById("stage");
  var sceneNode = document.getElementById("scene");
  var rolling = new window.MinkaoRolling(S.cfg.reelDigits);
  var state = null, live = null, rendered = "";

  function header(st) {
    var m = st.meeting || {}, r = st.round;
    S.clear(document.getElementById("hdr-title")).textContent = m.title || "";
    var right = S.clear(document.getElementById("hdr-round"));
    if (st.scene === "round" && r) {
      right.appendChild(el("span", "hdr-roundno", S.roundTitle(st)));
      right.appendChild(el("span", "pill stage-" + r.stage, S.stageLabel(r)));
    } else if (st.scene === "leaderboard") {
      right.appendChild(el("span", "pill", t("Leaderboard")));
    }
    document.getElementById("ftr-venue").textContent = [m.venue, m.date].filter(Boolean).join(" · ");
    document.body.classList.toggle("rehearsal", !!m.rehearsal);
  }

  function welcome(st) {
    var m = st.meeting || {};
    var qr = el("img", "qr");
    qr.src = S.cfg.qrUrl;
    qr.alt = t("Scan to follow the meeting live");
    return el("div", "welcome", null, [
      el("div", "welcome-kicker", t("Live public evaluation meeting")),
      el("h1", "welcome-title", m.title),
      el("div", "welcome-meta", [m.venue, m.date].filter(Boolean).join("  ·  ")),
      el("div", "welcome-slogan", t("The people are the examiners, the cadres are the examinees")),
      el("div", "welcome-bottom", null, [
        el("div", "welcome-proof", null, [
          el("div", "proof-title", t("Fair draw: committed before the meeting")),
          B.hashes(m), B.entropy(st.entropy)
        ]),
        el("div", "welcome-qr", null, [qr, el("div", "qr-caption", t("Scan to follow the meeting live")),
          el("div", "qr-url", S.cfg.viewerUrl)])
      ])
    ]);
  }

  /** The round's subject on one line; with the result at the right end once decided. */
  function strip(round, result) {
    var badge, name, sub;
    if (round.kind === "question") {
      var q = round.question || {};
      badge = t("Q&A"); name = q.department_head; sub = q.unit;
    } else {
      var c = round.cadre || {};
      badge = S.cadreNo(c.number); name = c.name; sub = [c.position, c.unit].filter(Boolean).join(" · ");
    }
    var score = null;
    if (result) {
      score = el("span", "strip-score band-" + ((result.band && result.band.key) || "none"), null, [
        el("span", "strip-score-label", t("Final score")), el("span", "strip-final", result.final),
        el("span", "final-band", S.pick(result.band))]);
      score.setAttribute("data-final", result.final);
    }
    return el("div", "strip", null, [el("span", "strip-badge", badge), el("span", "strip-name", name),
      el("span", "strip-sub", sub), score]);
  }

  function drawView(round) {
    var c = round.cadre;
    var kids = [el("div", "draw-label", c ? (rolling.spinning ? t("Drawing…") : t("Cadre drawn")) : t("Draw"))];
    if (!c) {
      if (!rolling.spinning) { rolling.blank(); }
      kids.push(rolling.node);
      kids.push(el("div", "draw-note", t("The server draws from the seed committed before the meeting; the animation only reveals its number")));
      return el("div", "draw waiting", null, kids);
    }
    if (!rolling.spinning) { rolling.show(c.number); }
    // "No. {n}" is "{n}号" in Chinese: keep the words of the translation around the reels.
    var around = t("No. {n}").split("{n}");
    kids.push(el("div", "draw-reels", null, [around[0] ? el("span", "draw-affix", around[0]) : null, rolling.node,
      around[1] ? el("span", "draw-affix", around[1]) : null]));
    if (!rolling.spinning) { kids.push(B.cadreCard(c)); }
    return el("div", "draw" + (rolling.spinning ? " spinning" : " landed"), null, kids);
  }

  function reportView(round) {
    return el("div", "report", null, [el("div", "report-subject", null, [B.subject(round)]), B.timer(round)]);
  }

  function verificationView(round) {
    return el("div", "verify", null, [strip(round),
      el("div", "section-title", t("Calling the cadre's households live")), B.calls(round)]);
  }

  function questionView(round) {
    return el("div", "questioning", null, [B.questionCard(round.question)]);
  }

  function scoringView(round) {
    return el("div", "scoring", null, [strip(round), B.progress(round)]);
  }

  function revealedView(st) {
    var round = st.round, res = round.result;
    var chart = el("div", "chart ballots-chart");
    var view = el("div", "revealed", null, [strip(round), el("div", "revealed-body", null, [
      B.finalScore(res), el("div", "revealed-right", null, [B.ballots(res), chart])])]);
    view._after = function () { C.ballotsChart(chart, res, 100, 30); };
    return view;
  }

  function decidedView(st) {
    var round = st.round, decisions = B.decisions(round.decisions);
    decisions.className += " n" + Math.min((round.decisions || []).length, 3);
    return el("div", "decided", null, [strip(round, round.result), decisions]);
  }

  function roundView(st) {
    var r = st.round;
    if (!r) { return el("div", "centre-msg", t("The next round will start shortly")); }
    if (r.kind === "cadre" && (r.stage === "draw" || (rolling.spinning && r.cadre && rolling.target === r.cadre.number))) {
      return drawView(r);
    }
    switch (r.stage) {
      case "report": return reportView(r);
      case "verification": return verificationView(r);
      case "question": case "answer": return questionView(r);
      case "scoring_open": case "scoring_closed": return scoringView(r);
      case "revealed": return r.result ? revealedView(st) : scoringView(r);
      case "decided": return decidedView(st);
      default: return el("div", "centre-msg", S.stageLabel(r));
    }
  }

  function leaderboardView(st) {
    var chart = el("div", "chart lb-chart");
    chart.style.height = Math.min(720, 40 + 100 * Math.min((st.leaderboard || []).length, 12)) + "px";
    var table = B.leaderboardTable(st.leaderboard, 12);
    var hasChart = !!window.echarts && (st.leaderboard || []).length > 0;
    var view = el("div", "board" + (hasChart ? " with-chart" : ""), null, [
      el("h2", "board-title", t("Results so far")), hasChart ? chart : null, el("div", "board-table", null, [table])]);
    view._after = function () { if (hasChart) { C.leaderboardChart(chart, st.leaderboard, 34); } };
    return view;
  }

  function render() {
    if (!state) { return; }
    var st = state;
    document.body.setAttribute("data-scene", st.scene);
    header(st);
    C.disposeAll();
    S.clear(sceneNode);
    var view;
    if (st.scene === "blank") { view = el("div", "blank"); }
    else if (st.scene === "welcome") { view = welcome(st); }
    else if (st.scene === "leaderboard") { view = leaderboardView(st); }
    else { view = roundView(st); }
    sceneNode.appendChild(view);
    if (view._after) { view._after(); }
    B.tick(sceneNode, live ? live.serverNow() : Date.now());
    rendered = st.seq;
    sceneNode.setAttribute("data-seq", String(rendered));
  }

  function onState(st, cause) {
    state = st;
    var r = st.round;
    if (cause && cause.type === "cadre_drawn" && r && r.cadre && r.stage === "draw" && st.scene === "round") {
      rolling.spin(r.cadre.number, SPIN_MS, render);
    }
    render();
  }

  function onStatus(status) {
    var node = document.getElementById("ftr-conn");
    node.className = "conn conn-" + status;
    node.textContent = status === "online" ? t("Connected") : t("Connection lost — reconnecting…");
  }

  S.fitStage(stage, 1920, 1080);
  live = S.connect({ onState: onState, onStatus: onStatus });
  window.setInterval(function () { B.tick(sceneNode, live.serverNow()); }, 250);
  window.minkaoProjector = { live: live, rolling: rolling, render: render };
})();
