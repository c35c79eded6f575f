"""The life cycle of follow-up cases: reply, return visit, reopen, close, the overdue tick; reading.

Each public function here is one transaction: lock the county's case stream, check with the pure
rules (scoring.cases), change, append to the stream's hash chain, commit once. The clock comes in
as `now` (naive UTC, default: the real time); days are counted in the policy's zone.

Opening a case (from a decision or a pledge) is opening.py; it shares the row <-> state helpers
at the end of this module. A confirmed investigation opens its penalty case here, as a step of
the life cycle.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import utcnow
from meeting.models.cases import Case, CaseEvent, CaseStream
from meeting.services.followup.seeds import reveal_if_closed
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
    store_state(case, after)
    if action == "reply":
        case.reply_text = text
    elif text:
        case.last_reason = text
    payload = {**event_head(case), "action": action, "from": before.status, "reason": text, **_assessed(after)}
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
        store_state(case, rules.apply_assessment(state, fresh))
        if fresh.overdue_reason is None:
            type_ = "case_overdue_cleared"
        elif old.overdue_reason is None or old.overdue_reason != fresh.overdue_reason:
            type_ = "case_overdue"
        else:
            type_ = "case_escalated"
        append_case_event(session, stream, case, type_, {**event_head(case), "today": today.isoformat(),
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
    view.update(code=case.code, kind=case.kind, deadline=iso_day(case.deadline), reply_due=iso_day(case.reply_due),
                opened_on=iso_day(case.opened_on), closed_on=iso_day(case.closed_on))
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
    store_state(child, state)
    child.households = list(parent.households)
    child.demands = list(parent.demands)
    session.add(child)
    session.flush()
    append_case_event(session, stream, child, "case_opened", {
        **event_head(child), "parent": parent.code, "promise": reason, "opened_on": iso_day(child.opened_on),
        "reply_due": iso_day(child.reply_due), "deadline": iso_day(child.deadline)}, actor, at)
    return child


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


def store_state(case: Case, state: CaseState) -> None:
    """Copy the pure rules' state onto the case row (the columns they own)."""
    for name in ("kind", "status", "opened_on", "reply_due", "deadline", "replied_on", "overdue_reason",
                 "overdue_since", "escalation", "reopen_count", "closed_on", "closed_by_override"):
        setattr(case, name, getattr(state, name))


def event_head(case: Case) -> dict[str, Any]:
    """The fields every case event starts with: code, kind, status."""
    return {"case": case.code, "kind": case.kind, "status": case.status}


def _assessed(state: CaseState | rules.Assessment) -> dict[str, Any]:
    return {"overdue_reason": state.overdue_reason, "overdue_since": iso_day(state.overdue_since),
            "escalation": state.escalation}


def iso_day(day: dt.date | None) -> str | None:
    """A day as the events store it (ISO), or None."""
    return day.isoformat() if day else None
