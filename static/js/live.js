/* Minkao live client, shared by every screen.
 *
 * One Socket.IO connection per screen. The server sends a full `state` snapshot on connect and
 * after every committed change; a screen simply re-renders from the newest snapshot. Snapshots
 * older than the one shown (late delivery) are ignored. A `heartbeat` carrying a newer seq than
 * ours means we missed something: ask for `sync`. Requests are acknowledged by the server:
 * {ok: true, ...} or {ok: false, error: {code, message}}.
 */
(function () {
  "use strict";

  function MinkaoLive(opts) {
    var self = this;
    self.opts = opts;
    self.seq = -1;
    self.state = null;
    self.lastMessageAt = 0;
    self.clockOffsetMs = 0;
    self.connected = false;
    self.socket = io({
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
      timeout: 8000,
      auth: function (cb) { cb(self.authPayload()); }
    });
    var s = self.socket;
    s.on("connect", function () { self.connected = true; self._status("online"); });
    s.on("disconnect", function () { self.connected = false; self._status("offline"); });
    s.on("connect_error", function (err) {
      self.connected = false;
      self._status("offline", err && err.message);
      // A refused log-in (bad token, no session) will not fix itself by retrying.
      if (err && err.message && !/timeout|websocket error|xhr poll/i.test(err.message)) {
        if (opts.onRefused) { opts.onRefused(err.message); }
      }
    });
    s.on("state", function (state) { self._onState(state); });
    s.on("heartbeat", function (beat) {
      self.lastMessageAt = Date.now();
      self._clock(beat.server_time);
      if (beat.seq > self.seq) { self.sync(); }
      if (opts.onHeartbeat) { opts.onHeartbeat(beat); }
    });
  }

  MinkaoLive.prototype.authPayload = function () {
    var a = { meeting: this.opts.meeting, role: this.opts.role };
    if (this.opts.token) { a.token = this.opts.token; }
    if (this.opts.pin) { a.pin = this.opts.pin; }
    return a;
  };

  MinkaoLive.prototype._status = function (status, detail) {
    if (this.opts.onStatus) { this.opts.onStatus(status, detail); }
  };

  MinkaoLive.prototype._clock = function (serverTime) {
    if (!serverTime) { return; }
    var t = Date.parse(serverTime);
    if (!isNaN(t)) { this.clockOffsetMs = t - Date.now(); }
  };

  MinkaoLive.prototype._onState = function (state) {
    this.lastMessageAt = Date.now();
    if (state.seq < this.seq) { return; }
    this._clock(state.server_time);
    this.seq = state.seq;
    this.state = state;
    if (this.opts.onState) { this.opts.onState(state, state.cause || null); }
  };

  /** Server time now, as milliseconds since the epoch (for timers shared by all screens). */
  MinkaoLive.prototype.serverNow = function () { return Date.now() + this.clockOffsetMs; };

  /** Seconds since the last message (state or heartbeat) from the server. */
  MinkaoLive.prototype.secondsSinceUpdate = function () {
    return this.lastMessageAt ? Math.floor((Date.now() - this.lastMessageAt) / 1000) : null;
  };

  /** Emit with an acknowledgement; resolves with the ack, or {ok:false, error:{code:"timeout"}}. */
  MinkaoLive.prototype.request = function (event, data, timeoutMs) {
    var s = this.socket;
    return new Promise(function (resolve) {
      if (!s.connected) {
        resolve({ ok: false, error: { code: "offline", message: "offline" } });
        return;
      }
      s.timeout(timeoutMs || 10000).emit(event, data, function (err, ack) {
        if (err) { resolve({ ok: false, error: { code: "timeout", message: "no answer from the server" } }); }
        else { resolve(ack); }
      });
    });
  };

  MinkaoLive.prototype.perform = function (action, params) {
    return this.request("perform", { action: action, params: params || {} });
  };

  MinkaoLive.prototype.sync = function () { return this.request("sync", {}); };

  window.MinkaoLive = MinkaoLive;
})();
