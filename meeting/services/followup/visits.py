"""Return visits (回访) of a replied case, through the telephony port.

`start_visit` moves a replied case to return_visit and publishes the order its households
are called in (scoring.visits, from the case's seed committed when it was opened).
`place_visit_call` dials the next household of that order that has not been tried in this
visit, in the named steps every dialled call shares (services/calls/dial.py): the attempt is
committed, the provider asked with no transaction open, its answer recorded in a transaction
of its own.
The household answers a short keypad survey (resolved? satisfied 1–5?) through the same
webhooks and simulator as a household call on stage (services/calls/webhooks.py hands a
call of kind "visit" to the `*_locked` steps here). When both answers are in,
record_return_visit runs in the same transaction: satisfied closes, otherwise the case
reopens with the answers as its reason. A household that cannot be reached leaves the visit
open; the next `place_visit_call` calls the next household of the order.

Every step is an event of the county's case stream (stream.py), which is also the lock.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import CallAttempt, CallEvent
from meeting.models.cases import Case, CaseEvent, CaseStream
from meeting.services.calls import dial
from meeting.services.followup.cases import act_locked, case_in_stream, naive_utc, record_return_visit_locked
from meeting.services.followup.seeds import secret_seed
from meeting.services.followup.stream import DEFAULT_STREAM, append_case_event, lock_stream
from meeting.services.tx import steps_outside_transaction, unit_of_work
from meeting.telephony import Answered, CallRequest, KeysPressed, LineStatus, ProviderError, Telephony
from scoring import calls as core
from scoring import visits as rules
from scoring.deadlines import Policy

MAX_RETRIES = 1  # a step without a valid key is asked once more, then the call ends unanswered


class VisitCallFailed(UserError):
    """The provider refused the return-visit call (recorded: the attempt is failed); `error` is
    the provider's (its code is in the case event)."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__("visit_call_failed", reason=error.message)
        self.error = error


def _actor(call: CallAttempt) -> str:
    return f"telephony:{call.provider}"


def visit_number(session: so.Session, case: Case) -> int:
    """How many return visits the case has had (the current one's number; 0 before the first)."""
    return session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.type == "case_return_visit_started")) or 0


def visit_calls(session: so.Session, case: Case, visit: int) -> list[CallAttempt]:
    """The calls of visit n of the case, oldest first."""
    return list(session.scalars(sa.select(CallAttempt).where(
        CallAttempt.case_id == case.id, CallAttempt.kind == rules.KIND, CallAttempt.visit == visit)
        .order_by(CallAttempt.id)))


def visit_order(case: Case, visit: int) -> list[rules.VisitPick]:
    """Visit n's order of the case's households (the seed unsealed; never shown before the reveal)."""
    if not case.seed_sealed:
        raise Conflict("visit_no_seed", code=case.code)
    return rules.pick_order(secret_seed(case), case.code, visit, [h.code for h in case.households])


@unit_of_work
def start_visit(session: so.Session, code: str, actor: str, stream_code: str = DEFAULT_STREAM) -> dict[str, Any]:
    """replied → return_visit; the households' order for this visit is published with the event."""
    stream = lock_stream(session, stream_code)
    return start_visit_locked(session, stream, case_in_stream(session, stream, code), actor)


def start_visit_locked(session: so.Session, stream: CaseStream, case: Case, actor: str, *,
                       at: Any = None, policy: Any = None) -> dict[str, Any]:
    """Inner step of start_visit (the stream lock is held, no commit); also the case page's
    「启动回访」, so every visit's order is drawn and published the same way."""
    if not case.households:
        raise Conflict("visit_no_household", code=case.code)
    n = visit_number(session, case) + 1
    order = [p.as_dict() for p in visit_order(case, n)]
    act_locked(session, stream, case, "start_return_visit", actor=actor, reason="", at=naive_utc(at),
               policy=policy or Policy(), extra={"visit": n, "order": [p["code"] for p in order], "picks": order})
    return {"case": case.code, "visit": n, "order": [p["code"] for p in order]}


@unit_of_work
def _visit_attempt(session: so.Session, code: str, actor: str, tel: Telephony,
                   stream_code: str) -> tuple[CallRequest, dict[str, Any]]:
    """Step 1 of place_visit_call: the next household and its attempt (queued), committed first."""
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    if case.status != "return_visit":
        raise Conflict("visit_not_now", code=code, status=case.status)
    n = visit_number(session, case)
    calls = visit_calls(session, case, n)
    if any(not core.is_terminal(c.state) for c in calls):
        raise Conflict("visit_call_in_progress", code=code)
    tried = {c.household_id for c in calls}
    households = {h.code: h for h in case.households}
    pick = next((p for p in visit_order(case, n) if households[p.code].id not in tried), None)
    if pick is None:
        raise Conflict("visit_no_household_left", code=code)
    household = households[pick.code]
    try:
        number = core.e164(household.phone, tel.settings.country_code)
    except ValueError:
        raise UserError("bad_phone") from None
    call = CallAttempt(round_id=None, case_id=case.id, visit=n, household_id=household.id, kind=rules.KIND,
                       pick="visit", provider=tel.provider.name, state="queued", answers={}, note="", error="")
    session.add(call)
    session.flush()
    session.add(CallEvent(call_attempt_id=call.id, source="staff", state="queued",
                          raw={"action": "place_visit_call", "actor": actor, "slot": pick.slot}))
    append_case_event(session, stream, case, "case_visit_call_placed",
                      {"case": code, "visit": n, "call": call.id, "household": pick.code, "slot": pick.slot,
                       "provider": call.provider}, actor)
    return dial.request_for(call.id, number, tel), {"case": code, "visit": n, "call": call.id, "household": pick.code}


def _stream_lock(stream_code: str, actor: str) -> dial.Lock:
    """The record step's lock for a visit call (dial.dial): the case stream's lock, and the
    provider's answer moves the call with a case_visit_call_state event (move_visit_call)."""

    def lock(session: so.Session) -> dial.Move:
        stream = lock_stream(session, stream_code)

        def move(call: CallAttempt, state: str, raw: dict[str, Any], **payload: Any) -> bool:
            return move_visit_call(session, stream, call, state, actor, "provider", raw, **payload)

        return move

    return lock


@steps_outside_transaction
def place_visit_call(session: so.Session, code: str, actor: str, tel: Telephony,
                     stream_code: str = DEFAULT_STREAM) -> dict[str, Any]:
    """Call the next household of the current visit's order (the staff action).

    Refused (nothing changes): the case is not in return_visit, a call of the visit is still
    going, or every household has been tried. A provider refusal is recorded (the attempt
    failed, event case_visit_call_state) and raised as VisitCallFailed.
    """
    request, out = _visit_attempt(session, code, actor, tel, stream_code)
    done = dial.dial(session, tel, request, _stream_lock(stream_code, actor), "place_visit_call", error_params=False)
    if done.error is not None:
        raise VisitCallFailed(done.error)
    return {**out, "state": done.call.state}


def move_visit_call(session: so.Session, stream: CaseStream, call: CallAttempt, state: str, actor: str,
                    source: str, raw: dict[str, Any], **payload: Any) -> bool:
    """Store the raw event; move the call forward if `state` is ahead, with its case event."""
    new = core.advance(call.state, state)
    session.add(CallEvent(call_attempt_id=call.id, source=source, state=new, raw=raw))
    if new is None:
        return False
    previous, call.state = call.state, new
    case = session.get(Case, call.case_id)
    append_case_event(session, stream, case, "case_visit_call_state",
                      {"case": case.code, "visit": call.visit, "call": call.id, "household": call.household.code,
                       "state": new, "previous": previous, **payload}, actor)
    return True


# --- what the provider tells us (called by services/calls/webhooks.py inside its transaction) ---

def is_visit(session: so.Session, call_id: int) -> bool:
    """Is this a return-visit call?"""
    return session.scalar(sa.select(CallAttempt.kind).where(CallAttempt.id == call_id)) == rules.KIND


def _load(session: so.Session, call_id: int) -> tuple[CallAttempt, CaseStream, Case]:
    call = session.get(CallAttempt, call_id)
    if call is None or call.kind != rules.KIND or call.provider == "manual":
        raise NotFound("call_not_found")
    case = session.get(Case, call.case_id)
    stream = lock_stream(session, session.get(CaseStream, case.stream_id).code)
    session.refresh(call)
    session.refresh(case)
    return call, stream, case


def _owned(call: CallAttempt, ref: str | None) -> bool:
    if call.provider_ref and ref and ref != call.provider_ref:
        return False
    if not call.provider_ref and ref:
        call.provider_ref = ref[:64]
    return True


def status_locked(session: so.Session, call_id: int, event: LineStatus) -> tuple[int | None, str | None, int]:
    """A status event of a return-visit call: forward only. Returns (meeting id, step, retry)."""
    call, stream, case = _load(session, call_id)
    if event.leg is not None or not _owned(call, event.ref) or event.state is None:
        session.add(CallEvent(call_attempt_id=call.id, source="provider", state=None,
                              raw={**dict(event.raw), "ignored": "not this call's leg or unknown status"}))
    else:
        move_visit_call(session, stream, call, event.state, _actor(call), "provider", dict(event.raw))
    return case.meeting_id, None, 0


def voice_locked(session: so.Session, call_id: int, event: Answered) -> tuple[int | None, str, int]:
    """The household answered: the first question (resolved?)."""
    call, stream, case = _load(session, call_id)
    if not _owned(call, event.ref) or core.is_terminal(call.state):
        session.add(CallEvent(call_attempt_id=call.id, source="provider", state=None,
                              raw={**dict(event.raw), "next": "gone"}))
        return case.meeting_id, "gone", 0
    move_visit_call(session, stream, call, "answered", _actor(call), "provider",
                    {**dict(event.raw), "next": rules.STEPS[0], "next_retry": 0})
    return case.meeting_id, rules.STEPS[0], 0


def gather_locked(session: so.Session, call_id: int, step: str, event: KeysPressed,
                  retry: int) -> tuple[int | None, str, int]:
    """The key pressed for one step; the first answer stands. When the survey is complete the
    case's return visit is recorded here, in the same transaction."""
    if step not in rules.STEPS:
        raise NotFound("unknown_survey_step")
    call, stream, case = _load(session, call_id)
    raw = dict(event.raw)
    if not _owned(call, event.ref) or core.is_terminal(call.state):
        session.add(CallEvent(call_attempt_id=call.id, source="provider", state=None, raw={**raw, "next": "gone"}))
        return case.meeting_id, "gone", 0
    value = rules.parse_digit(step, event.digits)
    answers = dict(call.answers or {})
    standing, outcome = core.merge_answer(answers.get(step), value)
    if standing is None:
        nxt, nxt_retry = (step, retry + 1) if retry < MAX_RETRIES else ("thanks", 0)
    else:
        nxt, nxt_retry = rules.next_step(step) or "thanks", 0
    note = {"ignored": "conflicts_with_first_answer", "kept": standing} if outcome == "ignored" else {}
    session.add(CallEvent(call_attempt_id=call.id, source="provider", state=None,
                          raw={**raw, "value": value, "next": nxt, "next_retry": nxt_retry, **note}))
    if outcome == "recorded":
        call.answers = {**answers, step: standing}
        append_case_event(session, stream, case, "case_visit_answer",
                          {"case": case.code, "visit": call.visit, "call": call.id, "household": call.household.code,
                           "question": step, "answer": standing}, _actor(call))
        conclude_locked(session, call, case, _actor(call))
    return case.meeting_id, nxt, nxt_retry


def conclude_locked(session: so.Session, call: CallAttempt, case: Case, actor: str) -> str | None:
    """Once a visit call's survey is complete and the case still awaits it: record the outcome."""
    answers = call.answers or {}
    if not rules.complete(answers) or case.status != "return_visit" or call.visit != visit_number(session, case):
        return None
    outcome = rules.outcome(answers)
    reason = rules.reason(call.visit, call.household.code, answers)
    stream_code = session.get(CaseStream, case.stream_id).code
    record_return_visit_locked(session, case.code, outcome, reason, actor=actor, stream_code=stream_code,
                               extra={"visit": call.visit, "call": call.id, "household": call.household.code,
                                      "answers": {s: answers.get(s) for s in rules.STEPS}})
    return outcome


# --- a desk-phone visit (manual provider): staff enter what the household said ------------

MANUAL_OUTCOMES = ("answered", "busy", "no_answer", "failed")


@unit_of_work
def record_visit_call(session: so.Session, code: str, actor: str, outcome: str, resolved: str | None = None,
                      satisfaction: int | None = None, stream_code: str = DEFAULT_STREAM) -> dict[str, Any]:
    """The staff's word on the current visit's desk-phone call: unreachable (busy, no_answer,
    failed: the next household is called next), or answered with both answers (resolved: yes,
    partly or no; satisfaction 1–5), which records the case's return visit as a webhook would."""
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    live = [c for c in visit_calls(session, case, visit_number(session, case)) if not core.is_terminal(c.state)]
    if not live:
        raise Conflict("visit_no_call", code=code)
    call = live[-1]
    if call.provider != "manual":
        raise Conflict("call_outcome_provider", provider=call.provider)
    if outcome not in MANUAL_OUTCOMES:
        raise UserError("call_outcome_unknown", list=", ".join(MANUAL_OUTCOMES))
    raw = {"action": "record_visit_call", "actor": actor, "outcome": outcome}
    if outcome != "answered":
        move_visit_call(session, stream, call, outcome, actor, "staff", raw)
        return {"case": code, "call": call.id, "state": call.state, "outcome": None}
    answers = {"visit_resolved": resolved if resolved in rules.RESOLVED.values() else None,
               "visit_satisfaction": satisfaction if satisfaction in (1, 2, 3, 4, 5) else None}
    if not rules.complete(answers) or isinstance(satisfaction, bool):
        raise UserError("visit_answers_invalid")
    move_visit_call(session, stream, call, "answered", actor, "staff", raw)
    call.answers = answers
    for step in rules.STEPS:
        append_case_event(session, stream, case, "case_visit_answer",
                          {"case": code, "visit": call.visit, "call": call.id, "household": call.household.code,
                           "question": step, "answer": answers[step]}, actor)
    result = conclude_locked(session, call, case, actor)
    move_visit_call(session, stream, call, "ended", actor, "staff", raw)
    return {"case": code, "call": call.id, "state": call.state, "outcome": result}
