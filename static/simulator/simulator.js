/* Household simulator: polls the simulated calls and sends the phone's buttons.
 *
 * The server is authoritative: after every button the list is re-read, and a reload shows the
 * same phones. A call still "dialling" is rung once automatically (the handset rings).
 */
import { el } from "../js/dom.js";
import { fmt } from "../js/format.js";
import { cfg, t } from "./config.js";
import { phone } from "./phone.js";

var root = document.getElementById("sim-calls");
var callsUrl = cfg.callsUrl;
var actUrl = cfg.actUrl;
var token = cfg.csrfToken;
var rung = {};
var busy = false;
var message = "";

function url(callId, action) {
  return actUrl.replace("/0/ACTION", "/" + callId + "/" + action);
}

function act(callId, action, body) {
  busy = true;
  return fetch(url(callId, action), {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body || {})
  }).then(function (r) { return r.json().catch(function () { return { ok: false, error: { message: r.status } }; }); })
    .then(function (out) {
      message = out.ok ? "" : fmt(t.error || "{why}", { why: (out.error && out.error.message) || "?" });
    })
    .catch(function (e) { message = String(e); })
    .then(function () { busy = false; return refresh(); });
}

function render(data) {
  var calls = data.calls || [];
  root.replaceChildren();
  if (message) { root.appendChild(el("p", { class: "sim-error", text: message })); }
  if (!calls.length) { root.appendChild(el("p", { class: "muted sim-empty", text: t.no_calls })); return; }
  var live = calls.filter(function (c) { return ["queued", "dialling", "ringing", "answered"].indexOf(c.state) >= 0; });
  var ended = calls.filter(function (c) { return live.indexOf(c) < 0; });
  root.appendChild(el("div", { class: "phones" }, live.map(function (c) { return phone(c, act); })));
  if (ended.length) {
    root.appendChild(el("h2", { text: t.recent }));
    root.appendChild(el("div", { class: "phones phones-ended" }, ended.map(function (c) { return phone(c, act); })));
  }
  live.forEach(function (c) {
    if (c.state === "dialling" && !rung[c.id]) { rung[c.id] = true; act(c.id, "ring"); }
  });
}

function refresh() {
  if (busy) { return Promise.resolve(); }
  return fetch(callsUrl, { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.json(); })
    .then(render)
    .catch(function () { /* the next poll retries */ });
}

refresh();
setInterval(refresh, 1000);
