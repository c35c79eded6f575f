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

from meeting.models import utcnow
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
    """How many demands each pledge case promised, from its case_opened event (0 if not said)."""
    out = {c.id: 0 for c in cases}
    if cases:
        for case_id, payload in session.execute(sa.select(CaseEvent.case_id, CaseEvent.payload).where(
                CaseEvent.case_id.in_(list(out)), CaseEvent.type == "case_opened")):
            value = (payload or {}).get("pledged_demands")
            out[case_id] = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return out


def pledge_scorecard(session: so.Session, year: int | None = None, *, today: dt.date | None = None,
                     policy: Policy | None = None) -> dict[str, Any]:
    """{year, units, total}: per responsible unit, the pledges opened in `year` (default: this year in
    Beijing): cases pledged, demands pledged, settled (closed) cases and their demands, overdue now."""
    policy = policy or Policy()
    today = today or local_date(utcnow(), policy.zone)
    year = year if year is not None else today.year
    units = _by_unit(session, year, today, policy)
    total = {key: sum(u[key] for u in units) for key in ("pledged", "demands", "settled", "settled_demands",
                                                          "overdue")}
    return {"year": year, "units": units, "total": total}


def _by_unit(session: so.Session, year: int, today: dt.date, policy: Policy) -> list[dict[str, Any]]:
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
