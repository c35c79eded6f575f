"""The public snapshot, built once per change and encoded once, for every public screen.

A meeting with 10,000 phones open on the viewer page must not run the snapshot's queries for each
of them on every (re)connect. The public snapshot (projector, viewer and overlay all get the
viewer's, meeting/audience.py) is built once after each change, JSON-encoded once, and kept here
with the seq and the commit generation it was built at; the broadcast after the change, every
public connect and every public sync then send that same text. Only `server_time` (the screens
set their clock by it) and `cause` are spliced in front of the encoded body per message.

Current means: built after this process's newest commit (services/live/freshness.py), so a
connect with a current frame touches no database at all. With a message queue (several
processes), a change may come from another process: there the frame must also carry the stored
seq (one primary-key read per connect) and is rebuilt when it differs.

Juror and moderator snapshots are not cached: the juror's carries its own ballot, the
moderator's live telephony state and process-local presence.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app

from meeting.audience import Audience
from meeting.events_time import iso_now
from meeting.extensions import db
from meeting.services.live import freshness
from meeting.services.live.snapshot import build_state

# Keys that differ per message; everything else of the state is the shared encoded body.
_SPLICED = ("server_time", "cause", "causes", "audience")


class RawJSON:
    """Text that is already JSON: PacketJSON puts it into the Socket.IO packet as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class PacketJSON:
    """The JSON module given to python-socketio (its documented `json` option).

    Like the standard library's, except that a packet's argument that is RawJSON goes out
    verbatim (no second encoding). Anything else, e.g. a message-queue envelope holding a
    RawJSON, is encoded normally (the RawJSON decoded first: slower, still correct).
    """

    @staticmethod
    def dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
        """json.dumps, with RawJSON arguments of a packet inserted as they are."""
        if isinstance(obj, list) and any(isinstance(x, RawJSON) for x in obj):
            return "[" + ",".join(x.text if isinstance(x, RawJSON) else json.dumps(x, *args, **kwargs)
                                  for x in obj) + "]"
        return json.dumps(obj, *args, default=_decoded, **kwargs)

    loads = staticmethod(json.loads)


def _decoded(obj: Any) -> Any:
    if isinstance(obj, RawJSON):
        return json.loads(obj.text)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


@dataclass(frozen=True)
class Frame:
    """One built public snapshot: its seq, the state (shared: never mutate) and its encoded body."""

    seq: int
    generation: int
    state: dict[str, Any]
    body: str  # the state's JSON without the spliced keys, starting with "{"

    def payload(self, cause: dict[str, Any], causes: list[dict[str, Any]] | None = None,
                audience: Audience = Audience.VIEWER) -> RawJSON:
        """The `state` message for one send: fresh server_time and this send's cause, same body."""
        head = {"server_time": iso_now(), "audience": audience.value, "cause": cause}
        if causes is not None:
            head["causes"] = causes
        text = json.dumps(head, separators=(",", ":"))
        return RawJSON(text[:-1] + "," + self.body[1:] if len(self.body) > 2 else text)


def enabled() -> bool:
    """LIVE_FRAME_CACHE=0 turns the cache off (every connect builds, as before): for comparisons."""
    return bool(current_app.config.get("LIVE_FRAME_CACHE", 1))


def _frames() -> dict[tuple[int, Audience], Frame]:
    # Per app, not per module: the tests build many apps (and reuse meeting ids) in one process.
    return current_app.extensions.setdefault("minkao_frames", {})


def make(meeting_id: int, state: dict[str, Any], generation: int) -> Frame:
    """Encode a freshly built public state and keep it, unless a newer frame is already kept."""
    body = json.dumps({k: v for k, v in state.items() if k not in _SPLICED}, separators=(",", ":"))
    frame = Frame(state["seq"], generation, state, body)
    if enabled():
        key = (meeting_id, Audience.VIEWER)
        kept = _frames().get(key)
        if kept is None or kept.generation <= generation:
            _frames()[key] = frame
    return frame


def current(meeting_id: int) -> Frame | None:
    """The kept frame if nothing committed since it was built (and, with a queue, its seq is stored)."""
    if not enabled():
        return None
    frame = _frames().get((meeting_id, Audience.VIEWER))
    if frame is None or frame.generation != freshness.generation():
        return None
    if current_app.config.get("SOCKETIO_MESSAGE_QUEUE") and \
            freshness.stored_seq(db.session, meeting_id) != frame.seq:
        return None
    return frame


def public_frame(meeting_id: int) -> Frame:
    """The current public frame, built from the database (and kept) when there is none."""
    frame = current(meeting_id)
    if frame is None:
        generation = freshness.generation()  # before reading: a commit during the build outdates it
        frame = make(meeting_id, build_state(db.session, meeting_id, Audience.VIEWER), generation)
    return frame
