/* Minkao stage console: the legal next steps as big buttons, and sending them to the server.
 *
 * The list is derived from the newest state only (the server's legal_actions plus the meeting-
 * level steps around the draw), so a reload or a second console shows the same buttons. The
 * first step is the primary one (Space/Enter); the others get the digits 2–9.
 */
(function () {
  "use strict";

  var MC = window.MC;
  var t = MC.t;
  MC.busy = false;
  MC.currentActions = [];

  function confirmText(action) { return t.confirm[action] || t.confirm.generic; }

  MC.needsConfirmation = function (action) {
    var rnd = MC.state && MC.state.round;
    var list = (rnd && rnd.needs_confirmation) || ["close_scoring", "reveal_result", "record_decision", "next_round"];
    return action === "close_meeting" || list.indexOf(action) >= 0;
  };

  /** Show an error acknowledgement in words the moderator can act on (and its code, small). */
  MC.showError = function (error) {
    error = error || {};
    var text = (error.code && t.errors[error.code]) || t.error_generic;
    var detail = error.message && error.message !== error.code ? (error.code ? error.code + ": " : "") + error.message
      : (error.code || "");
    MC.message(text, detail, "error");
    if (MC.formOpen()) { MC.formMessage(text + (detail ? "  (" + detail + ")" : "")); }
  };

  /**
   * Send one action; ask first when it is irreversible. Resolves with the ack, or null when the
   * moderator cancelled. While a request is out the buttons are disabled (no double send).
   */
  MC.perform = function (action, params, options) {
    options = options || {};
    var ask = options.confirm === undefined ? MC.needsConfirmation(action) : options.confirm;
    var asked = ask ? MC.confirm(options.confirmText || confirmText(action), MC.actionLabel(action)) : Promise.resolve(true);
    return asked.then(function (yes) {
      if (!yes) { return null; }
      MC.setBusy(true);
      MC.message(t.sending, "", "info");
      return MC.live.perform(action, params || {}).then(function (ack) {
        MC.setBusy(false);
        if (ack && ack.ok) {
          MC.message(MC.fmt(t.done, { what: options.doneLabel || MC.actionLabel(action) }), "", "ok");
        } else {
          MC.showError(ack && ack.error);
          // A stale console (e.g. an old draw number) catches up at once.
          MC.live.sync();
        }
        return ack;
      });
    });
  };

  MC.setBusy = function (busy) {
    MC.busy = busy;
    document.body.classList.toggle("is-busy", busy);
    Array.prototype.forEach.call(document.querySelectorAll(".action-btn"), function (b) { b.disabled = busy; });
  };

  function reportSeconds() {
    var v = MC.$("report-seconds").value;
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
    var a = { id: id, label: MC.actionLabel(id), run: run };
    Object.keys(extra || {}).forEach(function (k) { a[k] = extra[k]; });
    return a;
  }

  function simple(id) {
    if (id === "record_decision") { return item(id, function () { MC.openDecisionForm(); }); }
    return item(id, function () { return MC.perform(id, {}); });
  }

  /** The console's steps for this state, the usual next one first. */
  MC.computeActions = function (state) {
    if (!state) { return []; }
    var status = state.meeting.status;
    if (status === "setup") {
      return [item("start_meeting", function () { return MC.perform("start_meeting", {}); })];
    }
    if (status !== "live" || !state.round) { return []; }
    var rnd = state.round;
    if (rnd.kind === "cadre" && rnd.stage === "draw") {
      var question = item("start_question", function () { MC.openQuestionForm(); });
      if (!state.entropy) {
        return [item("enter_entropy", function () { MC.openEntropyForm(); }), question];
      }
      if (!rnd.cadre) {
        var next = state.draw && state.draw.next;
        if (!next) { return [question]; }
        return [item("draw_cadre", function () {
          return MC.perform("draw_cadre", { expected_draw: next.draw });
        }, { hint: MC.fmt(t.next_draw, { n: next.draw }) }), question];
      }
      return [item("start_report", function () { return MC.perform("start_report", reportSeconds()); }),
              item("skip_cadre", function () { MC.openSkipForm(latestDrawOf(state)); }, { danger: true })];
    }
    return (rnd.legal_actions || []).map(simple);
  };

  /** Draw the big buttons: primary first (Space/Enter), then 2–9. */
  MC.renderActions = function (state) {
    var actions = MC.computeActions(state);
    MC.currentActions = actions;
    var box = MC.clear(MC.$("actions"));
    actions.forEach(function (a, i) {
      var key = i === 0 ? (MC.cfg.lang === "en" ? "Space" : "空格") : String(i + 1);
      var cls = "action-btn" + (i === 0 ? " is-primary" : "") + (a.danger ? " is-danger" : "") +
        (MC.needsConfirmation(a.id) ? " is-irreversible" : "");
      var btn = MC.el("button", { type: "button", class: cls, "data-action": a.id, disabled: MC.busy }, [
        MC.el("span", { class: "action-label", text: a.label }),
        a.hint ? MC.el("span", { class: "action-hint", text: a.hint }) : null,
        MC.kbd(key)
      ]);
      btn.addEventListener("click", function () { btn.blur(); MC.runAction(i); });
      box.appendChild(btn);
    });
    var rnd = state && state.round;
    MC.$("report-options").hidden = !(state && state.meeting.status === "live" && rnd && rnd.kind === "cadre" &&
      rnd.stage === "draw" && rnd.cadre);
  };

  /** Run the i-th step (0 = primary). Ignored while a request is out or a dialog is open. */
  MC.runAction = function (i) {
    var a = MC.currentActions[i];
    if (!a || MC.busy || MC.dialogOpen()) { return; }
    a.run();
  };

  /** Projector scenes and the panic button: no confirmation, they only change what is shown. */
  MC.setScene = function (scene) {
    if (MC.busy) { return; }
    return MC.perform("set_scene", { scene: scene }, { confirm: false, doneLabel: t.scenes[scene] });
  };

  MC.clearAll = function () {
    // The panic button is never blocked by a pending request or an open dialog.
    MC.closeForm();
    return MC.live.perform("clear_all", {}).then(function (ack) {
      if (ack && ack.ok) { MC.message(MC.fmt(t.done, { what: t.scenes.blank }), "", "ok"); }
      else { MC.showError(ack && ack.error); }
    });
  };

  MC.closeMeeting = function () {
    return MC.perform("close_meeting", {}, { confirm: true });
  };
})();
