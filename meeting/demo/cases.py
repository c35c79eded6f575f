"""Three demo cases, so a new user sees the follow-up loop at once: one overdue, one reopened, one closed.

They are public pledges made at an earlier meeting 25 days ago, opened and moved through the
ordinary services with an injected clock (no row is written by hand), then the overdue check
runs for today:
- 卫生室补齐常用药: never replied to → reply overdue since day 16, escalated to the township;
- 修复村口路灯: replied, the household's return visit was unsatisfied → reopened (new reply period);
- 清理排水沟: replied, the return visit was satisfied → closed.
Created once: a database that already has cases is left alone.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, Demand, Household, utcnow
from meeting.models.cases import Case
from meeting.services import followup
from scoring.deadlines import Policy

ACTOR = "demo"
DAYS_AGO = 25   # with the default 15-day reply period: 9 days overdue today, so escalated to the township
PLEDGES = (("overdue", "卫生室补齐常用药，并公示药品目录"),
           ("reopened", "修复村口路灯，一个月内全部亮起来"),
           ("closed", "清理排水沟，雨季前完成"))


def ensure_demo_cases(session: so.Session, *, now: dt.datetime | None = None,
                      policy: Policy | None = None) -> dict[str, str]:
    """Create the three demo cases unless the database has cases; returns {role: case code} of what it made."""
    if session.scalar(sa.select(sa.func.count(Case.id))):
        return {}
    policy = policy or Policy()
    today = now or utcnow()
    opened = today - dt.timedelta(days=DAYS_AGO)
    cadres = list(session.scalars(sa.select(Cadre).order_by(Cadre.number).limit(len(PLEDGES))))
    codes: dict[str, str] = {}
    for i, (role, promise) in enumerate(PLEDGES):
        who = cadres[i] if i < len(cadres) else None
        case = followup.create_pledge_case(session, promise=promise, actor=ACTOR, now=opened, policy=policy,
                                           responsible_person=who.name if who else "责任人",
                                           responsible_unit=who.unit if who else "责任单位",
                                           demand_ids=_a_demand_of(session, who))
        codes[role] = case.code
        if role != "overdue":
            _visit(session, case.code, role == "closed", opened, policy)
    followup.tick(session, now=today, policy=policy, actor=ACTOR)
    return codes


def _a_demand_of(session: so.Session, cadre: Cadre | None) -> list[int]:
    """One public demand of a household of the cadre, so the case shows on its village's echo wall."""
    if cadre is None:
        return []
    found = session.scalar(sa.select(Demand.id).join(Household, Household.id == Demand.household_id)
                           .where(Household.cadre_id == cadre.id, Demand.private.is_(False))
                           .order_by(Demand.id).limit(1))
    return [found] if found is not None else []


def _visit(session: so.Session, code: str, satisfied: bool, opened: dt.datetime, policy: Policy) -> None:
    """Reply on day 5, call the household back on day 8, record its answer on day 10."""
    at: dict[str, Any] = {"actor": ACTOR, "policy": policy}
    followup.reply(session, code, "已安排专人办理，现场已整改", now=opened + dt.timedelta(days=5), **at)
    followup.start_return_visit(session, code, now=opened + dt.timedelta(days=8), **at)
    if satisfied:
        followup.record_return_visit(session, code, "satisfied", "群众表示满意", now=opened + dt.timedelta(days=10), **at)
    else:
        followup.record_return_visit(session, code, "unsatisfied", "回访时路灯仍有两盏不亮",
                                     now=opened + dt.timedelta(days=10), **at)
