/* Juror tablet: ballots waiting for the server's acknowledgement, kept on the device.
 *
 * A submission is written to localStorage (keyed by the juror's token) BEFORE it is sent, with
 * its own client_msg_id. It leaves the outbox only when the server answers: ok (stored, or a
 * duplicate of a message it already stored) or a definite refusal (scoring closed, bad score,
 * too many revisions…).
 * No answer (offline, timeout, server error) keeps it, and it is resent with the same id on
 * reconnect or on the next retry tick; the server counts one id once. Items go out one at a
 * time, oldest first, so a revision made offline still ends up as the newest version.
 */
// Answers that say nothing about the ballot: try again later with the same message id.
// too_many_submissions: this connection sent too fast (docs/LIMITS.md); nothing was stored.
var TRANSIENT = { timeout: true, offline: true, not_connected: true, server_error: true,
                  too_many_submissions: true };

function memoryStore() {
  var data = {};
  return {
    getItem: function (k) { return Object.prototype.hasOwnProperty.call(data, k) ? data[k] : null; },
    setItem: function (k, v) { data[k] = String(v); },
    removeItem: function (k) { delete data[k]; }
  };
}

function pickStore() {
  try {
    var probe = "minkao.probe";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch (e) {
    return memoryStore();   // private mode or storage disabled: still works until a reload
  }
}

/** A message id the server accepts ([A-Za-z0-9_.:-]{1,64}); randomUUID needs https, so not used. */
export function newMessageId() {
  var bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) {
    window.crypto.getRandomValues(bytes);
  } else {
    for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
  }
  var hex = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  return "b-" + Date.now().toString(36) + "-" + hex;
}

export function Outbox(token, live, handlers) {
  this.store = pickStore();
  this.key = "minkao.juror." + token + ".outbox";
  this.draftKey = "minkao.juror." + token + ".draft";
  this.live = live;
  this.handlers = handlers || {};
  this.sending = false;
}

Outbox.prototype._read = function (key, fallback) {
  try {
    var raw = this.store.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch (e) {
    return fallback;
  }
};

Outbox.prototype._write = function (key, value) {
  try {
    this.store.setItem(key, JSON.stringify(value));
    return true;
  } catch (e) {
    return false;
  }
};

/** Waiting items, oldest first. */
Outbox.prototype.items = function () {
  var list = this._read(this.key, []);
  return Array.isArray(list) ? list : [];
};

Outbox.prototype.forRound = function (roundId) {
  return this.items().filter(function (it) { return it.round_id === roundId; });
};

/** Keep a new submission on the device; returns the stored item. */
Outbox.prototype.add = function (roundId, scores, total) {
  var item = { client_msg_id: newMessageId(), round_id: roundId, scores: scores, total: total,
               created_at: new Date().toISOString() };
  var list = this.items();
  list.push(item);
  this._write(this.key, list);
  return item;
};

Outbox.prototype.remove = function (msgId) {
  this._write(this.key, this.items().filter(function (it) { return it.client_msg_id !== msgId; }));
};

/** The juror's unsent choices for a round survive a reload too. */
Outbox.prototype.saveDraft = function (roundId, scores) {
  this._write(this.draftKey, { round_id: roundId, scores: scores });
};

Outbox.prototype.draft = function (roundId) {
  var d = this._read(this.draftKey, null);
  return d && d.round_id === roundId ? d.scores : null;
};

/** Send every waiting item, one at a time; stops at the first answer-less failure. */
Outbox.prototype.flush = function () {
  var self = this;
  if (self.sending || !self.live || !self.live.connected) {
    self._changed();
    return;
  }
  var next = function () {
    var item = self.items()[0];
    if (!item || !self.live.connected) {
      self.sending = false;
      self._changed();
      return;
    }
    var payload = { round_id: item.round_id, scores: item.scores, client_msg_id: item.client_msg_id };
    self.live.request("submit_ballot", payload, 8000).then(function (ack) {
      if (ack && ack.ok) {
        self.remove(item.client_msg_id);
        if (self.handlers.onAck) { self.handlers.onAck(item, ack.ballot); }
        next();
      } else {
        var error = (ack && ack.error) || { code: "server_error", message: "" };
        if (TRANSIENT[error.code]) {
          self.sending = false;
          self._changed();
          return;
        }
        self.remove(item.client_msg_id);
        if (self.handlers.onRefused) { self.handlers.onRefused(item, error); }
        next();
      }
    });
  };
  self.sending = true;
  self._changed();
  next();
};

Outbox.prototype._changed = function () {
  if (this.handlers.onChange) { this.handlers.onChange(); }
};
