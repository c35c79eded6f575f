"""Appending to a meeting's hash-chained event log, inside the caller's transaction."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict
from meeting.events_time import iso_at
from meeting.models import Event, Meeting, utcnow
from scoring.chain import event_hash


def append_event(session: so.Session, meeting_id: int, type_: str, payload: dict[str, Any], actor: str = "") -> Event:
    """Add the next event of the meeting to the session (the caller commits).

    The seq counter is bumped with a single UPDATE … RETURNING, which takes the row lock on
    PostgreSQL and the write lock on SQLite first, so concurrent appenders serialise.
    Conflict("chain_broken") for a meeting whose chain failed its check (the caller rolls back).
    """
    seq, prev, broken = session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting_id)
        .values(seq=Meeting.seq + 1)
        .returning(Meeting.seq, Meeting.last_hash, Meeting.chain_broken_seq),
        execution_options={"synchronize_session": False},
    ).one()
    if broken is not None:  # a meeting stopped by its chain check: nothing more is written
        raise Conflict("chain_broken", seq=broken)
    at = utcnow()
    digest = event_hash(prev, seq, type_, payload, actor, iso_at(at))
    session.execute(
        sa.update(Meeting).where(Meeting.id == meeting_id).values(last_hash=digest),
        execution_options={"synchronize_session": False},
    )
    event = Event(meeting_id=meeting_id, seq=seq, type=type_, payload=payload, actor=actor,
                  prev_hash=prev, hash=digest, created_at=at)
    session.add(event)
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None:
        # Keep an already-loaded Meeting object in step with the row we just updated.
        so.attributes.set_committed_value(meeting, "seq", seq)
        so.attributes.set_committed_value(meeting, "last_hash", digest)
    return event


def event_as_dict(event: Event) -> dict[str, Any]:
    """The event in the shape scoring.chain and the public bundle use."""
    return {"seq": event.seq, "type": event.type, "payload": event.payload, "actor": event.actor,
            "at": iso_at(event.created_at), "prev_hash": event.prev_hash, "hash": event.hash}


def events_since(session: so.Session, meeting_id: int, after_seq: int = 0) -> list[Event]:
    """Events of a meeting with seq > after_seq, in order."""
    return list(session.scalars(
        sa.select(Event).where(Event.meeting_id == meeting_id, Event.seq > after_seq).order_by(Event.seq)))
