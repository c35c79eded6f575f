"""Meeting set-up pieces the admin pages need on top of meetings.py and draw.py.

Write side: keep a draft draw plan on the meeting before the pool is frozen, and add or remove
one exclusion at a time (draw.set_exclusions replaces the whole list; these serialise on the
meeting lock so two organisers cannot lose each other's edits). Read side: the meeting list,
the readiness checklist, the townships and a preview of the pool a plan would draw from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, Juror, Meeting, Township
from meeting.services.draw.common import is_frozen
from meeting.services.tx import get_meeting


@dataclass(frozen=True)
class MeetingRow:
    """One line of the meeting list."""

    id: int
    title: str
    date: Any
    venue: str
    status: str
    rehearsal: bool
    jurors: int
    frozen: bool
    committed: bool


@dataclass(frozen=True)
class Readiness:
    """Where a meeting stands before the day (the overview's checklist)."""

    active_jurors: int
    revoked_jurors: int
    jurors_with_pin: int
    quorum: int
    frozen: bool
    committed: bool
    pool_size: int
    status: str

    @property
    def enough_jurors(self) -> bool:
        """At least as many active jurors as the quorum (else scoring could never close)."""
        return self.active_jurors >= self.quorum

    @property
    def ready(self) -> bool:
        """Everything the console needs to start the meeting."""
        return self.enough_jurors and self.frozen and self.committed


@dataclass(frozen=True)
class TownshipRow:
    """A township with its count of active cadres (by rank), for the strata editor."""

    code: str
    name: str
    by_rank: dict[str, int] = field(default_factory=dict)

    def count(self, ranks: list[str] | tuple[str, ...] = ()) -> int:
        """Active cadres of these ranks (all ranks if none given)."""
        return sum(n for r, n in self.by_rank.items() if not ranks or r in ranks)


def list_meetings(session: so.Session) -> list[MeetingRow]:
    """Every meeting, newest first, with its juror count and draw state."""
    jurors = dict(session.execute(
        sa.select(Juror.meeting_id, sa.func.count()).where(Juror.revoked_at.is_(None))
        .group_by(Juror.meeting_id)).all())
    rows = session.scalars(sa.select(Meeting).order_by(Meeting.id.desc()))
    return [MeetingRow(m.id, m.title, m.date, m.venue, m.status, m.rehearsal, jurors.get(m.id, 0),
                       is_frozen(m), bool(m.commitment)) for m in rows]


def readiness(session: so.Session, meeting_id: int) -> Readiness:
    """The checklist of one meeting. NotFound if it does not exist."""
    meeting = get_meeting(session, meeting_id)
    active = revoked = with_pin = 0
    for juror in meeting.jurors:
        if juror.revoked_at is None:
            active += 1
            with_pin += juror.pin_hash is not None
        else:
            revoked += 1
    return Readiness(active, revoked, with_pin, meeting.quorum, is_frozen(meeting), bool(meeting.commitment),
                     meeting.pool_text.count("\n"), meeting.status)


def townships(session: so.Session) -> list[TownshipRow]:
    """All townships by code, with their active cadres counted by rank."""
    counts: dict[int, dict[str, int]] = {}
    for township_id, rank, n in session.execute(
            sa.select(Cadre.township_id, Cadre.rank, sa.func.count())
            .where(Cadre.active.is_(True), Cadre.township_id.is_not(None))
            .group_by(Cadre.township_id, Cadre.rank)):
        counts.setdefault(township_id, {})[rank] = n
    return [TownshipRow(t.code, t.name, counts.get(t.id, {}))
            for t in session.scalars(sa.select(Township).order_by(Township.code))]
