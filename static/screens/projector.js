/* The hall projector: a 1920×1080 stage scaled to the screen, rendered from the public state.
 *
 * state.scene picks the screen (welcome / round / leaderboard / blank); in a round the stage
 * picks the view. The draw animation starts only when a state caused by "cadre_drawn" arrives,
 * and lands on the number in that state; a reload shows the number at once.
 */
import { clear, el } from "../js/dom.js";
import { cadreAffixes, cadreNo, pick, stageName } from "../js/format.js";
import * as B from "./blocks.js";
import * as C from "./charts.js";
import { Rolling } from "./rolling.js";
import { cfg, connect, fitStage, roundTitle, t } from "./common.js";
var SPIN_MS = 3000;
var stage = document.getElementById("stage");
var sceneNode = document.getElementById("scene");
var rolling = new Rolling(cfg.reelDigits);
var state = null, live = null, rendered = "";

function header(st) {
  var m = st.meeting || {}, r = st.round;
  clear(document.getElementById("hdr-title")).textContent = m.title || "";
  var right = clear(document.getElementById("hdr-round"));
  if (st.scene === "round" && r) {
    right.appendChild(el("span", { class: "hdr-roundno", text: roundTitle(st) }));
    right.appendChild(el("span", { class: "pill stage-" + r.stage, text: stageName(r) }));
  } else if (st.scene === "leaderboard") {
    right.appendChild(el("span", { class: "pill", text: t("Leaderboard") }));
  }
  if (ended(st)) { clear(right).appendChild(el("span", { class: "pill pill-ended", text: t("The meeting has ended") })); }
  document.getElementById("ftr-venue").textContent = [m.venue, m.date].filter(Boolean).join(" · ");
  document.body.classList.toggle("rehearsal", !!m.rehearsal);
}

/** The meeting is closed: no action can change the scene any more, so the screens say so themselves. */
function ended(st) { return (st.meeting || {}).status === "closed"; }

/** Welcome before the meeting; after the close, the end screen: the same page with the revealed
 * seed, how to check the draw, and a QR code of the verification bundle instead of the viewer's. */
function welcome(st) {
  var m = st.meeting || {}, done = ended(st) && m.seed_revealed;
  var qr = el("img", { class: "qr" });
  qr.src = done ? cfg.bundleQrUrl : cfg.qrUrl;
  qr.alt = done ? t("Scan to download the verification bundle") : t("Scan to follow the meeting live");
  return el("div", { class: "welcome" + (ended(st) ? " welcome-ended" : "") }, [
    ended(st) ? el("div", { class: "ended-title", role: "status", text: t("The meeting has ended") })
      : el("div", { class: "welcome-kicker", text: t("Live public evaluation meeting") }),
    el("h1", { class: "welcome-title", text: m.title }),
    el("div", { class: "welcome-meta", text: [m.venue, m.date].filter(Boolean).join("  ·  ") }),
    el("div", { class: "welcome-slogan", text: t("The people are the examiners, the cadres are the examinees") }),
    el("div", { class: "welcome-bottom" }, [
      el("div", { class: "welcome-proof" }, [
        el("div", { class: "proof-title", text: done ? t("Fair draw: the seed is revealed — check it yourself")
          : t("Fair draw: committed before the meeting") }),
        B.hashes(m), B.entropy(st.entropy, st.entropy_sources), done ? B.verifyHow() : null
      ]),
      el("div", { class: "welcome-qr" }, [qr, el("div", { class: "qr-caption", text: qr.alt }),
        el("div", { class: "qr-url", text: done ? cfg.bundleAbsUrl : cfg.viewerUrl })])
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
    badge = cadreNo(c.number); name = c.name; sub = [c.position, c.unit].filter(Boolean).join(" · ");
  }
  var score = null;
  if (result) {
    score = el("span", { class: "strip-score band-" + ((result.band && result.band.key) || "none") }, [
      el("span", { class: "strip-score-label", text: t("Final score") }), el("span", { class: "strip-final", text: result.final }),
      el("span", { class: "final-band", text: pick(result.band) })]);
    score.setAttribute("data-final", result.final);
  }
  return el("div", { class: "strip" }, [el("span", { class: "strip-badge", text: badge }), el("span", { class: "strip-name", text: name }),
    el("span", { class: "strip-sub", text: sub }), score]);
}

function drawView(round) {
  var c = round.cadre;
  var kids = [el("div", { class: "draw-label", text: c ? (rolling.spinning ? t("Drawing…") : t("Cadre drawn")) : t("Draw") })];
  if (!c) {
    if (!rolling.spinning) { rolling.blank(); }
    kids.push(rolling.node);
    kids.push(B.skipNotice(round));
    if (state) { kids.push(B.entropy(state.entropy, state.entropy_sources)); }  // live, with who supplied it
    kids.push(el("div", { class: "draw-note", text: t("The server draws from the seed committed before the meeting; the animation only reveals its number") }));
    return el("div", { class: "draw waiting" }, kids);
  }
  if (!rolling.spinning) { rolling.show(c.number); }
  // "No. {n}" is "{n}号" in Chinese: keep the words of the translation around the reels.
  var around = cadreAffixes();
  kids.push(el("div", { class: "draw-reels" }, [around[0] ? el("span", { class: "draw-affix", text: around[0] }) : null, rolling.node,
    around[1] ? el("span", { class: "draw-affix", text: around[1] }) : null]));
  if (!rolling.spinning) { kids.push(B.cadreCard(c, round), B.cadreCallLine(round)); }
  return el("div", { class: "draw" + (rolling.spinning ? " spinning" : " landed") }, kids);
}

function reportView(round) {
  return el("div", { class: "report" }, [el("div", { class: "report-subject" }, [B.subject(round), B.reportMode(round)]),
    B.timer(round)]);
}

function verificationView(round) {
  var claims = B.claimsBeside(round);  // 述职称 beside 群众答, as the answers arrive
  return el("div", { class: "verify" + (claims ? " with-claims" : "") }, [strip(round),
    el("div", { class: "section-title", text: t("Calling the cadre's households live") }), claims, B.calls(round)]);
}

function questionView(round) {
  return el("div", { class: "questioning" }, [B.questionCard(round.question)]);
}

function pledgeView(round) {
  return el("div", { class: "questioning pledging" }, [B.pledgeCard(round.pledge)]);
}

function scoringView(round) {
  // The call results stay up beside the ballot count: the jury scores with the evidence in view.
  var evidence = B.callResults(round);
  return el("div", { class: "scoring" + (evidence ? " with-evidence" : "") }, [strip(round),
    el("div", { class: "scoring-body" }, [evidence, B.progress(round)])]);
}

function revealedView(st) {
  var round = st.round, res = round.result;
  var chart = el("div", { class: "chart ballots-chart" });
  var view = el("div", { class: "revealed" }, [strip(round), el("div", { class: "revealed-body" }, [
    B.finalScore(res), el("div", { class: "revealed-right" }, [B.ballots(res), chart])])]);
  view._after = function () { C.ballotsChart(chart, res, 100, 30); };
  return view;
}

function decidedView(st) {
  var round = st.round, decisions = B.decisions(round.decisions);
  decisions.className += " n" + Math.min((round.decisions || []).length, 3);
  return el("div", { class: "decided" }, [strip(round, round.result), decisions]);
}

function roundView(st) {
  var r = st.round;
  if (!r) { return el("div", { class: "centre-msg", text: t("The next round will start shortly") }); }
  if (r.kind === "cadre" && (r.stage === "draw" || (rolling.spinning && r.cadre && rolling.target === r.cadre.number))) {
    return drawView(r);
  }
  switch (r.stage) {
    case "report": return reportView(r);
    case "verification": return verificationView(r);
    case "question": case "answer": return questionView(r);
    case "pledge": case "pledged": return pledgeView(r);
    case "scoring_open": case "scoring_closed": return scoringView(r);
    case "revealed": return r.result ? revealedView(st) : scoringView(r);
    case "decided": return decidedView(st);
    default: return el("div", { class: "centre-msg", text: stageName(r) });
  }
}

function leaderboardView(st) {
  var chart = el("div", { class: "chart lb-chart" });
  chart.style.height = Math.min(720, 40 + 100 * Math.min((st.leaderboard || []).length, 12)) + "px";
  var table = B.leaderboardTable(st.leaderboard, 12);
  var hasChart = C.hasCharts() && (st.leaderboard || []).length > 0;
  var view = el("div", { class: "board" + (hasChart ? " with-chart" : "") }, [
    el("h2", { class: "board-title", text: t("Results so far") }), hasChart ? chart : null, el("div", { class: "board-table" }, [table])]);
  view._after = function () { if (hasChart) { C.leaderboardChart(chart, st.leaderboard, 34); } };
  return view;
}

function render() {
  if (!state) { return; }
  var st = state;
  // After the close a round's screen is stale and nothing can change the scene: the end screen instead.
  var scene = ended(st) && st.scene === "round" ? "welcome" : st.scene;
  document.body.setAttribute("data-scene", scene);
  document.body.toggleAttribute("data-ended", ended(st));
  header(st);
  C.disposeAll();
  clear(sceneNode);
  var view;
  if (scene === "blank") { view = el("div", { class: "blank" }); }
  else if (scene === "welcome") { view = welcome(st); }
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

fitStage(stage, 1920, 1080);
live = connect({ onState: onState, onStatus: onStatus });
window.setInterval(function () { B.tick(sceneNode, live.serverNow()); }, 250);

/** For tests and staff debugging: the live client, the reels and a re-render (import this module to reach them). */
export const projector = { live, rolling, render };
