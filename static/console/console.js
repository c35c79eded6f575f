/* Minkao stage console: start-up, the live connection, keyboard shortcuts and the clock tick.
 *
 * Keys (ignored while typing in a field or while a dialog is open, except Esc which the dialog
 * handles itself): Space/Enter = the first step, 1–9 = the n-th step, W/R/L/B = projector scene.
 */
(function () {
  "use strict";

  var MC = window.MC;
  var t = MC.t;
  MC.state = null;
  MC.refused = null;

  function render(state) {
    MC.state = state;
    MC.renderHeader(state);
    MC.renderRoundHead(state);
    MC.renderSubject(state);
    MC.renderActions(state);
    MC.renderPanel(state);
    MC.renderScenes(state);
    MC.renderJurors(state);
    MC.renderFacts(state);
    MC.expireMessage();
    // A form opened for another moment of the round no longer fits: close it rather than send it.
    if (MC.formOpen() && MC.formKey() && MC.formKey() !== MC.stageKey()) {
      MC.closeForm();
      MC.message(t.dialog_closed, "", "info");
    }
    document.body.setAttribute("data-seq", String(state.seq));
  }

  MC.live = new window.MinkaoLive({
    meeting: MC.cfg.meeting,
    role: "moderator",
    onState: render,
    onStatus: function (status) {
      if (status === "online") { MC.refused = null; }
      MC.renderConnection();
    },
    onRefused: function (why) {
      MC.refused = MC.fmt(t.refused, { why: why });
      MC.message(MC.refused, "", "error");
      MC.renderConnection();
    },
    onHeartbeat: function () { MC.renderConnection(); }
  });

  setInterval(function () { MC.renderConnection(); }, 1000);
  setInterval(function () { MC.tickTimer(); }, 250);

  var SCENE_KEYS = { w: "welcome", r: "round", l: "leaderboard", b: "blank" };

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) { return; }
    if (MC.dialogOpen() || typing(ev.target)) { return; }
    var key = ev.key;
    // A focused button keeps its own Space/Enter (keyboard users tabbing through the page),
    // unless it sits in a dialog that has just closed.
    var inClosedDialog = ev.target && ev.target.closest && ev.target.closest("dialog:not([open])");
    if ((key === " " || key === "Enter") && ev.target && ev.target.tagName === "BUTTON" && !inClosedDialog) { return; }
    if (key === " " || key === "Enter") {
      ev.preventDefault();
      MC.runAction(0);
    } else if (/^[1-9]$/.test(key)) {
      ev.preventDefault();
      MC.runAction(parseInt(key, 10) - 1);
    } else if (SCENE_KEYS[key.toLowerCase()]) {
      ev.preventDefault();
      MC.setScene(SCENE_KEYS[key.toLowerCase()]);
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".scene-btn"), function (b) {
    b.addEventListener("click", function () { b.blur(); MC.setScene(b.getAttribute("data-scene")); });
  });
  MC.$("panic").addEventListener("click", function () { MC.$("panic").blur(); MC.clearAll(); });
  MC.$("close-meeting").addEventListener("click", function () { MC.$("close-meeting").blur(); MC.closeMeeting(); });
  MC.$("msg-close").addEventListener("click", function () { MC.message(""); });
  MC.renderConnection();
})();
