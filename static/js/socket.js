/* Minkao live client, shared by every page that follows the meeting.
 *
 * One Socket.IO connection per page. The server sends a full `state` snapshot on connect and
 * after every committed change; a page simply re-renders from the newest snapshot. Snapshots
 * older than the one shown (late delivery) are ignored. A `heartbeat` carrying a newer seq than
 * ours means we missed something: ask for `sync`. Requests are acknowledged by the server:
 * {ok: true, ...} or {ok: false, error: {code, message}}.
 */
import { io } from "./io.js";

// Receive-only screens use the server's public endpoint (meeting/realtime/public_endpoint.py):
// pinged every 25 s instead of the tablets' 5 s, which is most of a large audience's idle cost.
const PUBLIC_ROLES = ["projector", "viewer", "overlay"];
export const PUBLIC_PATH = "/socket.io-public/";

export function socketPath(role) { return PUBLIC_ROLES.indexOf(role) >= 0 ? PUBLIC_PATH : "/socket.io/"; }

// Connection errors that retrying can fix; anything else is a refused log-in.
const TRANSIENT = /timeout|websocket error|xhr poll/i;

export function isTransientError(message) { return TRANSIENT.test(message || ""); }

export class Live {
  /** opts: meeting, role, token?, pin?, onState(state, cause), onStatus(status, detail), onHeartbeat(beat), onRefused(message) */
  constructor(opts) {
    this.opts = opts;
    this.seq = -1;
    this.state = null;
    this.lastMessageAt = 0;
    this.clockOffsetMs = 0;
    this.connected = false;
    this.socket = io({
      path: socketPath(opts.role),
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
      timeout: 8000,
      auth: (cb) => cb(this.authPayload())
    });
    const s = this.socket;
    s.on("connect", () => { this.connected = true; this._status("online"); });
    s.on("disconnect", () => { this.connected = false; this._status("offline"); });
    s.on("connect_error", (err) => {
      this.connected = false;
      this._status("offline", err && err.message);
      // A refused log-in (bad token, no session) will not fix itself by retrying.
      if (err && err.message && !isTransientError(err.message) && opts.onRefused) { opts.onRefused(err.message); }
    });
    s.on("state", (state) => this._onState(state));
    s.on("heartbeat", (beat) => {
      this.lastMessageAt = Date.now();
      this._clock(beat.server_time);
      if (beat.seq > this.seq) { this.sync(); }
      if (opts.onHeartbeat) { opts.onHeartbeat(beat); }
    });
  }

  authPayload() {
    const a = { meeting: this.opts.meeting, role: this.opts.role };
    if (this.opts.token) { a.token = this.opts.token; }
    if (this.opts.pin) { a.pin = this.opts.pin; }
    return a;
  }

  _status(status, detail) { if (this.opts.onStatus) { this.opts.onStatus(status, detail); } }

  _clock(serverTime) {
    if (!serverTime) { return; }
    const t = Date.parse(serverTime);
    if (!isNaN(t)) { this.clockOffsetMs = t - Date.now(); }
  }

  _onState(state) {
    this.lastMessageAt = Date.now();
    if (state.seq < this.seq) { return; }
    this._clock(state.server_time);
    this.seq = state.seq;
    this.state = state;
    if (this.opts.onState) { this.opts.onState(state, state.cause || null); }
  }

  /** Server time now, as milliseconds since the epoch (for timers shared by all screens). */
  serverNow() { return Date.now() + this.clockOffsetMs; }

  /** Seconds since the last message (state or heartbeat) from the server, or null before any. */
  secondsSinceUpdate() {
    return this.lastMessageAt ? Math.floor((Date.now() - this.lastMessageAt) / 1000) : null;
  }

  /** Emit with an acknowledgement; resolves with the ack, or {ok:false, error:{code:"timeout"}}. */
  request(event, data, timeoutMs) {
    const s = this.socket;
    return new Promise((resolve) => {
      if (!s.connected) {
        resolve({ ok: false, error: { code: "offline", message: "offline" } });
        return;
      }
      s.timeout(timeoutMs || 10000).emit(event, data, (err, ack) => {
        if (err) { resolve({ ok: false, error: { code: "timeout", message: "no answer from the server" } }); }
        else { resolve(ack); }
      });
    });
  }

  perform(action, params) { return this.request("perform", { action, params: params || {} }); }

  sync() { return this.request("sync", {}); }
}
