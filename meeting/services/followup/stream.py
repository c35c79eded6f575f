"""The county's case stream: its lock, and appending to its hash chain inside the caller's transaction.

Lock order, to stay free of deadlocks: a use case that holds a meeting's lock
(meeting.services.tx.lock_meeting) may then take the case stream's; nothing that holds the case
stream's lock takes a meeting's.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from meeting.events_time import iso_at
from meeting.models import utcnow
from meeting.models.cases import GENESIS_HASH, Case, CaseEvent, CaseStream
from scoring.chain import event_hash, first_chain_error

DEFAULT_STREAM = "county"


def lock_stream(session: so.Session, code: str = DEFAULT_STREAM) -> CaseStream:
    """Take the stream's row lock (PostgreSQL) or the write lock (SQLite), creating the stream if new.

    The no-op UPDATE comes first, before anything is read, so two ticks or two case changes
    serialise here and the second sees everything the first committed.
    """
    if _touch(session, code) == 0:
        values = {"code": code, "name": "", "seq": 0, "last_hash": GENESIS_HASH, "created_at": utcnow()}
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        session.execute(insert(CaseStream).values(**values).on_conflict_do_nothing(index_elements=["code"]))
        _touch(session, code)
    return session.scalars(sa.select(CaseStream).where(CaseStream.code == code)
                           .execution_options(populate_existing=True)).one()


def _touch(session: so.Session, code: str) -> int:
    result = session.execute(sa.update(CaseStream).where(CaseStream.code == code).values(seq=CaseStream.seq),
                             execution_options={"synchronize_session": False})
    return result.rowcount


def append_case_event(session: so.Session, stream: CaseStream, case: Case, type_: str, payload: dict[str, Any],
                      actor: str, at: dt.datetime | None = None) -> CaseEvent:
    """Add the stream's next event about `case` (the caller holds the stream lock and commits)."""
    at = at or utcnow()
    at = at.replace(microsecond=(at.microsecond // 1000) * 1000)
    seq = stream.seq + 1
    digest = event_hash(stream.last_hash, seq, type_, payload, actor, iso_at(at))
    event = CaseEvent(stream_id=stream.id, case_id=case.id, seq=seq, type=type_, payload=payload, actor=actor,
                      prev_hash=stream.last_hash, hash=digest, created_at=at)
    stream.seq = seq
    stream.last_hash = digest
    session.add(event)
    return event


def case_event_as_dict(event: CaseEvent) -> dict[str, Any]:
    """The event in the shape scoring.chain verifies (the same as a meeting event's)."""
    return {"seq": event.seq, "type": event.type, "payload": event.payload, "actor": event.actor,
            "at": iso_at(event.created_at), "prev_hash": event.prev_hash, "hash": event.hash}


def stream_events(session: so.Session, code: str = DEFAULT_STREAM, case_id: int | None = None) -> list[CaseEvent]:
    """The stream's events in order (only those of one case if `case_id` is given)."""
    query = (sa.select(CaseEvent).join(CaseStream, CaseStream.id == CaseEvent.stream_id)
             .where(CaseStream.code == code).order_by(CaseEvent.seq))
    if case_id is not None:
        query = query.where(CaseEvent.case_id == case_id)
    return list(session.scalars(query))


def verify_stream(session: so.Session, code: str = DEFAULT_STREAM) -> str | None:
    """The first broken link of the stream's chain, or None if it is intact and ends at its head."""
    events = stream_events(session, code)
    error = first_chain_error(case_event_as_dict(e) for e in events)
    if error:
        return error
    head = session.scalar(sa.select(CaseStream).where(CaseStream.code == code))
    if head is not None and (head.seq, head.last_hash) != (len(events), events[-1].hash if events else GENESIS_HASH):
        return "the stream's head does not match its last event"
    return None
