"""The anchored chain, server side: check a meeting's event log in the database, stop a meeting
whose log does not verify.

What a check from the database alone can see (docs/VERIFY.md §18): an event edited without
re-hashing (`hash`), an event whose link was broken (`prev_hash`), a deleted event in the
middle (`seq_gap`), deleted events at the end (`tail_missing`: fewer events than the meeting's
stored head `meetings.seq`), a rewritten tail whose head no longer matches `meetings.last_hash`
(`head_mismatch`). A rewrite that re-hashed every later event and updated the stored head
passes here; only the heads shown on the public screens (the footer anchors) expose it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict
from meeting.models import Meeting
from meeting.services.events import event_as_dict, events_since
from meeting.services.tx import get_meeting
from scoring.chain import verify_chain

PROBLEMS = ("seq_gap", "prev_hash", "hash", "tail_missing", "head_mismatch")


@dataclass(frozen=True)
class MeetingChain:
    """The chain of one meeting as found in the database, against its stored head."""

    meeting_id: int
    seq: int                 # the last event that verifies
    head: str                # its hash (64 zeros before the first event)
    stored_seq: int          # meetings.seq
    stored_hash: str         # meetings.last_hash
    bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when every event verifies and the last one is the meeting's stored head."""
        return self.problem is None


def check_chain(session: so.Session, meeting_id: int) -> MeetingChain:
    """Load the meeting's events in seq order and verify them against meetings.seq/last_hash.

    Read only. NotFound for an unknown meeting.
    """
    meeting = get_meeting(session, meeting_id)
    stored_seq, stored_hash = meeting.seq, meeting.last_hash
    found = verify_chain(event_as_dict(e) for e in events_since(session, meeting_id))
    base = dict(meeting_id=meeting_id, seq=found.seq, head=found.head, stored_seq=stored_seq, stored_hash=stored_hash)
    if not found.ok:
        return MeetingChain(**base, bad_seq=found.bad_seq, problem=found.problem)
    if found.seq < stored_seq:
        return MeetingChain(**base, bad_seq=found.seq + 1, problem="tail_missing")
    if found.seq != stored_seq or found.head != stored_hash:
        return MeetingChain(**base, bad_seq=max(found.seq, 1), problem="head_mismatch")
    return MeetingChain(**base)


def check_and_mark(session: so.Session, meeting_id: int) -> MeetingChain:
    """Check the chain; if it fails, record the first bad seq on the meeting (committed), which
    stops every further action (live.actions.perform, append_event)."""
    result = check_chain(session, meeting_id)
    if not result.ok:
        session.execute(sa.update(Meeting).where(Meeting.id == meeting_id)
                        .values(chain_broken_seq=result.bad_seq, chain_problem=result.problem),
                        execution_options={"synchronize_session": False})
        session.commit()
    return result


def clear_if_intact(session: so.Session, meeting_id: int) -> MeetingChain:
    """After the database was restored: clear a meeting's alarm if its chain verifies now."""
    result = check_chain(session, meeting_id)
    if result.ok:
        session.execute(sa.update(Meeting).where(Meeting.id == meeting_id)
                        .values(chain_broken_seq=None, chain_problem=""),
                        execution_options={"synchronize_session": False})
        session.commit()
    return result


def require_chain_intact(meeting: Meeting) -> None:
    """Conflict("chain_broken") for a meeting stopped by a failed chain check."""
    if meeting.chain_broken_seq is not None:
        raise Conflict("chain_broken", seq=meeting.chain_broken_seq)


def verify_before_reveal(session: so.Session, meeting_id: int) -> None:
    """The check before the seed is revealed: a meeting whose chain fails is stopped and the
    reveal refused (Conflict "chain_broken"); the caller holds the meeting lock."""
    result = check_and_mark(session, meeting_id)
    if not result.ok:
        raise Conflict("chain_broken", seq=result.bad_seq)


def check_open_meetings(session: so.Session) -> list[MeetingChain]:
    """The start-up check: every meeting that is live, or closed without its seed revealed."""
    ids = session.scalars(sa.select(Meeting.id).where(
        sa.or_(Meeting.status == "live", sa.and_(Meeting.status == "closed", Meeting.seed_revealed_at.is_(None),
                                                 Meeting.seq > 0))).order_by(Meeting.id)).all()
    return [check_and_mark(session, mid) for mid in ids]
