"""The overdue list (督办逾期清单) per responsible unit: read only, for the staff page and the CLI.

Each case is assessed for today with the same pure rules as the tick (scoring.cases.assess),
so the list is right even between two ticks, and listing never writes. "Days overdue" are the
calendar days past the due day (the first overdue day is day 1), in the policy's zone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.cases import Case
from meeting.models import utcnow
from scoring import cases as rules
from scoring.deadlines import Policy, local_date

LEVELS = ("unit", "township", "county")


@dataclass(frozen=True)
class OverdueCase:
    """One line of the list."""

    code: str
    kind: str
    status: str
    promise: str
    responsible_person: str
    responsible_unit: str
    reason: str                 # "reply" | "completion"
    since: dt.date              # the first overdue day
    days_overdue: int           # days past the due day: the first overdue day is 1
    escalation: str             # unit | township | county
    reply_due: dt.date | None
    deadline: dt.date | None


@dataclass(frozen=True)
class OverdueList:
    """The overdue cases of one unit (or of all units when `unit` is None) on `today`."""

    today: dt.date
    unit: str | None
    cases: tuple[OverdueCase, ...]
    units: tuple[str, ...]      # every unit with an overdue case today (to choose another)


def overdue_list(session: so.Session, unit: str | None = None, *, now: dt.datetime | None = None,
                 policy: Policy | None = None) -> OverdueList:
    """The cases overdue today, highest escalation and longest overdue first; `unit` filters by responsible unit."""
    policy = policy or Policy()
    today = local_date(now or utcnow(), policy.zone)  # naive = UTC, as scoring.deadlines.local_date reads it
    # Only cases that are, or may have become, overdue: stored as overdue, or past a due day.
    query = sa.select(Case).where(Case.status.not_in(rules.TERMINAL), sa.or_(
        Case.overdue_reason.is_not(None), Case.reply_due < today, Case.deadline < today))
    rows: list[OverdueCase] = []
    for case in session.scalars(query.order_by(Case.id)):
        fresh = rules.assess(_state(case), today, policy)
        if fresh.overdue_reason is None or fresh.overdue_since is None:
            continue
        rows.append(OverdueCase(code=case.code, kind=case.kind, status=case.status, promise=case.promise,
                                responsible_person=case.responsible_person, responsible_unit=case.responsible_unit,
                                reason=fresh.overdue_reason, since=fresh.overdue_since,
                                days_overdue=(today - fresh.overdue_since).days + 1, escalation=fresh.escalation,
                                reply_due=case.reply_due, deadline=case.deadline))
    units = tuple(sorted({r.responsible_unit for r in rows}))
    if unit is not None:
        rows = [r for r in rows if r.responsible_unit == unit]
    rows.sort(key=lambda r: (r.responsible_unit, -LEVELS.index(r.escalation), -r.days_overdue, r.code))
    return OverdueList(today=today, unit=unit, cases=tuple(rows), units=units)


def _state(case: Case) -> rules.CaseState:
    """The part of the case the rules read (the same fields as the tick's)."""
    return rules.CaseState(**{f: getattr(case, f) for f in (
        "kind", "status", "opened_on", "reply_due", "deadline", "replied_on", "overdue_reason", "overdue_since",
        "escalation", "reopen_count", "closed_on", "closed_by_override")})
