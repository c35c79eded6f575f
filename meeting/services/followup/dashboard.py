"""The organiser's dashboard of cases: filter, count per status, overdue first, one page at a time.

Read-only. The counts per status are of the cases the other filters leave (township, unit,
meeting, overdue), so choosing a status shows how many of each there are around it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, Meeting, Township
from meeting.models.cases import Case
from scoring import cases as rules

PER_PAGE = 50
MAX_PER_PAGE = 200
STATUSES = ("open", "replied", "return_visit", "reopened", "closed", "team_formed", "findings", "cleared",
            "confirmed")


@dataclass(frozen=True)
class CaseFilter:
    """What the organiser chose; None means any."""

    status: str | None = None
    township_id: int | None = None
    unit: str | None = None
    meeting_id: int | None = None
    overdue_only: bool = False


@dataclass(frozen=True)
class DashboardPage:
    """One page of rows (overdue first), the totals, and the counts per status."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def _where(query: sa.Select, f: CaseFilter, *, with_status: bool = True) -> sa.Select:
    if with_status and f.status:
        query = query.where(Case.status == f.status)
    if f.township_id is not None:
        query = query.where(Case.township_id == f.township_id)
    if f.unit:
        query = query.where(Case.responsible_unit == f.unit)
    if f.meeting_id is not None:
        query = query.where(Case.meeting_id == f.meeting_id)
    if f.overdue_only:
        query = query.where(Case.overdue_reason.is_not(None))
    return query


def dashboard(session: so.Session, f: CaseFilter, page: int = 1, per_page: int = PER_PAGE) -> DashboardPage:
    """The page `page` (from 1) of the cases `f` selects: overdue first (longest overdue on top),
    then by reply due date and deadline; with the counts per status and of overdue cases."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    counts = {status: n for status, n in session.execute(
        _where(sa.select(Case.status, sa.func.count()), f, with_status=False).group_by(Case.status))}
    total = session.scalar(_where(sa.select(sa.func.count()).select_from(Case), f)) or 0
    overdue = session.scalar(_where(sa.select(sa.func.count()).select_from(Case), f)
                             .where(Case.overdue_reason.is_not(None))) or 0
    pages = max(1, -(-total // per_page))
    page = max(1, min(int(page), pages))
    query = (_where(sa.select(Case, Township.name, Meeting.title, Meeting.date, Cadre.name, Cadre.number), f)
             .outerjoin(Township, Township.id == Case.township_id)
             .outerjoin(Meeting, Meeting.id == Case.meeting_id)
             .outerjoin(Cadre, Cadre.id == Case.cadre_id)
             .order_by(sa.case((Case.overdue_reason.is_not(None), 0), else_=1), Case.overdue_since.asc(),
                       Case.reply_due.asc(), Case.deadline.asc(), Case.id.asc())
             .limit(per_page).offset((page - 1) * per_page))
    rows = [_row(case, township, title, day, cadre_name, cadre_number)
            for case, township, title, day, cadre_name, cadre_number in session.execute(query)]
    return DashboardPage(rows=rows, total=total, page=page, pages=pages, per_page=per_page,
                         counts={s: counts.get(s, 0) for s in STATUSES}, overdue=overdue)


def filter_options(session: so.Session) -> dict[str, list[Any]]:
    """The choices of the filter form: townships and meetings that have cases, and responsible units."""
    townships = session.execute(sa.select(Township.id, Township.name).where(
        Township.id.in_(sa.select(Case.township_id).distinct())).order_by(Township.code)).all()
    meetings = session.execute(sa.select(Meeting.id, Meeting.title, Meeting.date).where(
        Meeting.id.in_(sa.select(Case.meeting_id).distinct())).order_by(Meeting.date, Meeting.id)).all()
    units = session.scalars(sa.select(Case.responsible_unit).where(Case.responsible_unit != "").distinct()
                            .order_by(Case.responsible_unit)).all()
    return {"townships": [(i, n) for i, n in townships], "meetings": [(i, t, d) for i, t, d in meetings],
            "units": list(units)}


def parse_filter(args: Any) -> CaseFilter:
    """The filter from query arguments (status, township, unit, meeting, overdue); unknown values are ignored."""
    status = args.get("status") or None
    return CaseFilter(status=status if status in STATUSES else None, township_id=_int(args.get("township")),
                      unit=(args.get("unit") or "").strip()[:64] or None, meeting_id=_int(args.get("meeting")),
                      overdue_only=args.get("overdue") in ("1", "on", "true"))


def page_number(value: object) -> int:
    """A page number from a query argument (1 if absent or not a number)."""
    return max(1, _int(value) or 1)


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _row(case: Case, township: str | None, title: str | None, day: dt.date | None, cadre_name: str | None,
         cadre_number: int | None) -> dict[str, Any]:
    return {"code": case.code, "kind": case.kind, "status": case.status, "township": township or "",
            "meeting": title or "", "meeting_date": day, "cadre_name": cadre_name or "", "cadre_number": cadre_number,
            "responsible_unit": case.responsible_unit, "responsible_person": case.responsible_person,
            "opened_on": case.opened_on, "reply_due": case.reply_due, "deadline": case.deadline,
            "replied_on": case.replied_on, "overdue_reason": case.overdue_reason, "overdue_since": case.overdue_since,
            "escalation": case.escalation, "closed_by_override": case.closed_by_override,
            "terminal": case.status in rules.TERMINAL}
