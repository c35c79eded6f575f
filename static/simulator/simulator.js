/* Household simulator: polls the simulated calls and sends the phone's buttons.
 *
 * The server is authoritative: after every button the list is re-read, and a reload shows the
 * same phones. A call still "dialling" is rung once automatically (the handset rings).
 */
(function () {
  "use strict";

  var t = window.I18N || {};
  var root = document.getElementById("sim-calls");
  var callsUrl = root.getAttribute("data-calls-url");
  var actUrl = root.getAttribute("data-act-url");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
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
        message = out.ok ? "" : String(t.error || "{why}").replace("{why}", (out.error && out.error.message) || "?");
      })
      .catch(function (e) { message = String(e); })
      .then(function () { busy = false; return refresh(); });
  }

  function render(data) {
    var E = window.SimPhone.el;
    var calls = data.calls || [];
    root.replaceChildren();
    if (message) { root.appendChild(E("p", "sim-error", message)); }
    if (!calls.length) { root.appendChild(E("p", "muted sim-empty", t.no_calls)); return; }
    var live = calls.filter(function (c) { return ["queued", "dialling", "ringing", "answered"].indexOf(c.state) >= 0; });
    var ended = calls.filter(function (c) { return live.indexOf(c) < 0; });
    root.appendChild(E("div", "phones", null, live.map(function (c) { return window.SimPhone.phone(c, act); })));
    if (ended.length) {
      root.appendChild(E("h2", null, t.recent));
      root.appendChild(E("div", "phones phones-ended", null, ended.map(function (c) { return window.SimPhone.phone(c, act); })));
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
})();
