/* Minkao stage console: in-page dialogs (no window.confirm: touch screens and tests need real DOM).
 *
 * MC.confirm(text) asks before an irreversible step; focus starts on Cancel, so a stray Enter or
 * Space cancels. MC.openForm(templateId, …) shows one of the <template> forms of the page; the
 * form stays open with its values when the server refuses, and closes when it accepts.
 */
(function () {
  "use strict";

  var MC = window.MC;
  var formState = null;   // {key, onClose} of the open form
  var pendingConfirm = null;

  MC.confirm = function (text, okLabel) {
    var dialog = MC.$("confirm");
    MC.$("confirm-text").textContent = text;
    MC.$("confirm-ok").textContent = okLabel || MC.$("confirm-ok").getAttribute("data-default") || MC.$("confirm-ok").textContent;
    return new Promise(function (resolve) {
      pendingConfirm = resolve;
      dialog.returnValue = "";
      dialog.showModal();
      MC.$("confirm-cancel").focus();
    });
  };

  function onConfirmClosed() {
    // A close event is queued as a task: if the dialog was opened again meanwhile, this one is stale.
    if (MC.$("confirm").open) { return; }
    releaseFocus(MC.$("confirm"));
    var resolve = pendingConfirm;
    pendingConfirm = null;
    if (resolve) { resolve(MC.$("confirm").returnValue === "ok"); }
  }

  // Focus can stay on a button of a dialog that just closed until the browser's next focus fix-up;
  // a shortcut pressed in that moment would "press" the hidden Cancel button instead.
  function releaseFocus(dialog) {
    var active = document.activeElement;
    if (active && active !== document.body && dialog.contains(active)) { active.blur(); }
  }

  MC.dialogOpen = function () {
    return MC.$("confirm").open || MC.$("form-dialog").open;
  };

  MC.formOpen = function () { return MC.$("form-dialog").open; };

  /** The stage key the open form belongs to (so a change on the server can close it). */
  MC.formKey = function () { return formState ? formState.key : null; };

  MC.formMessage = function (text) {
    var box = MC.$("form-msg");
    box.textContent = text || "";
    box.hidden = !text;
  };

  /**
   * Show a form from a <template>. opts: key (stage key), setup(form), submit(form) → Promise of
   * an ack ({ok: …}) or null when nothing was sent (e.g. the confirmation was cancelled).
   */
  MC.openForm = function (templateId, opts) {
    var dialog = MC.$("form-dialog");
    var body = MC.clear(MC.$("form-body"));
    var tpl = MC.$(templateId);
    body.appendChild(tpl.content.cloneNode(true));
    var form = body.querySelector("form");
    MC.formMessage("");
    formState = { key: opts.key || null };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      form.setAttribute("aria-busy", "true");
      Promise.resolve(opts.submit(form)).then(function (ack) {
        form.removeAttribute("aria-busy");
        if (ack && ack.ok) { MC.closeForm(); }
      }, function () { form.removeAttribute("aria-busy"); });
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-cancel]"), function (b) {
      b.addEventListener("click", function () { MC.closeForm(); });
    });
    if (opts.setup) { opts.setup(form); }
    dialog.showModal();
    var first = form.querySelector("input:not([type=hidden]):not([type=radio]), textarea, input[type=radio]");
    if (opts.focus) { first = form.querySelector(opts.focus) || first; }
    if (first) { first.focus(); }
    return form;
  };

  MC.closeForm = function () {
    var dialog = MC.$("form-dialog");
    if (dialog.open) { dialog.close(); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    MC.$("confirm").addEventListener("close", onConfirmClosed);
    MC.$("confirm-ok").setAttribute("data-default", MC.$("confirm-ok").textContent);
    MC.$("form-dialog").addEventListener("close", function () {
      if (MC.$("form-dialog").open) { return; }
      releaseFocus(MC.$("form-dialog"));
      formState = null;
      MC.clear(MC.$("form-body"));
      MC.formMessage("");
    });
  });
})();
