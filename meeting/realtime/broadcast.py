"""The one place that knows Socket.IO rooms. Called only after a transaction has committed."""
from __future__ import annotations

from typing import Any

from meeting.extensions import db, socketio


def room(meeting_id: int, audience: str, juror_id: int | None = None) -> str:
    """Room name: one per meeting and audience, plus one per juror for private replies."""
    if juror_id is not None:
        return f"m{meeting_id}:juror:{juror_id}"
    return f"m{meeting_id}:{audience}"


def rooms_for(meeting_id: int, audience: str, juror_id: int | None = None) -> list[str]:
    """Every room a connection of this audience joins."""
    if audience in ("projector", "viewer", "overlay"):
        return [room(meeting_id, "public")]
    if audience == "juror":
        return [room(meeting_id, "jurors"), room(meeting_id, "juror", juror_id)]
    return [room(meeting_id, "moderator")]


def publish(meeting_id: int, cause: dict[str, Any] | None = None) -> None:
    """Send every audience of the meeting its fresh snapshot.

    One snapshot is built per audience (not per client), from the database, so what a
    screen shows is always what was committed. `cause` ({type, seq}) lets screens animate.
    """
    from meeting.services.snapshot import build_state

    session = db.session
    session.expire_all()
    for audience, target in (("moderator", "moderator"), ("juror", "jurors"), ("viewer", "public")):
        state = build_state(session, meeting_id, audience)
        state["cause"] = cause
        socketio.emit("state", state, to=room(meeting_id, target))


def send_state(meeting_id: int, audience: str, to: str, juror_id: int | None = None) -> dict[str, Any]:
    """Send one client (by sid) the snapshot for its audience; returns it too."""
    from meeting.services.snapshot import build_state

    state = build_state(db.session, meeting_id, audience, juror_id=juror_id)
    state["cause"] = {"type": "sync", "seq": state["seq"]}
    socketio.emit("state", state, to=to)
    return state


def heartbeat(meeting_id: int, seq: int, server_time: str) -> None:
    """A small periodic beat so screens can show 'last update N s ago' and notice missed seqs."""
    payload = {"meeting": meeting_id, "seq": seq, "server_time": server_time}
    for target in ("public", "jurors", "moderator"):
        socketio.emit("heartbeat", payload, to=room(meeting_id, target))
