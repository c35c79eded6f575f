"""Use cases of follow-up cases: open one from a meeting decision, move it along its life cycle, tick.

Each public function here is one transaction: lock the county's case stream, check with the pure
rules (scoring.cases), change, append to the stream's hash chain, commit once. The clock comes in
as `now` (naive UTC, default: the real time); days are counted in the policy's zone.

`open_case_for_decision` is the inner step (no commit) for the live service to call inside its
own record_decision transaction; `create_case_from_decision` is the same as a use case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import Decision, Demand, DrawRecord, Household, Meeting, Round, utcnow
from meeting.models.cases import Case, CaseEvent, CaseStream
from meeting.services.followup.seeds import commit_seed, reveal_if_closed
from meeting.services.followup.stream import DEFAULT_STREAM, append_case_event, lock_stream
from meeting.services.tx import unit_of_work
from scoring import cases as rules
from scoring.cases import CaseError, CaseState
from scoring.deadlines import Policy, local_date

_ACTION_EVENTS = {
    "reply": "case_replied", "start_return_visit": "case_return_visit_started",
    "visit_satisfied": "case_return_visit_recorded", "visit_unsatisfied": "case_return_visit_recorded",
    "override_close": "case_closed_by_override", "reopen": "case_reopened", "accept_outcome": "case_outcome_accepted",
    "record_findings": "case_findings_recorded", "clear": "case_cleared", "confirm": "case_confirmed",
}


@dataclass(frozen=True)
class TickResult:
    """What one overdue check did: the local day it checked, and the codes of the cases it changed."""

    today: dt.date
    changed: tuple[str, ...]
    checked: int


def naive_utc(now: dt.datetime | None) -> dt.datetime:
    """`now` as naive UTC (the form stored and hashed); the real time if None."""
    if now is None:
        return utcnow()
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return now


def policy_from_config(config: Mapping[str, Any]) -> Policy:
    """The Policy from app config keys CASES_REPLY_DAYS, CASES_TOWNSHIP_AFTER_DAYS, … (defaults otherwise)."""
    names = {"reply_days", "rectification_days", "investigation_days", "penalty_days", "pledge_days",
             "township_after_days", "county_after_days", "zone"}
    return Policy(**{n: config[f"CASES_{n.upper()}"] for n in names if f"CASES_{n.upper()}" in config})


# --- opening ------------------------------------------------------------------------------

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
    _store(case, state)
    if household_ids is None:
        household_ids = session.scalars(sa.select(DrawRecord.household_id).where(
            DrawRecord.round_id == decision.round_id, DrawRecord.kind == "household",
            DrawRecord.household_id.is_not(None)).order_by(DrawRecord.slot, DrawRecord.attempt)).all() if rnd else []
    case.households = _rows(session, Household, household_ids)
    case.demands = _rows(session, Demand, demand_ids or [])
    case.private = any(d.private for d in case.demands)  # a private demand keeps its case off the public pages
    session.add(case)
    session.flush()
    commit_seed(case)
    append_case_event(session, stream, case, "case_opened", {
        **_head(case), "decision": decision.kind, "seed_commitment": case.seed_commitment,
        "meeting_id": case.meeting_id, "round": rnd.number if rnd else None,
        "cadre_number": cadre.number if cadre else None, "promise": case.promise, "items": case.items,
        "responsible_person": case.responsible_person, "responsible_unit": case.responsible_unit,
        "opened_on": _iso(case.opened_on), "reply_due": _iso(case.reply_due), "deadline": _iso(case.deadline),
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
    _store(case, state)
    case.demands = _rows(session, Demand, demand_ids or [])
    case.private = any(d.private for d in case.demands)  # a private demand keeps its case off the public pages
    session.add(case)
    session.flush()
    commit_seed(case)
    append_case_event(session, stream, case, "case_opened", {
        **_head(case), "seed_commitment": case.seed_commitment, "meeting_id": case.meeting_id,
        "round": rnd.number if rnd else None, "promise": text,
        "responsible_person": case.responsible_person, "responsible_unit": case.responsible_unit,
        "opened_on": _iso(case.opened_on), "reply_due": _iso(case.reply_due), "deadline": _iso(case.deadline),
        "households": [], "demands": [d.id for d in case.demands],
        **({"pledged_demands": pledged_demands} if pledged_demands is not None else {})}, actor, at)
    return case


# --- life cycle ---------------------------------------------------------------------------

@unit_of_work
def act(session: so.Session, code: str, action: str, **kw: Any) -> Case:
    """Apply one life-cycle action (scoring.cases) to the case `code` and commit (see act_by_code_locked)."""
    return act_by_code_locked(session, code, action, **kw)


def act_by_code_locked(session: so.Session, code: str, action: str, *, actor: str, reason: str = "",
                       now: dt.datetime | None = None, policy: Policy | None = None, outcome: str | None = None,
                       stream_code: str = DEFAULT_STREAM, extra: Mapping[str, Any] | None = None) -> Case:
    """Inner step (no commit; takes the stream lock, which the caller may hold already): one action.

    `reason` is the reply text for "reply", the findings for "record_findings", and the written
    reason otherwise (required where the rules say so). A confirmed investigation also opens
    its penalty case (code + "-P1") in the same transaction. `outcome` (a return visit's
    satisfied / unsatisfied / contradicting) is kept in the event.
    """
    policy = policy or Policy()
    at = naive_utc(now)
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    act_locked(session, stream, case, action, actor=actor, reason=reason, at=at, policy=policy, outcome=outcome,
               extra=extra)
    return case


def act_locked(session: so.Session, stream: CaseStream, case: Case, action: str, *, actor: str, reason: str,
               at: dt.datetime, policy: Policy, outcome: str | None = None,
               extra: Mapping[str, Any] | None = None) -> CaseEvent:
    """Inner step of `act` (the stream lock is held, no commit): the change and its event, returned."""
    today = local_date(at, policy.zone)
    before = _state(case)
    try:
        after = rules.step(before, action, today, policy, reason)
    except CaseError as exc:
        if exc.code == "case_transition_refused":
            raise Conflict(exc.code, action=action, status=before.status, kind=before.kind) from None
        raise UserError(exc.code) from None
    text = rules.clean_reason(reason, required=False)
    _store(case, after)
    if action == "reply":
        case.reply_text = text
    elif text:
        case.last_reason = text
    payload = {**_head(case), "action": action, "from": before.status, "reason": text, **_assessed(after)}
    if outcome is not None:
        payload["outcome"] = outcome
    if action == "override_close":
        payload["public_note"] = "closed by an organiser's override"
    payload.update(extra or {})
    reveal_if_closed(case, payload)  # a closed case publishes its return-visit seed
    event = append_case_event(session, stream, case, _ACTION_EVENTS[action], payload, actor, at)
    if action == "confirm":
        _open_penalty(session, stream, case, text, actor, at, today, policy)
    return event


def reply(session: so.Session, code: str, text: str, *, actor: str, **kw: Any) -> Case:
    """The responsible person's reply (what was done); open/reopened → replied."""
    return act(session, code, "reply", actor=actor, reason=text, **kw)


def start_return_visit(session: so.Session, code: str, *, actor: str, **kw: Any) -> Case:
    """A household is to be called back about the reply; replied → return_visit."""
    return act(session, code, "start_return_visit", actor=actor, **kw)


@unit_of_work
def record_return_visit(session: so.Session, code: str, outcome: str, reason: str = "", *, actor: str,
                        **kw: Any) -> Case:
    """The household's answer: satisfied closes; unsatisfied or contradicting reopens (the reason is required)."""
    return record_return_visit_locked(session, code, outcome, reason, actor=actor, **kw)


def record_return_visit_locked(session: so.Session, code: str, outcome: str, reason: str = "", *, actor: str,
                               **kw: Any) -> Case:
    """Inner step of record_return_visit (no commit): the survey of a return-visit call ends here."""
    try:
        action = rules.visit_action(outcome)
    except CaseError as exc:
        raise UserError(exc.code, outcome=outcome) from None
    return act_by_code_locked(session, code, action, actor=actor, reason=reason, outcome=outcome, **kw)


def override_close(session: so.Session, code: str, reason: str, *, actor: str, **kw: Any) -> Case:
    """An organiser closes without a satisfied return visit; the reason is required, logged and public."""
    return act(session, code, "override_close", actor=actor, reason=reason, **kw)


# --- the overdue check --------------------------------------------------------------------

@unit_of_work
def tick(session: so.Session, *, now: dt.datetime | None = None, policy: Policy | None = None,
         actor: str = "system:cases-tick", stream_code: str = DEFAULT_STREAM) -> TickResult:
    """Mark overdue cases and raise their escalation level; idempotent, safe to run twice at once.

    Under the stream lock every case not closed is assessed for the local day of `now`; only
    cases whose assessment changed are written, each with one event (case_overdue,
    case_escalated or case_overdue_cleared). A second run the same day changes nothing.
    """
    policy = policy or Policy()
    at = naive_utc(now)
    today = local_date(at, policy.zone)
    stream = lock_stream(session, stream_code)
    rows = session.scalars(sa.select(Case).where(Case.stream_id == stream.id, Case.status.not_in(rules.TERMINAL))
                           .order_by(Case.id).execution_options(populate_existing=True)).all()
    changed: list[str] = []
    for case in rows:
        state = _state(case)
        fresh = rules.assess(state, today, policy)
        old = rules.assessment_of(state)
        if fresh == old:
            continue
        _store(case, rules.apply_assessment(state, fresh))
        if fresh.overdue_reason is None:
            type_ = "case_overdue_cleared"
        elif old.overdue_reason is None or old.overdue_reason != fresh.overdue_reason:
            type_ = "case_overdue"
        else:
            type_ = "case_escalated"
        append_case_event(session, stream, case, type_, {**_head(case), "today": today.isoformat(),
                                                         "previous_escalation": old.escalation,
                                                         **_assessed(fresh)}, actor, at)
        changed.append(case.code)
    stream.last_tick_on = today
    return TickResult(today=today, changed=tuple(changed), checked=len(rows))


# --- reading ------------------------------------------------------------------------------

def get_case(session: so.Session, code: str) -> Case:
    """The case with this public code; NotFound(case_not_found)."""
    case = session.scalar(sa.select(Case).where(Case.code == code))
    if case is None:
        raise NotFound("case_not_found", code=code)
    return case


def public_case(case: Case) -> dict[str, Any]:
    """What the echo wall and the public pages may show: never names or phones of households.

    A private case (a personal matter) shows only its code, kind and status.
    """
    view = dict(rules.public_view(_state(case)))
    view.update(code=case.code, kind=case.kind, deadline=_iso(case.deadline), reply_due=_iso(case.reply_due),
                opened_on=_iso(case.opened_on), closed_on=_iso(case.closed_on))
    if case.private:
        return {k: view[k] for k in ("code", "kind", "status", "overdue", "closed_by_override")}
    view.update(promise=case.promise, items=list(case.items or []), responsible_unit=case.responsible_unit,
                responsible_person=case.responsible_person, reply=case.reply_text,
                override_reason=case.last_reason if case.closed_by_override else "")
    return view


# --- helpers ------------------------------------------------------------------------------

def _open_penalty(session: so.Session, stream: CaseStream, parent: Case, reason: str, actor: str, at: dt.datetime,
                  today: dt.date, policy: Policy) -> Case:
    n = session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.parent_id == parent.id)) or 0
    state = rules.new_case("penalty", today, None, policy)
    child = Case(stream_id=stream.id, code=rules.child_code(parent.code, n + 1), kind="penalty",
                 meeting_id=parent.meeting_id, round_id=parent.round_id, parent_id=parent.id, cadre_id=parent.cadre_id,
                 subject_unit=parent.subject_unit, township_id=parent.township_id, items=[], promise=reason,
                 responsible_person="", responsible_unit="", reopen_count=0, escalation="unit",
                 closed_by_override=False, private=parent.private, reply_text="", last_reason="")
    _store(child, state)
    child.households = list(parent.households)
    child.demands = list(parent.demands)
    session.add(child)
    session.flush()
    append_case_event(session, stream, child, "case_opened", {
        **_head(child), "parent": parent.code, "promise": reason, "opened_on": _iso(child.opened_on),
        "reply_due": _iso(child.reply_due), "deadline": _iso(child.deadline)}, actor, at)
    return child


def _next_code(session: so.Session, day: dt.date, round_number: int | None) -> str:
    """The next free public code of that day and round (the caller holds the stream lock)."""
    prefix = rules.case_code(day, round_number, 1)[:-2]
    taken = session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.code.like(prefix + "%"), sa.func.length(Case.code) == len(prefix) + 2))
    return rules.case_code(day, round_number, (taken or 0) + 1)


def case_in_stream(session: so.Session, stream: CaseStream, code: str) -> Case:
    """The case `code` of the locked stream, loaded fresh; NotFound(case_not_found)."""
    case = session.scalars(sa.select(Case).where(Case.code == code, Case.stream_id == stream.id)
                           .execution_options(populate_existing=True)).one_or_none()
    if case is None:
        raise NotFound("case_not_found", code=code)
    return case


def _state(case: Case) -> CaseState:
    return CaseState(kind=case.kind, status=case.status, opened_on=case.opened_on, reply_due=case.reply_due,
                     deadline=case.deadline, replied_on=case.replied_on, overdue_reason=case.overdue_reason,
                     overdue_since=case.overdue_since, escalation=case.escalation, reopen_count=case.reopen_count,
                     closed_on=case.closed_on, closed_by_override=case.closed_by_override)


def _store(case: Case, state: CaseState) -> None:
    for name in ("kind", "status", "opened_on", "reply_due", "deadline", "replied_on", "overdue_reason",
                 "overdue_since", "escalation", "reopen_count", "closed_on", "closed_by_override"):
        setattr(case, name, getattr(state, name))


def _head(case: Case) -> dict[str, Any]:
    return {"case": case.code, "kind": case.kind, "status": case.status}


def _assessed(state: CaseState | rules.Assessment) -> dict[str, Any]:
    return {"overdue_reason": state.overdue_reason, "overdue_since": _iso(state.overdue_since),
            "escalation": state.escalation}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


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
