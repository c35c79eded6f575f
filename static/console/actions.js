/* Minkao stage console: the legal next steps as big buttons, and sending them to the server.
 *
 * The list is derived from the newest state only (the server's legal_actions plus the meeting-
 * level steps around the draw), so a reload or a second console shows the same buttons. The
 * first step is the primary one (Space/Enter); the others get the digits 2–9.
 */
import { $, clear, el } from "../js/dom.js";
import { fmt } from "../js/format.js";
import { cfg, store, t } from "./store.js";
import { actionLabel, kbd } from "./util.js";
import { closeForm, confirm, dialogOpen, formMessage, formOpen } from "./dialogs.js";
import { openDecisionForm, openEntropyForm, openQuestionForm, openSkipForm, openSkipVerificationForm } from "./forms.js";
import { hasCallOutcome, nextCall } from "./calls.js";
import { message } from "./render.js";
import { dialCadreItem } from "./cadre_call.js";
import { openPledgeForm } from "./pledge.js";

function confirmText(action) { return t.confirm[action] || t.confirm.generic; }

export function needsConfirmation(action) {
  var rnd = store.state && store.state.round;
  var list = (rnd && rnd.needs_confirmation) || ["close_scoring", "reveal_result", "record_decision", "next_round"];
  // Once-only meeting steps are asked too: starting, and closing (the seed is revealed).
  return action === "close_meeting" || action === "start_meeting" || list.indexOf(action) >= 0;
}

/** Show an error acknowledgement in words the moderator can act on (and its code, small). */
export function showError(error) {
  error = error || {};
  var text = (error.code && t.errors[error.code]) || t.error_generic;
  var detail = error.message && error.message !== error.code ? (error.code ? error.code + ": " : "") + error.message
    : (error.code || "");
  message(text, detail, "error");
  if (formOpen()) { formMessage(text + (detail ? "  (" + detail + ")" : "")); }
}

/**
 * Send one action; ask first when it is irreversible. Resolves with the ack, or null when the
 * moderator cancelled. While a request is out the buttons are disabled (no double send).
 */
export function perform(action, params, options) {
  options = options || {};
  var ask = options.confirm === undefined ? needsConfirmation(action) : options.confirm;
  var asked = ask ? confirm(options.confirmText || confirmText(action), actionLabel(action)) : Promise.resolve(true);
  return asked.then(function (yes) {
    if (!yes) { return null; }
    setBusy(true);
    message(t.sending, "", "info");
    return store.live.perform(action, params || {}).then(function (ack) {
      setBusy(false);
      if (ack && ack.ok) {
        message(fmt(t.done, { what: options.doneLabel || actionLabel(action) }), "", "ok");
      } else {
        showError(ack && ack.error);
        // A stale console (e.g. an old draw number) catches up at once.
        store.live.sync();
      }
      return ack;
    });
  });
}

export function setBusy(busy) {
  store.busy = busy;
  document.body.classList.toggle("is-busy", busy);
  Array.prototype.forEach.call(document.querySelectorAll(".action-btn"), function (b) { b.disabled = busy; });
}

function reportSeconds() {
  var v = $("report-seconds").value;
  return v ? { seconds: parseInt(v, 10) } : {};
}

function latestDrawOf(state) {
  var draws = (state.draw && state.draw.draws) || [];
  for (var i = draws.length - 1; i >= 0; i--) {
    if (!draws[i].skipped && draws[i].round_id === state.round.id) { return draws[i]; }
  }
  return draws.length ? draws[draws.length - 1] : null;
}

function item(id, run, extra) {
  var a = { id: id, label: actionLabel(id), run: run };
  Object.keys(extra || {}).forEach(function (k) { a[k] = extra[k]; });
  return a;
}

function simple(id) {
  if (id === "record_decision") { return item(id, function () { openDecisionForm(); }); }
  return item(id, function () { return perform(id, {}); });
}

/** The console's steps for this state, the usual next one first. */
export function computeActions(state) {
  if (!state) { return []; }
  var status = state.meeting.status;
  if (status === "setup") {
    return [item("start_meeting", function () { return perform("start_meeting", {}, { confirm: true }); })];
  }
  if (status !== "live" || !state.round) { return []; }
  var rnd = state.round;
  if (rnd.kind === "cadre" && rnd.stage === "draw") {
    var question = item("start_question", function () { openQuestionForm(); });
    var pledge = item("start_pledge", function () { openPledgeForm(); });  // pledge.js
    if (!state.entropy) {
      return [item("enter_entropy", function () { openEntropyForm(); }), question, pledge];
    }
    if (!rnd.cadre) {
      var next = state.draw && state.draw.next;
      if (!next) { return [question, pledge]; }
      return [item("draw_cadre", function () {
        return perform("draw_cadre", { expected_draw: next.draw });
      }, { hint: fmt(t.next_draw, { n: next.draw }) }), question, pledge];
    }
    // The phone-in report (cadre_call.js) comes last: 2 stays "skip".
    return [item("start_report", function () { return perform("start_report", reportSeconds()); }),
            item("skip_cadre", function () { openSkipForm(latestDrawOf(state)); }, { danger: true }),
            dialCadreItem(state, reportSeconds)].filter(Boolean);
  }
  if (rnd.kind === "cadre" && rnd.stage === "verification") { return verificationActions(state); }
  return (rnd.legal_actions || []).map(simple);
}

/** During verification the usual next step is the next call, never 开始评分 (issue #10): scoring
 * opens once a call has an outcome, else only by a skip with a reason (a form, logged). */
function verificationActions(state) {
  var out = [];
  var next = nextCall(state);
  if (next) { out.push(item(next.id, next.run, { label: next.label, hint: next.hint })); }
  if (hasCallOutcome(state)) { out.push(simple("open_scoring")); }
  else { out.push(item("skip_verification", function () { openSkipVerificationForm(); }, { danger: true })); }
  return out;
}

/** Draw the big buttons: primary first (Space/Enter), then 2–9. */
export function renderActions(state) {
  var actions = computeActions(state);
  store.currentActions = actions;
  var box = clear($("actions"));
  actions.forEach(function (a, i) {
    var key = i === 0 ? (cfg.lang === "en" ? "Space" : "空格") : String(i + 1);
    var cls = "action-btn" + (i === 0 ? " is-primary" : "") + (a.danger ? " is-danger" : "") +
      (needsConfirmation(a.id) ? " is-irreversible" : "");
    var btn = el("button", { type: "button", class: cls, "data-action": a.id, disabled: store.busy }, [
      el("span", { class: "action-label", text: a.label }),
      a.hint ? el("span", { class: "action-hint", text: a.hint }) : null,
      kbd(key)
    ]);
    btn.addEventListener("click", function () { btn.blur(); runAction(i); });
    box.appendChild(btn);
  });
  var rnd = state && state.round;
  $("report-options").hidden = !(state && state.meeting.status === "live" && rnd && rnd.kind === "cadre" &&
    rnd.stage === "draw" && rnd.cadre);
}

/** Run the i-th step (0 = primary). Ignored while a request is out or a dialog is open. */
export function runAction(i) {
  var a = store.currentActions[i];
  if (!a || store.busy || dialogOpen()) { return; }
  a.run();
}

/** Projector scenes and the panic button: no confirmation, they only change what is shown. */
export function setScene(scene) {
  if (store.busy) { return; }
  return perform("set_scene", { scene: scene }, { confirm: false, doneLabel: t.scenes[scene] });
}

export function clearAll() {
  // The panic button is never blocked by a pending request or an open dialog.
  closeForm();
  return store.live.perform("clear_all", {}).then(function (ack) {
    if (ack && ack.ok) { message(fmt(t.done, { what: t.scenes.blank }), "", "ok"); }
    else { showError(ack && ack.error); }
  });
}

export function closeMeeting() {
  return perform("close_meeting", {}, { confirm: true });
}
