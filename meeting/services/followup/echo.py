"""The echo wall (回音壁), read only: a village's or township's demands and the public page of one case.

Everything returned here is what a public page may show, so the masking happens here, not in a
template: households by their masked name (王**), never a full name, code or phone; a private
demand as its marker only (its text and answer never leave this module); staff by their role,
never their name. Overdue is assessed for `today` with the same rules as the tick, so a wall is
right even if the tick has not run yet today.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Demand, Household, Township, Village
from meeting.models.cases import Case, CaseEvent, case_demands, case_households
from meeting.models.base import utcnow
from meeting.messages import Label
from meeting.services.followup.teams import public_team, team_of
from scoring import cases as rules
from scoring.cases import CaseState
from scoring.deadlines import Policy, local_date
from scoring.masking import mask_name

PER_PAGE = 50
MAX_PER_PAGE = 200

# Who acted, by role only: the event type says which role may do it (the actor's name stays in the log).
_ROLE_OF_EVENT = {
    "case_opened": "meeting", "case_replied": "responsible", "case_return_visit_started": "organiser",
    "case_return_visit_recorded": "household", "case_closed_by_override": "organiser",
    "case_reopened": "organiser", "case_outcome_accepted": "organiser", "case_findings_recorded": "team",
    "case_cleared": "organiser", "case_confirmed": "organiser", "case_overdue": "system",
    "case_escalated": "system", "case_overdue_cleared": "system",
    "case_team_member_added": "organiser", "case_team_member_removed": "organiser",
}
# Only these events are on the public timeline: the single calls of a return visit (placed, line
# states, keypad answers) and the reply link's issue/revocation are staff detail; the visit's start
# and its recorded outcome stand for them.
# Event texts the public may read (FOLLOWUP.md "What is public": the reply, an override's reason,
# an investigation's findings and its conclusion). A team change shows no text: members' names stay in the log.
_PUBLIC_TEXT = {"case_replied", "case_closed_by_override", "case_findings_recorded", "case_cleared", "case_confirmed"}
_CONCLUSIONS = ("case_cleared", "case_confirmed")


@dataclass(frozen=True)
class Page:
    """One page of a wall: its items and where it sits among all of them."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.per_page))


def township_wall(session: so.Session, township_code: str, *, page: int = 1, per_page: int = PER_PAGE,
                  today: dt.date | None = None, policy: Policy | None = None) -> dict[str, Any]:
    """The demands of every village of a township, by village; NotFound(echo_township_not_found)."""
    township = session.scalar(sa.select(Township).where(Township.code == township_code))
    if township is None:
        raise NotFound("echo_township_not_found", code=township_code)
    villages = session.execute(sa.select(Village.code, Village.name).where(Village.township_id == township.id)
                               .order_by(Village.code)).all()
    where = Household.village_id.in_(sa.select(Village.id).where(Village.township_id == township.id))
    return {"township": {"code": township.code, "name": township.name}, "village": None,
            "villages": [{"code": c, "name": n} for c, n in villages],
            "page": _wall_page(session, where, page, per_page, today, policy)}


def village_wall(session: so.Session, township_code: str, village_code: str, *, page: int = 1,
                 per_page: int = PER_PAGE, today: dt.date | None = None,
                 policy: Policy | None = None) -> dict[str, Any]:
    """The demands of one village; NotFound(echo_village_not_found) unless it is in that township."""
    row = session.execute(sa.select(Village, Township).join(Township, Township.id == Village.township_id)
                          .where(Village.code == village_code, Township.code == township_code)).first()
    if row is None:
        raise NotFound("echo_village_not_found", code=village_code)
    village, township = row
    return {"township": {"code": township.code, "name": township.name},
            "village": {"code": village.code, "name": village.name}, "villages": [],
            "page": _wall_page(session, Household.village_id == village.id, page, per_page, today, policy)}


def case_page(session: so.Session, code: str, *, today: dt.date | None = None,
              policy: Policy | None = None) -> dict[str, Any]:
    """The public page of one case: its public view, its households masked, its timeline; NotFound otherwise."""
    case = session.scalar(sa.select(Case).where(Case.code == code))
    if case is None:
        raise NotFound("case_not_found", code=code)
    policy = policy or Policy()
    today = today or local_date(utcnow(), policy.zone)
    view = public_view(case, today, policy)
    events = list(session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)))
    view["timeline"] = [_timeline_entry(e, case.private, policy) for e in events if e.type in _ROLE_OF_EVENT]
    view["households"] = [] if case.private else [mask_name(h.name) for h in case.households]
    if not case.private and case.kind == "investigation":
        # The team by role and count only (纪检人员 1 名 …), never the members' names.
        view["team"] = [{**t, "name": Label(f"role.{t['role']}")} for t in public_team(team_of(session, case))]
        view["findings"] = _last_reason(events, ("case_findings_recorded",))
        view["conclusion"] = _last_reason(events, _CONCLUSIONS)
    return view


def public_view(case: Case, today: dt.date, policy: Policy) -> dict[str, Any]:
    """What anyone may see of a case on `today` (a private case: only code, kind and status)."""
    state = CaseState(kind=case.kind, status=case.status, opened_on=case.opened_on, reply_due=case.reply_due,
                      deadline=case.deadline, replied_on=case.replied_on, overdue_reason=case.overdue_reason,
                      overdue_since=case.overdue_since, escalation=case.escalation,
                      reopen_count=case.reopen_count, closed_on=case.closed_on,
                      closed_by_override=case.closed_by_override)
    view = dict(rules.public_view(rules.apply_assessment(state, rules.assess(state, today, policy))))
    view.update(code=case.code, kind=case.kind, private=case.private)
    if case.private:
        return {k: view[k] for k in ("code", "kind", "status", "overdue", "closed_by_override", "private")}
    view.update(deadline=_iso(case.deadline), reply_due=_iso(case.reply_due), opened_on=_iso(case.opened_on),
                closed_on=_iso(case.closed_on), promise=case.promise, items=list(case.items or []),
                responsible_unit=case.responsible_unit, reply=case.reply_text,
                override_reason=case.last_reason if case.closed_by_override else "")
    return view


# --- helpers ------------------------------------------------------------------------------

def _wall_page(session: so.Session, where: Any, page: int, per_page: int, today: dt.date | None,
               policy: Policy | None) -> Page:
    policy = policy or Policy()
    today = today or local_date(utcnow(), policy.zone)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    base = sa.select(Demand, Household.name, Household.id, Village.name).join(
        Household, Household.id == Demand.household_id).join(Village, Village.id == Household.village_id).where(where)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    page = max(1, min(int(page), max(1, -(-total // per_page))))
    rows = session.execute(base.order_by(Village.code, Household.id, Demand.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    cases = _cases_of(session, [r[0].id for r in rows], [r[2] for r in rows])
    items = []
    for demand, name, household_id, village_name in rows:
        case = cases["demand"].get(demand.id) or cases["household"].get(household_id)
        items.append(_item(demand, mask_name(name), village_name, case, today, policy))
    return Page(items=items, page=page, per_page=per_page, total=total)


def _item(demand: Demand, household: str, village: str, case: Case | None, today: dt.date,
          policy: Policy) -> dict[str, Any]:
    """One row of the wall; a private demand keeps only the masked household and its marker."""
    if demand.private:
        return {"household": household, "village": village, "private": True}
    view = public_view(case, today, policy) if case is not None else None
    return {"household": household, "village": village, "private": False, "text": demand.text,
            "category": demand.category, "status": demand.status, "level": demand.level,
            "public_answer": demand.public_answer, "case": view,
            "overdue": bool(view and view["overdue"])}


def _cases_of(session: so.Session, demand_ids: list[int], household_ids: list[int]) -> dict[str, dict[int, Case]]:
    """The newest case naming each demand; for demands no case names, the newest naming their household."""
    found: dict[str, dict[int, Case]] = {"demand": {}, "household": {}}
    for table, column, key, ids in ((case_demands, case_demands.c.demand_id, "demand", demand_ids),
                                    (case_households, case_households.c.household_id, "household", household_ids)):
        if not ids:
            continue
        rows = session.execute(sa.select(column, Case).join(table, table.c.case_id == Case.id)
                               .where(column.in_(set(ids))).order_by(Case.id)).all()
        for linked_id, case in rows:
            found[key][linked_id] = case  # ordered by id: the newest wins
    return found


def _timeline_entry(event: CaseEvent, private: bool, policy: Policy) -> dict[str, Any]:
    payload = event.payload or {}
    entry = {"seq": event.seq, "type": event.type, "on": local_date(event.created_at, policy.zone).isoformat(),
             "role": _ROLE_OF_EVENT.get(event.type, "organiser"), "status": payload.get("status"),
             "outcome": payload.get("outcome"), "text": ""}
    if not private and event.type in _PUBLIC_TEXT:
        entry["text"] = str(payload.get("reason") or "")
    return entry


def _last_reason(events: list[CaseEvent], types: tuple[str, ...]) -> str:
    texts = [str((e.payload or {}).get("reason") or "") for e in events if e.type in types]
    return texts[-1] if texts else ""


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
