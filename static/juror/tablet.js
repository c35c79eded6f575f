/* Juror tablet: wiring. PIN → connection → snapshots → touch controls → outbox.
 *
 * What the juror sees as "submitted" comes only from the server: an acknowledgement of a stored
 * ballot, or `my_ballot` in the snapshot sent on (re)connect. Everything else is a draft or a
 * ballot waiting in the outbox, and the page says so.
 */
import { el } from "../js/dom.js";
import { fmt } from "../js/format.js";
import { isTransientError, Live } from "../js/socket.js";
import { app, cfg, lang, t } from "./app.js";
import { evidence } from "./evidence.js";
import { Outbox } from "./outbox.js";
import * as V from "./render.js";
import { buildControls, Rubric } from "./rubric.js";

var $ = V.$;
var PIN_KEY = "minkao.juror." + cfg.token + ".pin";
// Stages in which the controls take input: before scoring a juror may prepare, not submit.
var EDITABLE = { draw: true, report: true, verification: true, question: true, answer: true, scoring_open: true };
var REFUSED_FOR_GOOD = /not valid|token required|no such meeting|missing auth|auth needs/i;

// ---- storage of the PIN for this tab only (a reload should not ask again) ----

function savedPin() {
  try { return window.sessionStorage.getItem(PIN_KEY); } catch (e) { return null; }
}

function savePin(pin) {
  try {
    if (pin) { window.sessionStorage.setItem(PIN_KEY, pin); } else { window.sessionStorage.removeItem(PIN_KEY); }
  } catch (e) { /* not kept: the juror types it again after a reload */ }
}

// ---- PIN screen ----

function askPin(message) {
  $("banner").hidden = true;
  V.show("pin", true);
  V.setText("pin-error", message || "");
  $("pin-input").value = "";   // not focused: the on-screen keypad is the input, no system keyboard
}

function enterPin() {
  var pin = $("pin-input").value.trim();
  if (!/^[0-9]{4,8}$/.test(pin)) {
    V.setText("pin-error", t.pin_wrong);
    return;
  }
  V.show("pin", false);
  connect(pin);
}

function wirePin() {
  var input = $("pin-input");
  $("keypad").addEventListener("click", function (ev) {
    var key = ev.target && ev.target.getAttribute("data-key");
    if (!key) { return; }
    if (key === "clear") { input.value = ""; }
    else if (key === "back") { input.value = input.value.slice(0, -1); }
    else if (input.value.length < 8) { input.value += key; }
    V.setText("pin-error", "");
  });
  $("pin-go").addEventListener("click", enterPin);
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { enterPin(); } });
}

// ---- connection ----

function banner(kind) {
  var b = $("banner");
  clearTimeout(app.bannerTimer);
  b.setAttribute("data-kind", kind);
  b.textContent = "";
  // "Network disconnected — your scores are kept…": the headline big, the reassurance below it.
  var parts = String(t[kind] || "").split(/\s*—+\s*/), box = el("span", { class: "banner-text" });
  box.appendChild(el("strong", { class: "banner-head", text: parts[0] }));
  if (parts.length > 1) { box.appendChild(el("span", { class: "banner-more", text: parts.slice(1).join(" — ") })); }
  b.appendChild(box);
  b.hidden = false;
  document.body.classList.toggle("is-offline", kind === "offline");
  if (kind === "online") {
    app.bannerTimer = setTimeout(function () { b.hidden = true; }, 2500);
  }
}

function connect(pin) {
  app.pin = pin || null;
  if (app.live) {
    // A refused connection is not retried by Socket.IO: connect again with the new PIN.
    app.live.opts.pin = app.pin;
    app.live.socket.connect();
    return;
  }
  app.outbox = new Outbox(cfg.token, null, { onAck: onAck, onRefused: onBallotRefused, onChange: paint });
  app.live = new Live({
    meeting: cfg.meeting, role: "juror", token: cfg.token, pin: app.pin,
    onState: onState, onStatus: onStatus, onRefused: onConnectRefused
  });
  app.outbox.live = app.live;
}

function onStatus(status, detail) {
  if (status === "online") {
    app.everConnected = true;
    if (app.pin) { savePin(app.pin); }
    V.show("pin", false);
    banner("online");
    app.outbox.flush();   // anything kept while offline goes out now, same message ids
  } else if (app.everConnected || (detail && isTransientError(detail))) {
    banner("offline");
    paint();
  }
}

function onConnectRefused(message) {
  if (/wrong PIN/i.test(message)) {
    savePin(null);
    askPin(t.pin_wrong);
  } else if (REFUSED_FOR_GOOD.test(message)) {
    V.setText("fatal-text", t.refused);
    V.show("fatal", true);
  } else {
    // Anything else (a server hiccup during log-in): try again shortly.
    setTimeout(function () { app.live.socket.connect(); }, 3000);
  }
}

// ---- snapshots ----

function onState(state) {
  app.state = state;
  var rnd = state.round;
  if (state.rubric && state.rubric.length) {
    var sig = JSON.stringify(state.rubric) + "|" + lang;
    if (!app.rubric || app.rubric.signature !== sig) {
      app.rubric = new Rubric(state.rubric, lang);
      app.update = buildControls($("criteria"), app.rubric, t, onPick);
      app.roundId = null;
    }
  }
  // my_ballot is only in the snapshot sent to this connection (connect, sync); never go back a version.
  if (rnd && Object.prototype.hasOwnProperty.call(state, "my_ballot") && state.my_ballot) {
    var mine = state.my_ballot, r = app.receipt;
    if (!r || r.round_id !== rnd.id || mine.version >= r.version) {
      app.receipt = { round_id: rnd.id, version: mine.version, total: mine.total, scores: mine.scores };
    }
  }
  if (app.rubric && rnd && rnd.id !== app.roundId) {
    if (app.roundId !== null) { app.error = null; }
    app.roundId = rnd.id;
    app.picks = initialPicks(rnd.id);
  } else if (app.rubric && rnd && app.rubric.missing(app.picks) === app.rubric.criteria.length) {
    app.picks = initialPicks(rnd.id);   // e.g. my_ballot arrived after the round was first shown
  }
  paint();
}

/** What the controls show for a round: the local draft, else the newest unsent, else the stored ballot. */
function initialPicks(roundId) {
  var draft = app.outbox.draft(roundId);
  if (draft) { return app.rubric.picksFrom(draft); }
  var waiting = app.outbox.forRound(roundId);
  if (waiting.length) { return app.rubric.picksFrom(waiting[waiting.length - 1].scores); }
  if (app.receipt && app.receipt.round_id === roundId) { return app.rubric.picksFrom(app.receipt.scores); }
  return app.rubric.picksFrom(null);
}

// ---- input ----

function editable() {
  var s = app.state, rnd = s && s.round;
  return !!(rnd && s.meeting.status !== "closed" && EDITABLE[rnd.stage] && (rnd.cadre || rnd.question));
}

function onPick(key, k) {
  if (!editable() || app.roundId === null) { return; }
  app.picks[key] = k;
  var draft = {};
  app.rubric.criteria.forEach(function (c) {
    var v = app.picks[c.key];
    if (v !== null && v !== undefined) { draft[c.key] = c.value(v); }
  });
  app.outbox.saveDraft(app.roundId, draft);
  paint();
}

function submit() {
  var vm = viewModel();
  if (!vm || !vm.canSubmit || V.myRecusal(app.state, cfg.juror.seat)) { return; }
  app.error = null;
  // Kept on the device first: if the page dies right now, the next load resends it.
  app.outbox.add(app.roundId, app.rubric.scores(app.picks), app.rubric.total(app.picks));
  app.outbox.flush();
}

function onAck(item, ballot) {
  var r = app.receipt;
  if (!r || r.round_id !== ballot.round_id || ballot.version >= r.version) {
    app.receipt = { round_id: ballot.round_id, version: ballot.version, total: ballot.total, scores: item.scores };
  }
  paint();
}

function onBallotRefused(item, error) {
  var text = t["err_" + error.code];
  app.error = text || fmt(t.err_other, { message: error.message || error.code });
  paint();
}

// ---- painting ----

function sameScores(a, b) {
  if (!a || !b) { return false; }
  return app.rubric.criteria.every(function (c) { return String(a[c.key]) === String(b[c.key]); });
}

function viewModel() {
  var s = app.state, rubric = app.rubric;
  if (!s || !rubric) { return null; }
  var rnd = s.round, stage = rnd ? rnd.stage : "none";
  var isOpen = stage === "scoring_open" && s.meeting.status === "live";
  var waiting = rnd ? app.outbox.forRound(rnd.id) : [];
  var receipt = app.receipt && rnd && app.receipt.round_id === rnd.id ? app.receipt : null;
  var last = waiting.length ? waiting[waiting.length - 1].scores : (receipt ? receipt.scores : null);
  // Once scoring is over, show what was counted (the stored ballot), not an unsent later change.
  var locked = !editable();
  var picks = locked && !waiting.length && receipt ? rubric.picksFrom(receipt.scores) : app.picks;
  var missing = rubric.missing(picks);
  var same = missing === 0 && sameScores(rubric.scores(picks), last);
  var kind = "none";
  if (waiting.length) { kind = app.outbox.sending && app.live.connected ? "sending" : "pending"; }
  else if (app.error) { kind = "error"; }
  else if (receipt) { kind = "acked"; }
  var hint = "";
  if (isOpen && missing > 0) { hint = fmt(t.remaining, { n: missing }); }
  else if (isOpen && same) { hint = t.unchanged; }
  return {
    kind: kind, receipt: receipt, error: app.error, missing: missing, picks: picks, locked: locked,
    total: missing === rubric.criteria.length ? null : rubric.total(picks),
    fullMark: rubric.fullMark(), canSubmit: isOpen && missing === 0 && !same,
    revising: (!!receipt || waiting.length > 0) && !same, hint: hint
  };
}

function paint() {
  var s = app.state;
  if (!s) { return; }
  V.header(s, t, lang);
  var hasSubject = V.subject(s, t);
  V.stageNote(s, t);
  var recused = V.recusal(s, t, cfg.juror.seat);
  evidence(s, t);
  V.result(s, t, lang, cfg.juror.seat);
  var vm = viewModel();
  V.show("scoring", hasSubject && !!vm && !recused);
  if (!vm) { return; }
  app.update(vm.picks, vm.locked);
  // After scoring, the submit button is noise: keep only the receipt.
  $("app").classList.toggle("is-final", vm.locked && !!s.round && !EDITABLE[s.round.stage]);
  V.receipt(vm, t);
  V.submitBar(vm, t);
}

function everySecond() {
  var live = app.live;
  if (!live) { return; }
  var n = live.secondsSinceUpdate();
  var node = $("last-update");
  node.textContent = n === null ? "" : fmt(t.last_update, { n: n });
  node.classList.toggle("is-stale", n !== null && n > 12);
  app.tick += 1;
  // Tell the server this tablet is still here: the moderator's console shows each tablet's connection.
  if (app.tick % 5 === 0 && live.connected) { live.socket.emit("alive"); }
  // An answer-less failure while connected (timeout, server error): retry every few seconds.
  if (app.tick % 4 === 0 && live.connected && !app.outbox.sending && app.outbox.items().length) {
    app.outbox.flush();
  }
}

function start() {
  V.setText("subject-wait", t.connecting);
  $("submit").addEventListener("click", submit);
  wirePin();
  setInterval(everySecond, 1000);
  if (cfg.needs_pin && !savedPin()) {
    askPin("");
  } else {
    connect(cfg.needs_pin ? savedPin() : null);
  }
}

start();
