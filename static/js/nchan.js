/* Minkao public live client over Nchan (docs/PROTOCOL.md "The public pages over Nchan").
 *
 * The same surface the screens use from Live (socket.js) — onState, onStatus, onHeartbeat, seq,
 * state, connected, serverNow(), secondsSinceUpdate(), sync() — but receive-only: nginx with the
 * Nchan module fans the public snapshots out, the app is never reached. Every message is a JSON
 * envelope {"event": "state"|"heartbeat", "data": …}; anything else is ignored.
 *
 * Transports in the configured order: plain WebSocket (no Socket.IO framing), EventSource, then
 * Nchan long-poll (walking the channel with Last-Modified/Etag). A transport that never opens
 * gives way to the next; one that opened and dropped is re-opened with back-off (300 ms → 2 s,
 * like socket.js). Every (re-)open is a fresh subscription: Nchan sends the newest state first, so
 * a resync — a heartbeat newer than our state — is simply close and re-open. That first state is
 * the one Nchan kept, with the cause and server_time of its publication (maybe hours ago): it is
 * handed on as a sync, like socket.js's connect/sync replies (no draw animation replayed), and
 * the clock waits for the next heartbeat.
 */

const KINDS = ["websocket", "eventsource", "longpoll"];
const DELAY_MIN_MS = 300;
const DELAY_MAX_MS = 2000;
// A resync is a re-open; while one is under way, further newer heartbeats must not restart it.
// One that did not bring the announced state (Nchan does not have it yet) doubles the wait before
// the next, up to a minute: a whole audience must not re-subscribe on every heartbeat.
const RESYNC_QUIET_MS = 2000;
const RESYNC_MAX_MS = 60000;
// An open meeting beats every 5 s. A subscription silent for this long while the meeting is open
// is dead without the browser knowing (a NAT dropped it, the phone changed networks): re-open it,
// as socket.io's ping timeout does for socket.js. A closed meeting no longer beats: left alone.
const SILENT_MS = 30000;
const WATCH_EVERY_MS = 5000;
const OPEN_STATUSES = ["setup", "live"];

/** The absolute ws(s):// address of an http(s) or relative subscriber URL. */
export function websocketUrl(url, base) {
  const u = new URL(url, base || window.location.href);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  return u.toString();
}

/** The envelope of a message body, or null when it is not one we know. */
export function parseEnvelope(text) {
  let m;
  try { m = JSON.parse(text); } catch (e) { return null; }
  if (!m || typeof m !== "object" || !m.data || typeof m.data !== "object") { return null; }
  return m.event === "state" || m.event === "heartbeat" ? m : null;
}

export class NchanLive {
  /** opts: url (subscriber URL of the meeting's channel), order?, onState(state, cause),
   * onStatus(status, detail), onHeartbeat(beat) */
  constructor(opts) {
    this.opts = opts;
    this.order = (opts.order || KINDS).filter((k) => KINDS.indexOf(k) >= 0);
    if (!this.order.length) { this.order = KINDS.slice(); }
    this.seq = -1;
    this.state = null;
    this.lastMessageAt = 0;
    this.clockOffsetMs = 0;
    this.connected = false;
    this.kind = null;        // the transport in use (tests and the status line read it)
    this._index = 0;
    this._delay = DELAY_MIN_MS;
    this._generation = 0;    // bumped on every close: callbacks of an old transport are ignored
    this._closer = null;
    this._timer = null;
    this._resyncAt = 0;
    this._resyncQuiet = RESYNC_QUIET_MS;
    this._resyncFor = -1;    // the heartbeat seq the last resync was for
    this._first = true;      // the next state is the first of this subscription: the kept one
    this._worked = false;    // a transport opened on this page: from then on it is only retried
    this._openedAt = 0;
    this._watcher = window.setInterval(() => this._watch(), WATCH_EVERY_MS);
    this._open();
  }

  _status(status, detail) { if (this.opts.onStatus) { this.opts.onStatus(status, detail); } }

  _clock(serverTime) {
    if (!serverTime) { return; }
    const t = Date.parse(serverTime);
    if (!isNaN(t)) { this.clockOffsetMs = t - Date.now(); }
  }

  _open() {
    this._timer = null;
    this._first = true;
    const gen = ++this._generation;
    const kind = this.order[this._index];
    this.kind = kind;
    const live = (fn) => (arg) => { if (gen === this._generation) { fn(arg); } };
    const hooks = {
      opened: live(() => this._opened()),
      message: live((text) => this._message(text)),
      failed: live((detail) => this._failed(detail))
    };
    const open = { websocket: openWebSocket, eventsource: openEventSource, longpoll: openLongPoll }[kind];
    try {
      this._closer = open(this.opts.url, hooks);
    } catch (e) {
      // Reported on the next turn, never from inside the constructor: a page's handlers may read
      // the client before `new` has returned it (viewer.js's status line does).
      this._closer = null;
      window.setTimeout(() => hooks.failed(String(e)), 0);
    }
  }

  _opened() {
    this._openedAt = Date.now();
    this._worked = true;
    this._delay = DELAY_MIN_MS;
    this.connected = true;
    this._status("online");
  }

  _message(text) {
    const env = parseEnvelope(text);
    if (!env) { return; }
    if (env.event === "state") { this._onState(env.data); } else { this._onHeartbeat(env.data); }
  }

  _onState(state) {
    this.lastMessageAt = Date.now();
    const kept = this._first;
    this._first = false;
    if (typeof state.seq !== "number" || state.seq < this.seq) { return; }
    if (!kept) { this._clock(state.server_time); }
    this.seq = state.seq;
    this.state = state;
    if (state.seq >= this._resyncFor) { this._resyncQuiet = RESYNC_QUIET_MS; }
    const cause = kept ? { type: "sync", seq: state.seq } : (state.cause || null);
    if (this.opts.onState) { this.opts.onState(state, cause); }
  }

  _onHeartbeat(beat) {
    this.lastMessageAt = Date.now();
    this._clock(beat.server_time);
    if (typeof beat.seq === "number" && beat.seq > this.seq && Date.now() - this._resyncAt > this._resyncQuiet) {
      if (this._resyncFor > this.seq) { this._resyncQuiet = Math.min(this._resyncQuiet * 2, RESYNC_MAX_MS); }
      this._resyncFor = beat.seq;
      this.sync();
    }
    if (this.opts.onHeartbeat) { this.opts.onHeartbeat(beat); }
  }

  _failed(detail) {
    this._close();
    this.connected = false;
    this._status("offline", detail);
    // A transport that has never opened on this page gives way to the next one (after the last,
    // start again); one that has worked here is only retried: nginx being away for a moment
    // must not push the page down to long-poll.
    if (!this._worked) {
      this._index = (this._index + 1) % this.order.length;
      if (this._index !== 0) { this._open(); return; }
    }
    this._timer = window.setTimeout(() => this._open(), this._delay);
    this._delay = Math.min(this._delay * 2, DELAY_MAX_MS);
  }

  /** Re-open a subscription that has been silent too long while the meeting is open. */
  _watch() {
    if (!this.connected || !this.state || !this.state.meeting) { return; }
    if (OPEN_STATUSES.indexOf(this.state.meeting.status) < 0) { return; }
    const last = Math.max(this.lastMessageAt, this._openedAt);
    if (Date.now() - last > SILENT_MS) { this._failed("silent for " + SILENT_MS / 1000 + " s"); }
  }

  _close() {
    this._generation++;
    if (this._timer) { window.clearTimeout(this._timer); this._timer = null; }
    const c = this._closer;
    this._closer = null;
    if (c) { try { c(); } catch (e) { /* already closed */ } }
  }

  /** Server time now, as milliseconds since the epoch (for timers shared by all screens). */
  serverNow() { return Date.now() + this.clockOffsetMs; }

  /** Seconds since the last message (state or heartbeat), or null before any. */
  secondsSinceUpdate() {
    return this.lastMessageAt ? Math.floor((Date.now() - this.lastMessageAt) / 1000) : null;
  }

  /** Resync: close and re-open the subscription on the same transport (the newest state comes
   * first). Resolves at once with {ok: true}: there is no server to acknowledge it. */
  sync() {
    this._resyncAt = Date.now();
    this._close();
    this._open();
    return Promise.resolve({ ok: true });
  }

  /** Stop for good (a page being left). */
  close() { this._close(); window.clearInterval(this._watcher); this.connected = false; }
}

/* Each opener starts one subscription and returns a function that ends it; it reports through
 * hooks.opened(), hooks.message(text) and hooks.failed(detail) — once failed, it is done. */

function openWebSocket(url, hooks) {
  if (typeof window.WebSocket !== "function") { throw new Error("no WebSocket"); }
  const ws = new window.WebSocket(websocketUrl(url));
  ws.onopen = () => hooks.opened();
  ws.onmessage = (ev) => { if (typeof ev.data === "string") { hooks.message(ev.data); } };
  ws.onclose = (ev) => hooks.failed("websocket closed " + ev.code);
  return () => { ws.onclose = ws.onmessage = ws.onopen = null; ws.close(); };
}

function openEventSource(url, hooks) {
  if (typeof window.EventSource !== "function") { throw new Error("no EventSource"); }
  const es = new window.EventSource(new URL(url, window.location.href).toString());
  es.onopen = () => hooks.opened();
  es.onmessage = (ev) => hooks.message(ev.data);
  // The browser would retry by itself with Last-Event-ID; we re-open fresh instead, to get the
  // newest state first and to share the back-off and the fallback with the other transports.
  es.onerror = () => hooks.failed("eventsource error");
  return () => { es.onerror = es.onmessage = es.onopen = null; es.close(); };
}

function openLongPoll(url, hooks) {
  const abort = new AbortController();
  const target = new URL(url, window.location.href).toString();
  let lastModified = null;
  let etag = null;
  let opened = false;
  async function poll() {
    for (;;) {
      const headers = { Accept: "text/plain, application/json" };
      if (lastModified) { headers["If-Modified-Since"] = lastModified; }
      if (etag) { headers["If-None-Match"] = etag; }
      let res;
      try {
        res = await fetch(target, { headers, cache: "no-store", credentials: "omit", signal: abort.signal });
      } catch (e) {
        if (!abort.signal.aborted) { hooks.failed("longpoll " + e); }
        return;
      }
      // 408: Nchan's subscriber timeout with nothing new: ask again. 304 (interval-poll, a
      // location without long-poll): nothing newer yet; wait a little rather than spin.
      if (res.status === 408 || res.status === 304) {
        if (!opened) { opened = true; hooks.opened(); }
        if (res.status === 304 && !(await pause(DELAY_MAX_MS, abort.signal))) { return; }
        continue;
      }
      if (res.status !== 200) { hooks.failed("longpoll status " + res.status); return; }
      const text = await res.text().catch(() => null);
      if (abort.signal.aborted) { return; }
      if (text === null) { hooks.failed("longpoll read"); return; }
      if (!opened) { opened = true; hooks.opened(); }
      lastModified = res.headers.get("Last-Modified") || lastModified;
      etag = res.headers.get("Etag") || etag;
      hooks.message(text);
    }
  }
  poll();
  return () => abort.abort();
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const t = window.setTimeout(() => resolve(true), ms);
    signal.addEventListener("abort", () => { window.clearTimeout(t); resolve(false); }, { once: true });
  });
}
