"""Read only: the year-end pledge scorecard per unit, and which cadres have an overdue case now.

A case is *overdue now* when it is not closed and either the tick marked it (overdue_reason) or the
tick's own rules (scoring.cases.assess) find it overdue for `today`: right even before
`cases-tick` has run, like the echo wall. The draw's freeze uses `overdue_cadre_ids` for the
compulsory stratum 督办逾期 (services/draw/pool.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Round, utcnow
from meeting.models.cases import Case, CaseEvent
from scoring import cases as rules
from scoring.cases import CaseState
from scoring.deadlines import Policy, local_date


def overdue_now(case: Case, today: dt.date, policy: Policy) -> bool:
    """Whether the case is overdue on `today` (marked by the tick, or by the tick's rules)."""
    if case.status in rules.TERMINAL:
        return False
    if case.overdue_reason is not None:
        return True
    state = CaseState(kind=case.kind, status=case.status, opened_on=case.opened_on, reply_due=case.reply_due,
                      deadline=case.deadline, replied_on=case.replied_on, overdue_reason=case.overdue_reason,
                      overdue_since=case.overdue_since, escalation=case.escalation,
                      reopen_count=case.reopen_count, closed_on=case.closed_on,
                      closed_by_override=case.closed_by_override)
    return rules.assess(state, today, policy).overdue_reason is not None


def overdue_cadre_ids(session: so.Session, *, today: dt.date | None = None,
                      policy: Policy | None = None) -> set[int]:
    """Ids of the cadres with at least one case overdue on `today` (default: today in Beijing)."""
    policy = policy or Policy()
    today = today or local_date(utcnow(), policy.zone)
    rows = session.scalars(sa.select(Case).where(Case.cadre_id.is_not(None), Case.status.not_in(rules.TERMINAL)))
    return {c.cadre_id for c in rows if c.cadre_id is not None and overdue_now(c, today, policy)}


def _pledged_demands(session: so.Session, cases: list[Case]) -> dict[int, int]:
    """How many demands each pledge case promised: from its pledge round, else its case_opened event."""
    out: dict[int, int] = {}
    round_ids = [c.round_id for c in cases if c.round_id is not None]
    rounds = {r.id: r for r in session.scalars(sa.select(Round).where(Round.id.in_(round_ids)))} if round_ids else {}
    for c in cases:
        rnd = rounds.get(c.round_id) if c.round_id is not None else None
        if rnd is not None and rnd.kind == "pledge" and isinstance((rnd.question or {}).get("demands"), int):
            out[c.id] = rnd.question["demands"]
    missing = [c.id for c in cases if c.id not in out]
    if missing:
        for case_id, payload in session.execute(sa.select(CaseEvent.case_id, CaseEvent.payload).where(
                CaseEvent.case_id.in_(missing), CaseEvent.type == "case_opened")):
            value = (payload or {}).get("pledged_demands")
            out[case_id] = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return out


def pledge_scorecard(session: so.Session, year: int, *, today: dt.date | None = None,
                     policy: Policy | None = None) -> list[dict[str, Any]]:
    """Per responsible unit, the pledges opened in `year` (Beijing days): cases pledged, demands
    pledged, settled (closed) and overdue now. Sorted by unit; a "total" is the caller's sum."""
    policy = policy or Policy()
    today = today or local_date(utcnow(), policy.zone)
    cases = list(session.scalars(sa.select(Case).where(
        Case.kind == "pledge", Case.opened_on >= dt.date(year, 1, 1), Case.opened_on <= dt.date(year, 12, 31))
        .order_by(Case.id)))
    demands = _pledged_demands(session, cases)
    units: dict[str, dict[str, Any]] = {}
    for c in cases:
        u = units.setdefault(c.responsible_unit, {"unit": c.responsible_unit, "pledged": 0, "demands": 0,
                                                  "settled": 0, "settled_demands": 0, "overdue": 0})
        u["pledged"] += 1
        u["demands"] += demands.get(c.id, 0)
        if c.status == "closed":
            u["settled"] += 1
            u["settled_demands"] += demands.get(c.id, 0)
        u["overdue"] += overdue_now(c, today, policy)
    return [units[k] for k in sorted(units)]
