"""Read-only loaders for the live edge: the public API, the screens and the heartbeat.

Views and socket code never query; they call these (and meeting.services.tx.get_meeting for
"the meeting or NotFound"). Each returns plain rows or dicts the caller can serialise.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Cadre, Event, Meeting

PUBLIC_STATUSES = ("live", "closed")   # set-up drafts are not public
OPEN_STATUSES = ("setup", "live")      # meetings whose screens may be open


def public_meetings(session: so.Session) -> list[dict[str, Any]]:
    """Meetings that are live or over, by id: what the public API lists."""
    rows = session.scalars(sa.select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES)).order_by(Meeting.id))
    return [{"id": m.id, "title": m.title, "date": m.date.isoformat() if m.date else None,
             "venue": m.venue, "status": m.status} for m in rows]


def get_public_meeting(session: so.Session, meeting_id: int) -> Meeting:
    """The meeting if it is live or over; NotFound for a set-up draft, as for no meeting at all."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status not in PUBLIC_STATUSES:
        raise NotFound("meeting_not_found", id=meeting_id)
    return meeting


def events_page(session: so.Session, meeting_id: int, after_seq: int, limit: int) -> list[Event]:
    """At most `limit` events of the meeting with seq > after_seq, in order (LIMIT in SQL)."""
    return list(session.scalars(
        sa.select(Event).where(Event.meeting_id == meeting_id, Event.seq > after_seq)
        .order_by(Event.seq).limit(limit)))


def open_meeting_seqs(session: so.Session) -> list[tuple[int, int]]:
    """(meeting id, newest seq) of every meeting in set-up or live, for the heartbeat."""
    rows = session.execute(sa.select(Meeting.id, Meeting.seq).where(Meeting.status.in_(OPEN_STATUSES))).all()
    return [(meeting_id, seq) for meeting_id, seq in rows]


def largest_cadre_number(session: so.Session) -> int:
    """The largest cadre number on the roster (0 for an empty roster)."""
    return session.scalar(sa.select(sa.func.max(Cadre.number))) or 0
