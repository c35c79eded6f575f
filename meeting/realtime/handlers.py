"""Socket.IO handlers: check who is asking, parse, call one service, acknowledge, broadcast.

Every request is acknowledged with {"ok": true, …} or {"ok": false, "error": {code, message}};
a refused request changes nothing. Broadcasts happen only after the service committed.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from meeting.audience import Audience
from meeting.errors import Forbidden, UserError
from meeting.extensions import db
from meeting.messages import error_text, text
from meeting.realtime import broadcast, presence
from meeting.realtime.principal import AuthError, Principal, resolve
from meeting.realtime.ratelimit import SidBuckets
from meeting.services.live import ballots
from meeting.services.live import actions as live
from meeting.services.setup.moderators import require_moderator_of

log = logging.getLogger("minkao.realtime")

# Principals of this process's connections, by sid. Connections never move between processes.
_principals: dict[str, Principal] = {}

# Ballot submissions per connection: a burst of SUBMIT_BURST, then SUBMIT_RATE a second
# (docs/LIMITS.md). Checked here, before the service, so a flood never reaches the database;
# the tablet's outbox sends one ballot at a time and resends a refused one later (same id).
SUBMIT_RATE, SUBMIT_BURST = 2.0, 5
submissions = SidBuckets(SUBMIT_RATE, SUBMIT_BURST)


def _error(code: str, message: str | None = None) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": text(code) if message is None else message}}


def _guard(fn: Callable[[Principal, Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """Map service errors to error acknowledgements; unexpected errors are logged and reported.

    The services roll back what they started; db.remove() at the end discards the session
    (and anything left in it) either way.
    """

    def wrapper(data: Any = None) -> dict[str, Any]:
        principal = _principals.get(request.sid)
        if principal is None:
            return _error("not_connected")
        try:
            return fn(principal, data)
        except UserError as exc:
            return _error(exc.code, error_text(exc))
        except Exception:  # noqa: BLE001 — the client still gets an answer; the log gets the trace
            log.exception("socket handler %s failed", fn.__name__)
            return _error("server_error")
        finally:
            db.remove()

    wrapper.__name__ = fn.__name__
    return wrapper


def on_connect(auth: Any = None) -> None:
    """Authenticate, join the audience's rooms, send the snapshot."""
    try:
        principal = resolve(auth)
    except AuthError as exc:
        db.remove()
        raise ConnectionRefusedError(str(exc)) from None
    _principals[request.sid] = principal
    for name in broadcast.rooms_for(principal.meeting_id, principal.audience, principal.juror_id):
        join_room(name)
    broadcast.send_state(principal.meeting_id, principal.audience, request.sid, principal.juror_id)
    db.remove()
    if principal.audience is Audience.JUROR:
        presence.joined(request.sid, principal.meeting_id, principal.juror_id)
    elif principal.audience is Audience.MODERATOR:
        presence.push(principal.meeting_id, to=request.sid)


def on_disconnect(*_args: Any) -> None:
    """Forget the connection (a juror's tablet is then reported by its last-seen time)."""
    _principals.pop(request.sid, None)
    submissions.forget(request.sid)
    presence.left(request.sid)


def on_alive(*_args: Any) -> dict[str, Any]:
    """A juror's tablet says it is still there (every few seconds): its last-seen time for the console."""
    return {"ok": presence.alive(request.sid)}


def _still_moderator(principal: Principal) -> None:
    """Asked again on every moderator request: a moderator unassigned mid-meeting is refused
    and taken out of the moderator rooms, so no more private state reaches that console."""
    try:
        require_moderator_of(db.session, principal.user_id, principal.meeting_id)
    except Forbidden:
        for name in broadcast.rooms_for(principal.meeting_id, principal.audience, principal.juror_id):
            leave_room(name)
        raise


@_guard
def on_sync(principal: Principal, _data: Any) -> dict[str, Any]:
    """A client saw a gap in seq (or came back): resend its full snapshot."""
    if principal.audience is Audience.MODERATOR:
        _still_moderator(principal)
    state = broadcast.send_state(principal.meeting_id, principal.audience, request.sid, principal.juror_id)
    return {"ok": True, "seq": state["seq"]}


@_guard
def on_perform(principal: Principal, data: Any) -> dict[str, Any]:
    """A moderator action: {action, params}."""
    if principal.audience is not Audience.MODERATOR:
        return _error("forbidden")
    if not isinstance(data, dict):
        return _error("bad_request")
    _still_moderator(principal)
    cause = live.perform(db.session, principal.meeting_id, data.get("action"), data.get("params"), principal.actor)
    broadcast.publish(principal.meeting_id, {"type": cause["type"], "seq": cause["seq"]})
    # A failed call reports ok: False in its cause; nothing else may turn an answer into ok.
    return {**cause, "ok": cause.get("ok", True) is True}


@_guard
def on_submit_ballot(principal: Principal, data: Any) -> dict[str, Any]:
    """A juror's ballot: {round_id, scores, client_msg_id}; acknowledged only once stored."""
    if principal.audience is not Audience.JUROR:
        return _error("forbidden")
    if not submissions.allow(request.sid):
        return _error("too_many_submissions")
    if not isinstance(data, dict):
        return _error("bad_request")
    receipt = ballots.submit_ballot(db.session, principal.meeting_id, principal.juror_id, data.get("round_id"),
                                    data.get("scores"), data.get("client_msg_id"))
    if not receipt.duplicate:
        broadcast.publish(principal.meeting_id, {"type": "ballot_received", "seq": receipt.seq})
    return {"ok": True, "ballot": receipt.to_json()}


def register(socketio: SocketIO) -> None:
    """Bind the handlers to the app's SocketIO object (create_app calls this; binding is idempotent)."""
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    socketio.on_event("sync", on_sync)
    socketio.on_event("alive", on_alive)
    socketio.on_event("perform", on_perform)
    socketio.on_event("submit_ballot", on_submit_ballot)
