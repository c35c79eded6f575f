/* Minkao stage console: in-page dialogs (no window.confirm: touch screens and tests need real DOM).
 *
 * confirm(text) asks before an irreversible step; focus starts on Cancel, so a stray Enter or
 * Space cancels. openForm(templateId, …) shows one of the <template> forms of the page; the
 * form stays open with its values when the server refuses, and closes when it accepts.
 */
import { $, clear } from "../js/dom.js";
var formState = null;   // {key, onClose} of the open form
var pendingConfirm = null;

export function confirm(text, okLabel) {
  var dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okLabel || $("confirm-ok").getAttribute("data-default") || $("confirm-ok").textContent;
  return new Promise(function (resolve) {
    pendingConfirm = resolve;
    dialog.returnValue = "";
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

function onConfirmClosed() {
  // A close event is queued as a task: if the dialog was opened again meanwhile, this one is stale.
  if ($("confirm").open) { return; }
  releaseFocus($("confirm"));
  var resolve = pendingConfirm;
  pendingConfirm = null;
  if (resolve) { resolve($("confirm").returnValue === "ok"); }
}

// Focus can stay on a button of a dialog that just closed until the browser's next focus fix-up;
// a shortcut pressed in that moment would "press" the hidden Cancel button instead.
function releaseFocus(dialog) {
  var active = document.activeElement;
  if (active && active !== document.body && dialog.contains(active)) { active.blur(); }
}

export function dialogOpen() {
  return $("confirm").open || $("form-dialog").open;
}

export function formOpen() { return $("form-dialog").open; };

/** The stage key the open form belongs to (so a change on the server can close it). */
export function formKey() { return formState ? formState.key : null; };

export function formMessage(text) {
  var box = $("form-msg");
  box.textContent = text || "";
  box.hidden = !text;
}

/**
 * Show a form from a <template>. opts: key (stage key), setup(form), submit(form) → Promise of
 * an ack ({ok: …}) or null when nothing was sent (e.g. the confirmation was cancelled).
 */
export function openForm(templateId, opts) {
  var dialog = $("form-dialog");
  var body = clear($("form-body"));
  var tpl = $(templateId);
  body.appendChild(tpl.content.cloneNode(true));
  var form = body.querySelector("form");
  formMessage("");
  formState = { key: opts.key || null };
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    form.setAttribute("aria-busy", "true");
    Promise.resolve(opts.submit(form)).then(function (ack) {
      form.removeAttribute("aria-busy");
      if (ack && ack.ok) { closeForm(); }
    }, function () { form.removeAttribute("aria-busy"); });
  });
  Array.prototype.forEach.call(form.querySelectorAll("[data-cancel]"), function (b) {
    b.addEventListener("click", function () { closeForm(); });
  });
  if (opts.setup) { opts.setup(form); }
  dialog.showModal();
  var first = form.querySelector("input:not([type=hidden]):not([type=radio]), textarea, input[type=radio]");
  if (opts.focus) { first = form.querySelector(opts.focus) || first; }
  if (first) { first.focus(); }
  return form;
}

export function closeForm() {
  var dialog = $("form-dialog");
  if (dialog.open) { dialog.close(); }
}

document.addEventListener("DOMContentLoaded", function () {
  $("confirm").addEventListener("close", onConfirmClosed);
  $("confirm-ok").setAttribute("data-default", $("confirm-ok").textContent);
  $("form-dialog").addEventListener("close", function () {
    if ($("form-dialog").open) { return; }
    releaseFocus($("form-dialog"));
    formState = null;
    clear($("form-body"));
    formMessage("");
  });
});
