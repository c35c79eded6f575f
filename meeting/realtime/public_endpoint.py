"""The public screens' own Engine.IO endpoint: /socket.io-public/, pinged every 25 s, not 5 s.

Engine.IO pings every socket of a server at that server's one interval. Tablets and consoles
need 5 s (the stage notices a dead tablet within seconds); projectors, viewers and overlays are
receive-only and at 10,000 phones a 5 s ping costs each socket a ping green thread, a writer
wake-up and a pong through its reader every 5 s: most of the server's idle CPU (issue #13).
So the public screens connect to a second python-socketio server on another path of the same
app (Flask-SocketIO's `path` option), with SOCKETIO_PUBLIC_PING_*. It serves only what a public
screen asks: connect (join the meeting's public room, get the current frame) and sync.
/socket.io/ still accepts public roles, so an old page keeps working.

Rooms and sids belong to one server; `flask_socketio.join_room` and the module-level helpers
act on the app's main server, so this module calls its own server directly.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, request
from flask_socketio import ConnectionRefusedError

from meeting.audience import Audience
from meeting.extensions import db, public_socketio
from meeting.messages import text
from meeting.realtime import broadcast, room_index
from meeting.realtime.principal import AuthError, Principal, resolve

log = logging.getLogger("minkao.realtime")

PATH = "socket.io-public"  # static/js/socket.js connects the public roles here

# Public principals by sid, of this server only (its sids are not the main server's).
_principals: dict[str, Principal] = {}


def init_app(app: Flask, **options: Any) -> None:
    """Bind the public server to the app; call before the main socketio.init_app (see below).

    `options` are the main server's (async mode, queue, json); the ping and the channel are
    this endpoint's own. Flask-SocketIO records the last bound instance as the app's
    `extensions['socketio']`, which its module-level helpers use: that must stay the main one.
    """
    channel = options.pop("channel", "minkao")
    options.pop("ping_interval", None)
    options.pop("ping_timeout", None)
    options = room_index.with_manager({**options, "channel": f"{channel}-public"})
    public_socketio.init_app(app, path=PATH, ping_interval=app.config["SOCKETIO_PUBLIC_PING_INTERVAL"],
                             ping_timeout=app.config["SOCKETIO_PUBLIC_PING_TIMEOUT"], **options)
    if not public_socketio.handlers:  # bound once: init_app re-binds them to each new server
        public_socketio.on_event("connect", on_connect)
        public_socketio.on_event("disconnect", on_disconnect)
        public_socketio.on_event("sync", on_sync)


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": text(code)}}


def on_connect(auth: Any = None) -> None:
    """A public screen: join its meeting's public room and get the current frame."""
    audience = Audience.parse(auth.get("role")) if isinstance(auth, dict) else None
    if audience is None or not audience.is_public:
        raise ConnectionRefusedError("this endpoint serves public screens only")
    try:
        principal = resolve(auth)
    except AuthError as exc:
        raise ConnectionRefusedError(str(exc)) from None
    finally:
        db.remove()
    _principals[request.sid] = principal
    public_socketio.server.enter_room(request.sid, broadcast.room(principal.meeting_id, "public"))
    broadcast.send_public(principal.meeting_id, request.sid, public_socketio)
    db.remove()


def on_disconnect(*_args: Any) -> None:
    """Forget the connection."""
    _principals.pop(request.sid, None)


def on_sync(*_args: Any) -> dict[str, Any]:
    """The screen saw a newer seq in a heartbeat (or came back): resend the current frame."""
    principal = _principals.get(request.sid)
    if principal is None:
        return _error("not_connected")
    try:
        frame = broadcast.send_public(principal.meeting_id, request.sid, public_socketio)
        return {"ok": True, "seq": frame["seq"]}
    except Exception:  # noqa: BLE001 — the screen still gets an answer; the log gets the trace
        log.exception("public sync failed")
        return _error("server_error")
    finally:
        db.remove()
