"""A ready-to-run demo meeting: Yishui defaults, a jury, a frozen pool and a committed seed."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Juror, Meeting
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.setup.meetings import add_juror, create_meeting
from meeting.services.setup.moderators import assign_moderator, meeting_moderators

DEMO_JURORS = (("张建国", "party_rep"), ("李秀英", "npc_deputy"), ("王志强", "cppcc_member"),
               ("刘桂兰", "citizen_rep"), ("陈德胜", "veteran_cadre"), ("赵明", "citizen_rep"),
               ("孙丽", "citizen_rep"))


def create_demo_meeting(session: so.Session, jurors: int = 5, rounds: int = 5, quorum: int | None = None,
                        title: str = "沂水县万名干部“联系群众、转变作风”现场直播调查大会",
                        moderators: Iterable[str] = ()) -> Meeting:
    """Create a meeting ready to start on stage: jurors added, pool frozen, seed committed, and
    the existing moderator accounts named in `moderators` bound to it."""
    meeting = create_meeting(session, {"title": title, "venue": "县会堂", "date": dt.date.today().isoformat(),
                                       "rounds_planned": rounds, "quorum": quorum or min(jurors, 5),
                                       "branch_venues": ["许家湖镇分会场", "沂城街道分会场"]})
    for name, category in DEMO_JURORS[:jurors]:
        add_juror(session, meeting.id, name, category)
    for i in range(len(DEMO_JURORS), jurors):
        add_juror(session, meeting.id, f"评委{i + 1}", "citizen_rep")
    draw_pool.freeze_pool(session, meeting.id, {"kind": "whole", "draws": rounds}, actor="organiser")
    draw_seed.commit_seed(session, meeting.id, actor="organiser")
    for username in moderators:
        bind_demo_moderator(session, meeting.id, username)
    return session.get(Meeting, meeting.id)


def bind_demo_moderator(session: so.Session, meeting_id: int, username: str = "moderator") -> None:
    """Bind the moderator account `username` to the meeting unless it already is (idempotent)."""
    if username not in {b.username for b in meeting_moderators(session, meeting_id)}:
        assign_moderator(session, meeting_id, username, actor="organiser")


def ensure_demo_meeting(session: so.Session) -> dict[str, Any]:
    """Create the demo meeting unless one exists; return its id and juror links' tokens."""
    meeting = session.scalar(sa.select(Meeting).order_by(Meeting.id).limit(1))
    if meeting is None:
        meeting = create_demo_meeting(session)
    tokens = list(session.scalars(sa.select(Juror.token).where(Juror.meeting_id == meeting.id).order_by(Juror.seat)))
    return {"meeting_id": meeting.id, "tokens": tokens}
