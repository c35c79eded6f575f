"""Opening follow-up cases: from a meeting decision (rectification, investigation, discipline) or
a public pledge (公开承诺).

Each case is opened under the county's case stream lock with its state from the pure rules
(scoring.cases), its households and demands, and the commitment of its return-visit seed
(seeds.py), in one case_opened event of the stream's hash chain. What happens to it next
(reply, return visit, reopen, close, the overdue tick) is in cases.py; a confirmed
investigation's penalty case opens there too, as a step of that life cycle.

`open_case_for_decision` is the inner step (no commit) for the live service to call inside its
own record_decision transaction; `create_case_from_decision` is the same as a use case.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import Decision, Demand, DrawRecord, Household, Meeting, Round
from meeting.models.cases import Case
from meeting.services.followup.cases import event_head, iso_day, naive_utc, store_state
from meeting.services.followup.seeds import commit_seed
from meeting.services.followup.stream import DEFAULT_STREAM, append_case_event, lock_stream
from meeting.services.tx import unit_of_work
from scoring import cases as rules
from scoring.cases import CaseError, CaseState
from scoring.deadlines import Policy, local_date


def open_case_for_decision(session: so.Session, decision: Decision, *, actor: str, now: dt.datetime | None = None,
                           policy: Policy | None = None, household_ids: Iterable[int] | None = None,
                           demand_ids: Iterable[int] | None = None, responsible_unit: str | None = None,
                           stream_code: str = DEFAULT_STREAM) -> Case | None:
    """Inner step (no commit): the case a decision opens, or None for a "pass". Idempotent per decision.

    Households default to those drawn for the decision's round; demands are only those given.
    The caller may hold the meeting's lock (lock order: meeting, then case stream).
    """
    policy = policy or Policy()
    kind = rules.DECISION_CASE_KIND.get(decision.kind)
    if kind is None:
        return None
    if decision.id is None:
        session.flush()  # the live service may hand over a Decision it has only added
    stream = lock_stream(session, stream_code)
    existing = session.scalar(sa.select(Case).where(Case.decision_id == decision.id))
    if existing is not None:
        return existing
    rnd = session.get(Round, decision.round_id)
    meeting = session.get(Meeting, rnd.meeting_id) if rnd else None
    at = naive_utc(now)
    opened_on = local_date(decision.created_at or at, policy.zone)
    detail = decision.detail or {}
    promised = detail.get("deadline") or detail.get("report_by")
    try:
        state = rules.new_case(kind, opened_on, dt.date.fromisoformat(promised) if promised else None, policy)
    except CaseError as exc:
        raise UserError(exc.code) from None
    cadre = rnd.cadre if rnd else None
    day = meeting.date if meeting and meeting.date else opened_on
    case = Case(stream_id=stream.id, code=_next_code(session, day, rnd.number if rnd else None), kind=kind,
                meeting_id=meeting.id if meeting else None, round_id=rnd.id if rnd else None,
                decision_id=decision.id, cadre_id=cadre.id if cadre else None,
                subject_unit=cadre.unit if cadre else "", township_id=cadre.township_id if cadre else None,
                items=list(detail.get("items") or []), promise=_promise(decision.kind, detail),
                responsible_person=_responsible(decision.kind, detail, cadre),
                responsible_unit=responsible_unit if responsible_unit is not None else (cadre.unit if cadre else ""),
                reopen_count=0, escalation="unit", closed_by_override=False, private=False,
                reply_text="", last_reason="")
    if household_ids is None:
        household_ids = session.scalars(sa.select(DrawRecord.household_id).where(
            DrawRecord.round_id == decision.round_id, DrawRecord.kind == "household",
            DrawRecord.household_id.is_not(None)).order_by(DrawRecord.slot, DrawRecord.attempt)).all() if rnd else []
    case.households = _rows(session, Household, household_ids)
    _add_case(session, case, state, demand_ids)
    append_case_event(session, stream, case, "case_opened", {
        **event_head(case), "decision": decision.kind, "seed_commitment": case.seed_commitment,
        "meeting_id": case.meeting_id, "round": rnd.number if rnd else None,
        "cadre_number": cadre.number if cadre else None, "promise": case.promise, "items": case.items,
        "responsible_person": case.responsible_person, "responsible_unit": case.responsible_unit,
        "opened_on": iso_day(case.opened_on), "reply_due": iso_day(case.reply_due), "deadline": iso_day(case.deadline),
        "households": [h.code for h in case.households], "demands": [d.id for d in case.demands]}, actor, at)
    return case


@unit_of_work
def create_case_from_decision(session: so.Session, decision_id: int, *, actor: str, now: dt.datetime | None = None,
                              policy: Policy | None = None, household_ids: Iterable[int] | None = None,
                              demand_ids: Iterable[int] | None = None, responsible_unit: str | None = None,
                              stream_code: str = DEFAULT_STREAM) -> Case:
    """Open the case of a recorded decision and commit; NotFound, or Conflict(case_decision_opens_none) for a pass."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("case_decision_not_found", id=decision_id)
    case = open_case_for_decision(session, decision, actor=actor, now=now, policy=policy, household_ids=household_ids,
                                  demand_ids=demand_ids, responsible_unit=responsible_unit, stream_code=stream_code)
    if case is None:
        raise Conflict("case_decision_opens_none", kind=decision.kind)
    return case


@unit_of_work
def create_pledge_case(session: so.Session, *, promise: str, responsible_person: str, responsible_unit: str,
                       actor: str, deadline: dt.date | None = None, meeting_id: int | None = None,
                       round_id: int | None = None, demand_ids: Iterable[int] | None = None,
                       now: dt.datetime | None = None, policy: Policy | None = None,
                       stream_code: str = DEFAULT_STREAM, pledged_demands: int | None = None) -> Case:
    """Open the case of a public pledge (公开承诺) and commit: create_pledge_case_locked as a use case."""
    return create_pledge_case_locked(session, promise=promise, responsible_person=responsible_person,
                                     responsible_unit=responsible_unit, actor=actor, deadline=deadline,
                                     meeting_id=meeting_id, round_id=round_id, demand_ids=demand_ids, now=now,
                                     policy=policy, stream_code=stream_code, pledged_demands=pledged_demands)


def create_pledge_case_locked(session: so.Session, *, promise: str, responsible_person: str, responsible_unit: str,
                              actor: str, deadline: dt.date | None = None, meeting_id: int | None = None,
                              round_id: int | None = None, demand_ids: Iterable[int] | None = None,
                              now: dt.datetime | None = None, policy: Policy | None = None,
                              stream_code: str = DEFAULT_STREAM, pledged_demands: int | None = None) -> Case:
    """Inner step (no commit): open the case of a public pledge, e.g. a pledge round's (live/pledges.py).

    The code is the meeting date and round when given ('2026-05-19-R3-01'), else the day it was
    opened ('2026-05-19-01'). A pledge with no date is tracked for policy.pledge_days.
    `pledged_demands` (how many demands were pledged) is kept in the case_opened event.
    The caller may hold the meeting's lock (lock order: meeting, then case stream).
    """
    policy = policy or Policy()
    at = naive_utc(now)
    text = rules.clean_reason(promise, required=False) if isinstance(promise, str) else ""
    if not text:
        raise UserError("case_promise_required")
    stream = lock_stream(session, stream_code)
    rnd = session.get(Round, round_id) if round_id is not None else None
    if round_id is not None and rnd is None:
        raise NotFound("case_round_not_found", id=round_id)
    meeting = session.get(Meeting, rnd.meeting_id if rnd else meeting_id) if (rnd or meeting_id) else None
    if meeting_id is not None and meeting is None:
        raise NotFound("case_meeting_not_found", id=meeting_id)
    opened_on = local_date(at, policy.zone)
    state = rules.new_case("pledge", opened_on, deadline, policy)
    day = meeting.date if meeting and meeting.date else opened_on
    case = Case(stream_id=stream.id, code=_next_code(session, day, rnd.number if rnd else None), kind="pledge",
                meeting_id=meeting.id if meeting else None, round_id=rnd.id if rnd else None,
                cadre_id=rnd.cadre_id if rnd else None, subject_unit=responsible_unit, promise=text, items=[],
                responsible_person=responsible_person.strip(), responsible_unit=responsible_unit.strip(),
                reopen_count=0, escalation="unit", closed_by_override=False, private=False, reply_text="",
                last_reason="")
    _add_case(session, case, state, demand_ids)
    append_case_event(session, stream, case, "case_opened", {
        **event_head(case), "seed_commitment": case.seed_commitment, "meeting_id": case.meeting_id,
        "round": rnd.number if rnd else None, "promise": text,
        "responsible_person": case.responsible_person, "responsible_unit": case.responsible_unit,
        "opened_on": iso_day(case.opened_on), "reply_due": iso_day(case.reply_due), "deadline": iso_day(case.deadline),
        "households": [], "demands": [d.id for d in case.demands],
        **({"pledged_demands": pledged_demands} if pledged_demands is not None else {})}, actor, at)
    return case




# --- helpers ------------------------------------------------------------------------------

def _next_code(session: so.Session, day: dt.date, round_number: int | None) -> str:
    """The next free public code of that day and round (the caller holds the stream lock)."""
    prefix = rules.case_code(day, round_number, 1)[:-2]
    taken = session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.code.like(prefix + "%"), sa.func.length(Case.code) == len(prefix) + 2))
    return rules.case_code(day, round_number, (taken or 0) + 1)



def _add_case(session: so.Session, case: Case, state: CaseState, demand_ids: Iterable[int] | None) -> None:
    """The new case's state and demands; added and flushed, then its seed committed (it needs the id)."""
    store_state(case, state)
    case.demands = _rows(session, Demand, demand_ids or [])
    case.private = any(d.private for d in case.demands)  # a private demand keeps its case off the public pages
    session.add(case)
    session.flush()
    commit_seed(case)


def _rows(session: so.Session, model: Any, ids: Iterable[int]) -> list[Any]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    found = {row.id: row for row in session.scalars(sa.select(model).where(model.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise UserError("case_link_unknown", ids=", ".join(str(i) for i in missing))
    return [found[i] for i in sorted(wanted)]  # id order, as the relationships load them


def _promise(kind: str, detail: Mapping[str, Any]) -> str:
    if kind == "rectification":
        return "; ".join(detail.get("items") or [])
    return str(detail.get("reason") or "")


def _responsible(kind: str, detail: Mapping[str, Any], cadre: Any) -> str:
    if kind == "rectification":
        return str(detail.get("responsible") or "")
    if kind == "investigation":
        leads = [m["name"] for m in detail.get("team") or [] if m.get("role") == "discipline_inspector"]
        return leads[0] if leads else ""
    return ""
