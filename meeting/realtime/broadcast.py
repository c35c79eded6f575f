"""The one place that knows Socket.IO rooms. Called only after a transaction has committed."""
from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app

from meeting.audience import Audience
from meeting.extensions import db, socketio
from meeting.realtime import frames, nchan
from meeting.services.live import freshness
from meeting.services.live.snapshot import build_state

log = logging.getLogger("minkao.realtime")

# Each audience's broadcast room, by the snapshot it is sent: one per meeting and group.
_GROUP_ROOMS: dict[Audience, str] = {Audience.MODERATOR: "moderator", Audience.JUROR: "jurors",
                                     Audience.VIEWER: "public"}


def room(meeting_id: int, group: str, juror_id: int | None = None) -> str:
    """Room name: one per meeting and broadcast group, plus one per juror for private replies."""
    if juror_id is not None:
        return f"m{meeting_id}:juror:{juror_id}"
    return f"m{meeting_id}:{group}"


def rooms_for(meeting_id: int, audience: Audience, juror_id: int | None = None) -> list[str]:
    """Every room a connection of this audience joins."""
    rooms = [room(meeting_id, _GROUP_ROOMS[audience.snapshot])]
    if audience is Audience.JUROR:
        rooms.append(room(meeting_id, "juror", juror_id))
    return rooms


_lock = threading.Lock()  # green under eventlet (monkey-patched), a real lock otherwise
_pending: dict[int, list[dict[str, Any]]] = {}
_running: set[int] = set()


def publish(meeting_id: int, cause: dict[str, Any] | None = None) -> None:
    """Schedule every audience of the meeting to get its fresh snapshot; returns at once.

    Bursts coalesce: while a meeting's snapshots are being built, further causes are queued and
    served by one more build that includes all of them (30 jurors submitting at once cost a
    few builds, not 30). Snapshots are built from the database after the caller's commit.
    """
    if current_app.config.get("BROADCAST_INLINE"):
        # Tests without a server: emit now, in this thread, so no publisher thread outlives the
        # test and races the table clean-up.
        emit_states(meeting_id, [cause or {}])
        return
    with _lock:
        _pending.setdefault(meeting_id, []).append(cause or {})
        if meeting_id in _running:
            return
        _running.add(meeting_id)
    socketio.start_background_task(_publisher, current_app._get_current_object(), meeting_id)


def _publisher(app: Flask, meeting_id: int) -> None:
    with app.app_context():
        while True:
            with _lock:
                causes = _pending.pop(meeting_id, None)
                if not causes:
                    _running.discard(meeting_id)
                    return
            try:
                emit_states(meeting_id, causes)
            except Exception:  # noqa: BLE001 — the next change or a client's sync will catch up
                log.exception("broadcast for meeting %s failed", meeting_id)
            finally:
                db.remove()


def emit_states(meeting_id: int, causes: list[dict[str, Any]]) -> None:
    """Build each broadcast group's snapshot once and send it to that group's room, now.

    `cause` is the newest change, `causes` all those this snapshot covers (screens animate on
    e.g. cadre_drawn even when it was coalesced with a later change). The public snapshot is
    built and encoded once (realtime/frames.py) and that one text goes to the public room, to the
    jurors' room (their broadcast is the public view; their own ballot comes in acks and in
    connect/sync snapshots) and to every public connect until the next change. The moderators'
    is built once too; python-socketio encodes a room emit once for all its members.
    """
    cause = causes[-1]
    generation = freshness.generation()  # before reading: a commit during the build outdates the frame
    public = frames.make(meeting_id, build_state(db.session, meeting_id, Audience.VIEWER), generation)
    moderator = build_state(db.session, meeting_id, Audience.MODERATOR)
    moderator["cause"], moderator["causes"] = cause, causes
    socketio.emit("state", moderator, to=room(meeting_id, _GROUP_ROOMS[Audience.MODERATOR]))
    socketio.emit("state", public.payload(cause, causes, Audience.JUROR),
                  to=room(meeting_id, _GROUP_ROOMS[Audience.JUROR]))
    socketio.emit("state", public.payload(cause, causes), to=room(meeting_id, _GROUP_ROOMS[Audience.VIEWER]))
    nchan.publisher().publish_state(meeting_id, public.payload(cause, causes).text, public.seq)


def send_state(meeting_id: int, audience: Audience, to: str, juror_id: int | None = None) -> dict[str, Any]:
    """Send one client (by sid) the snapshot for its audience; returns it too (never mutate it).

    A public screen gets the current public frame: no database work when it is current. The
    client is connected to this process, so the message skips the queue (python-socketio's
    `ignore_queue`, meant for a single addressee) and the encoded frame goes out as it is.
    """
    if audience.is_public:
        frame = frames.public_frame(meeting_id)
        socketio.emit("state", frame.payload({"type": "sync", "seq": frame.seq}), to=to, ignore_queue=True)
        return frame.state
    state = build_state(db.session, meeting_id, audience.snapshot, juror_id=juror_id)
    state["cause"] = {"type": "sync", "seq": state["seq"]}
    socketio.emit("state", state, to=to)
    return state


def to_moderators(meeting_id: int, event: str, payload: dict[str, Any], to: str | None = None) -> None:
    """Send a staff-only message (e.g. juror presence) to the meeting's moderators, or to one of them by sid."""
    socketio.emit(event, payload, to=to or room(meeting_id, _GROUP_ROOMS[Audience.MODERATOR]))


def heartbeat(meeting_id: int, seq: int, server_time: str) -> None:
    """A small periodic beat so screens can show 'last update N s ago' and notice missed seqs."""
    payload = {"meeting": meeting_id, "seq": seq, "server_time": server_time}
    for group in _GROUP_ROOMS.values():
        socketio.emit("heartbeat", payload, to=room(meeting_id, group))
    nchan.publisher().publish_heartbeat(meeting_id, payload)
