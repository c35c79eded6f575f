/* Minkao stage console: small DOM and formatting helpers shared by the console scripts.
 *
 * All text goes through textContent (never innerHTML with data): names and notes come from
 * people and from imported files.
 */
(function () {
  "use strict";

  var MC = window.MC = window.MC || {};
  MC.cfg = window.CONSOLE;
  MC.t = window.I18N;
  MC.labels = window.CONSOLE.labels;

  MC.$ = function (id) { return document.getElementById(id); };

  /** el("div", {class: "x", text: "…", "data-a": 1, onclick: fn}, [child, "text"]) */
  MC.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    var key;
    attrs = attrs || {};
    for (key in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key) || attrs[key] == null || attrs[key] === false) { continue; }
      if (key === "text") { node.textContent = String(attrs[key]); }
      else if (key === "class") { node.className = attrs[key]; }
      else if (key.slice(0, 2) === "on" && typeof attrs[key] === "function") { node.addEventListener(key.slice(2), attrs[key]); }
      else if (attrs[key] === true) { node.setAttribute(key, ""); }
      else { node.setAttribute(key, String(attrs[key])); }
    }
    (children || []).forEach(function (child) {
      if (child == null || child === false) { return; }
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    });
    return node;
  };

  MC.clear = function (node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  };

  MC.replace = function (node, children) {
    MC.clear(node);
    children.forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  };

  /** "Round {n} of {total}" with {n: 1, total: 5} */
  MC.fmt = function (template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  };

  /** Zero-padded cadre number as printed on the roster (e.g. 0123). */
  MC.cadreNo = function (n) {
    var s = String(n);
    while (s.length < 4) { s = "0" + s; }
    return s;
  };

  /** m:ss for a number of whole seconds (negative numbers give the absolute value). */
  MC.clock = function (seconds) {
    var s = Math.abs(Math.round(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  };

  /** The label of a (zh, en) pair sent by the server for the page's language. */
  MC.pair = function (pair) {
    if (!pair) { return ""; }
    return MC.cfg.lang === "en" ? (pair[1] || pair[0]) : (pair[0] || pair[1]);
  };

  MC.bandLabel = function (band) {
    if (!band) { return ""; }
    return MC.cfg.lang === "en" ? (band.label_en || band.label_zh || band.key) : (band.label_zh || band.label_en || band.key);
  };

  MC.actionLabel = function (action) {
    return MC.labels.actions[action] || action;
  };

  /** A short hash for display: first 12 and last 6 hex digits. */
  MC.shortHash = function (hex) {
    if (!hex) { return "—"; }
    return hex.length > 24 ? hex.slice(0, 12) + "…" + hex.slice(-6) : hex;
  };

  /** A mobile number grouped 3-4-4 for dialling (138 1234 5678); other numbers unchanged. */
  MC.phone = function (raw) {
    if (!raw) { return "—"; }
    var digits = String(raw).replace(/\s+/g, "");
    return /^\d{11}$/.test(digits) ? digits.slice(0, 3) + " " + digits.slice(3, 7) + " " + digits.slice(7) : String(raw);
  };

  /** A keycap element showing a keyboard shortcut. */
  MC.kbd = function (key) { return key ? MC.el("kbd", { text: key }) : null; };
})();
