/* Minkao stage console: start-up, the live connection, keyboard shortcuts and the clock tick.
 *
 * Keys (ignored while typing in a field or while a dialog is open, except Esc which the dialog
 * handles itself): Space/Enter = the first step, 1–9 = the n-th step, W/R/L/B = projector scene.
 */
import { $ } from "../js/dom.js";
import { fmt } from "../js/format.js";
import { Live } from "../js/socket.js";
import { cfg, store, t } from "./store.js";
import { closeForm, dialogOpen, formKey, formOpen } from "./dialogs.js";
import { stageKey } from "./forms.js";
import { expireMessage, message, renderConnection, renderFacts, renderHeader, renderJurors, renderRoundHead, renderScenes, renderSubject, tickPresence } from "./render.js";
import { renderPanel, tickTimer } from "./panels.js";
import { clearAll, closeMeeting, renderActions, runAction, setScene } from "./actions.js";
import { renderChainAlarm } from "./chain.js";
import { wireRecusals } from "./recusals.js";

function render(state) {
  store.state = state;
  renderHeader(state);
  renderRoundHead(state);
  renderSubject(state);
  renderActions(state);
  renderPanel(state);
  renderScenes(state);
  renderJurors(state);
  renderFacts(state);
  renderChainAlarm(state);
  expireMessage();
  // A form opened for another moment of the round no longer fits: close it rather than send it.
  if (formOpen() && formKey() && formKey() !== stageKey()) {
    closeForm();
    message(t.dialog_closed, "", "info");
  }
  document.body.setAttribute("data-seq", String(state.seq));
}

store.live = new Live({
  meeting: cfg.meeting,
  role: "moderator",
  onState: render,
  onStatus: function (status) {
    if (status === "online") { store.refused = null; }
    renderConnection();
  },
  onRefused: function (why) {
    store.refused = fmt(t.refused, { why: why });
    message(store.refused, "", "error");
    renderConnection();
  },
  onHeartbeat: function () { renderConnection(); }
});

// Each juror tablet's connection, pushed by the server (meeting/realtime/presence.py).
store.live.socket.on("presence", function (p) { store.presence = p; tickPresence(); });

setInterval(function () { renderConnection(); tickPresence(); }, 1000);
setInterval(function () { tickTimer(); }, 250);

var SCENE_KEYS = { w: "welcome", r: "round", l: "leaderboard", b: "blank" };

function typing(target) {
  if (!target || !target.tagName) { return false; }
  var tag = target.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
}

document.addEventListener("keydown", function (ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) { return; }
  if (dialogOpen() || typing(ev.target)) { return; }
  var key = ev.key;
  // A focused button keeps its own Space/Enter (keyboard users tabbing through the page),
  // unless it sits in a dialog that has just closed.
  var inClosedDialog = ev.target && ev.target.closest && ev.target.closest("dialog:not([open])");
  if ((key === " " || key === "Enter") && ev.target && ev.target.tagName === "BUTTON" && !inClosedDialog) { return; }
  if (key === " " || key === "Enter") {
    ev.preventDefault();
    runAction(0);
  } else if (/^[1-9]$/.test(key)) {
    ev.preventDefault();
    runAction(parseInt(key, 10) - 1);
  } else if (SCENE_KEYS[key.toLowerCase()]) {
    ev.preventDefault();
    setScene(SCENE_KEYS[key.toLowerCase()]);
  }
});

Array.prototype.forEach.call(document.querySelectorAll(".scene-btn"), function (b) {
  b.addEventListener("click", function () { b.blur(); setScene(b.getAttribute("data-scene")); });
});
$("panic").addEventListener("click", function () { $("panic").blur(); clearAll(); });
$("close-meeting").addEventListener("click", function () { $("close-meeting").blur(); closeMeeting(); });
$("msg-close").addEventListener("click", function () { message(""); });
wireRecusals();
renderConnection();
