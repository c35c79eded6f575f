"""Call-out verification through a telephony provider: propose, place, hang up, record answers.

Every change appends an event in the same transaction and commits once; the caller broadcasts.
Inner steps (`*_locked`) run inside the caller's transaction (live.actions.perform). The two
use cases that call the provider are named steps instead of one transaction: a call attempt is
committed *before* the provider is asked to dial, and a household with a live attempt cannot be
dialled again, so neither a crash nor a double tap dials twice. The provider is called with no
transaction open (a slow network must not hold the meeting lock).
Events from the provider: webhooks.py. Pure rules: scoring/calls.py.
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import Cadre, CallAttempt, CallEvent, Household, Meeting, Round
from meeting.services.draw import steps as draw_steps
from meeting.services.calls import dial
from meeting.services.calls.manual import clean_answers
from meeting.services.calls.order import admit, attempts_of, plan_for
from meeting.services.chain_check import require_chain_intact
from meeting.services.tx import lock_meeting, steps_outside_transaction, unit_of_work
from meeting.services.events import append_event
from meeting.services.live.rounds import current_round
from meeting.telephony import CallRequest, ProviderError, Telephony
from meeting.telephony.port import words as provider_words
from scoring import calls as core

OUTCOMES = ("answered", "ended", "busy", "no_answer", "failed")
MAX_NOTE = 1000


class ProviderRefused(UserError):
    """The provider refused (a ProviderError as a UserError): the code is the provider's
    (e.g. twilio_21217), the words its reason's catalog entry (meeting/messages/calls.py)."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.code)
        self.params = dict(error.params)
        self.reason = error.reason

    @property
    def message(self) -> str:
        """The provider's reason in words, in the active locale."""
        return provider_words(self.reason, self.params)


class CallFailed(ProviderRefused):
    """The provider refused the call. The failed attempt is already committed (and must be
    broadcast): `cause` is its event."""

    def __init__(self, error: ProviderError, cause: dict[str, Any]) -> None:
        super().__init__(error)
        self.cause = cause


def _cause(event: Any) -> dict[str, Any]:
    return {"type": event.type, "seq": event.seq}


def _round_of(session: so.Session, meeting: Meeting, allowed: tuple[str, ...]) -> Round:
    """The current round if calls are allowed in it now; the caller holds the meeting lock."""
    if meeting.status != "live":
        raise Conflict("not_live")
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.kind != "cadre" or rnd.cadre_id is None or rnd.stage not in allowed:
        raise Conflict("calls_not_verification")
    return rnd


def update_discrepancy(session: so.Session, rnd: Round) -> bool:
    """Flag the round when any household's answers contradict the cadre's report."""
    rnd.discrepancy = any(core.contradicts_claim(a.answers or {}) for a in attempts_of(session, rnd))
    return rnd.discrepancy


def _count(params: Mapping[str, Any], per_round: int) -> int:
    count = params.get("count", per_round)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10:
        raise UserError("call_count_range")
    return count


@unit_of_work
def propose_calls(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
                  tel: Telephony) -> dict[str, Any]:
    """Pick the households to call by the verifiable draw: `count` (default 2), plus one backup
    per household found unreachable. Asking again never re-rolls. Event: households_picked."""
    meeting = lock_meeting(session, meeting_id)
    require_chain_intact(meeting)
    return propose_calls_locked(session, meeting, params, actor, tel)


def propose_calls_locked(session: so.Session, meeting: Meeting, params: Mapping[str, Any], actor: str,
                         tel: Telephony) -> dict[str, Any]:
    """Inner step of propose_calls: the caller holds the meeting lock and commits."""
    rnd = _round_of(session, meeting, ("report", "verification"))
    per_round = _count(params, tel.settings.calls_per_round)
    needed = plan_for(session, meeting.id, rnd, per_round).needed
    picks = draw_steps.pick_households_locked(session, meeting, count=needed, actor=actor, round_id=rnd.id)
    return {"type": "households_picked", "seq": meeting.seq, "households": [p.code for p in picks],
            "new": [p.code for p in picks if p.new]}


def _next_household(session: so.Session, meeting: Meeting, actor: str, tel: Telephony) -> str:
    """The plan's next household, picking backups as needed (inside the caller's transaction)."""
    rnd = _round_of(session, meeting, ("verification",))
    per_round = tel.settings.calls_per_round
    plan = plan_for(session, meeting.id, rnd, per_round)
    if plan.next is None and len(plan.households) < plan.needed:
        draw_steps.pick_households_locked(session, meeting, count=plan.needed, actor=actor, round_id=rnd.id)
        plan = plan_for(session, meeting.id, rnd, per_round)
    if plan.next is None:
        raise Conflict("no_household_left")
    return plan.next


def _store_attempt(session: so.Session, meeting: Meeting, code: str, reason: Any, actor: str,
                   tel: Telephony) -> tuple[CallAttempt, str, dict[str, Any]]:
    rnd = _round_of(session, meeting, ("verification",))
    meeting_id = meeting.id
    household = session.scalar(sa.select(Household).where(Household.code == code))
    live = [a for a in attempts_of(session, rnd) if household is not None and a.household_id == household.id
            and not core.is_terminal(a.state)]
    if live:
        raise Conflict("call_in_progress")
    household, pick, reason = admit(session, meeting_id, rnd, code, reason, tel.settings.calls_per_round)
    try:
        number = core.e164(household.phone, tel.settings.country_code)
    except ValueError:
        raise UserError("bad_phone") from None
    call = CallAttempt(round_id=rnd.id, household_id=household.id, pick=pick, provider=tel.provider.name,
                       state="queued", answers={}, note="", error="")
    session.add(call)
    session.flush()
    session.add(CallEvent(call_attempt_id=call.id, source="moderator", state="queued",
                          raw={"action": "place_call", "actor": actor, "pick": pick, "reason": reason}))
    if pick == "manual":
        append_event(session, meeting_id, "household_named", {"round": rnd.number, "household": code,
                                                              "reason": reason}, actor)
    event = append_event(session, meeting_id, "call_placed", {"round": rnd.number, "call": call.id, "household": code,
                                                               "pick": pick, "provider": call.provider}, actor)
    return call, number, _cause(event)


def move_call(session: so.Session, meeting_id: int, call: CallAttempt, state: str, actor: str, source: str,
          raw: dict[str, Any], **payload: Any) -> dict[str, Any] | None:
    """Store the raw event; move the call forward if `state` is ahead; event if it moved."""
    new = core.advance(call.state, state)
    session.add(CallEvent(call_attempt_id=call.id, source=source, state=new, raw=raw))
    if new is None:
        return None
    previous, call.state = call.state, new
    rnd = session.get(Round, call.round_id)
    event = append_event(session, meeting_id, "call_state_changed",
                         {"round": rnd.number, "call": call.id, **subject(session, call), "state": new,
                          "previous": previous, **payload}, actor)
    return _cause(event)


def subject(session: so.Session, call: CallAttempt) -> dict[str, Any]:
    """Who a call is to, for the event log: {"household": code}, or {"cadre": number} for a
    phone-in report (services/calls/cadre.py). Codes and numbers only, never a phone."""
    if call.kind == "cadre":
        cadre = session.get(Cadre, call.cadre_id)
        return {"cadre": cadre.number if cadre else None}
    return {"household": call.household.code}


@unit_of_work
def _dial_attempt(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
                  tel: Telephony) -> tuple[CallRequest, str, dict[str, Any]]:
    """Step 1 of place_call: the household (backups picked as needed) and its attempt, queued,
    committed with its event before anyone is dialled."""
    meeting = lock_meeting(session, meeting_id)
    require_chain_intact(meeting)
    code = params.get("household_code")
    if code is None:
        code = _next_household(session, meeting, actor, tel)
    if not isinstance(code, str) or not code.strip():
        raise UserError("missing_household_code")
    call, number, cause = _store_attempt(session, meeting, code.strip(), params.get("reason"), actor, tel)
    return dial.request_for(call.id, number, tel), code, cause


def meeting_lock(meeting_id: int, actor: str) -> dial.Lock:
    """The record step's lock for a call of the meeting (dial.dial): the meeting's lock, and the
    provider's answer moves the call with a call_state_changed event (move_call)."""

    def lock(session: so.Session) -> dial.Move:
        lock_meeting(session, meeting_id)

        def move(call: CallAttempt, state: str, raw: dict[str, Any], **payload: Any) -> dict[str, Any] | None:
            return move_call(session, meeting_id, call, state, actor, "provider", raw, **payload)

        return move

    return lock


@steps_outside_transaction
def place_call(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
               tel: Telephony) -> dict[str, Any]:
    """Dial a household: `household_code`, or without it the next one of the plan (backups
    are picked as needed). Calls follow the draw (`admit`): a household outside it only once the
    draw is exhausted, with a `reason`, logged as a manual pick (event household_named).

    Three steps, never one transaction: the attempt (queued) is committed (_dial_attempt), the
    provider is asked with no transaction open, and its answer is recorded (dial.dial):
    the attempt becomes dialling with the provider's reference, or failed with the provider's
    message, in which case CallFailed (a UserError carrying the committed cause) is raised. A
    crash between the steps leaves the attempt queued: it is never dialled twice.
    """
    request, code, cause = _dial_attempt(session, meeting_id, params, actor, tel)
    done = dial.dial(session, tel, request, meeting_lock(meeting_id, actor), "place_call")
    if done.error is not None:
        raise CallFailed(done.error, done.moved or cause)
    call = done.call
    return {**(done.moved or cause), "call": call.id, "household": code, "state": call.state, "pick": call.pick}


def _call_of(session: so.Session, meeting_id: int, params: Mapping[str, Any]) -> CallAttempt:
    call_id = params.get("call_id")
    if not isinstance(call_id, int) or isinstance(call_id, bool):
        raise UserError("call_id_not_int")
    call = session.get(CallAttempt, call_id, populate_existing=True)
    rnd = session.get(Round, call.round_id) if call else None
    if call is None or rnd is None or rnd.meeting_id != meeting_id:
        raise NotFound("call_not_found")
    return call


@unit_of_work
def _hangup_target(session: so.Session, meeting_id: int, params: Mapping[str, Any]) -> tuple[int, str | None, str, str]:
    """Step 1 of hangup_call (reads only): the call, if it is not over: (id, ref, state, provider)."""
    require_chain_intact(lock_meeting(session, meeting_id))
    call = _call_of(session, meeting_id, params)
    if core.is_terminal(call.state):
        raise Conflict("call_over")
    return call.id, call.provider_ref, call.state, call.provider


@unit_of_work
def _record_hangup(session: so.Session, meeting_id: int, call_id: int, actor: str) -> dict[str, Any]:
    """Step 2 of hangup_call: the call ended (answered) or canceled, in a transaction of its own."""
    meeting = lock_meeting(session, meeting_id)
    call = session.get(CallAttempt, call_id, populate_existing=True)
    target = "ended" if call.state == "answered" else "canceled"
    moved = move_call(session, meeting_id, call, target, actor, "moderator", {"action": "hangup", "actor": actor})
    if moved is None:  # the provider's own "completed" got there first
        return {"type": "call_state_changed", "seq": meeting.seq, "call": call_id, "state": call.state}
    return {**moved, "call": call_id, "state": call.state}


@steps_outside_transaction
def hangup_call(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
                tel: Telephony) -> dict[str, Any]:
    """Hang up (answered) or cancel (not yet answered) a call. Event: call_state_changed.

    Like place_call, never one transaction: the call is checked (_hangup_target), the provider
    asked to hang up with no transaction open, and the end recorded (_record_hangup).
    """
    call_id, ref, state, provider = _hangup_target(session, meeting_id, params)
    if ref and provider == tel.provider.name and state != "queued":
        try:
            tel.provider.hangup(ref)
        except ProviderError as exc:
            raise ProviderRefused(exc) from None
    return _record_hangup(session, meeting_id, call_id, actor)


@unit_of_work
def record_answers(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The moderator's entries for a call: answers (merged), `outcome` (forward only) and a note.

    Event: call_answers_recorded (the note stays private: it is not in the public event log).
    """
    meeting = lock_meeting(session, meeting_id)
    require_chain_intact(meeting)
    return record_answers_locked(session, meeting, params, actor)


def record_answers_locked(session: so.Session, meeting: Meeting, params: Mapping[str, Any],
                          actor: str) -> dict[str, Any]:
    """Inner step of record_answers: the caller holds the meeting lock and commits."""
    meeting_id = meeting.id
    rnd = _round_of(session, meeting, ("verification", "scoring_open", "scoring_closed"))
    call = _call_of(session, meeting_id, params)
    if call.round_id != rnd.id:
        raise Conflict("call_not_current_round")
    if call.kind == "cadre":  # the cadre's own call has no survey (services/calls/cadre.py)
        raise Conflict("cadre_call_no_answers")
    answers = clean_answers(params.get("answers"))
    outcome = params.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise UserError("call_outcome_unknown", list=", ".join(OUTCOMES))
    note = params.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise UserError("call_note_too_long")
    raw = {"action": "record_answers", "actor": actor, "answers": answers, "outcome": outcome}
    if outcome is not None:
        target = "ended" if outcome in ("answered", "ended") else outcome
        if target in core.UNREACHABLE and call.provider != "manual":
            raise Conflict("call_outcome_provider", provider=call.provider)
        if target != call.state and core.advance(call.state, target) is None:
            raise Conflict("call_state", state=call.state)
        move_call(session, meeting_id, call, target, actor, "moderator", raw)
    else:
        session.add(CallEvent(call_attempt_id=call.id, source="moderator", state=None, raw=raw))
    if answers and call.state not in ("answered", "ended"):
        raise UserError("bad_answers")
    if answers:
        call.answers = {**(call.answers or {}), **answers}
    if note is not None:
        call.note = note.strip()
    discrepancy = update_discrepancy(session, rnd)
    event = append_event(session, meeting_id, "call_answers_recorded",
                         {"round": rnd.number, "call": call.id, "household": call.household.code,
                          "answers": core.survey_answers(call.answers or {}), "state": call.state,
                          "discrepancy": discrepancy}, actor)
    return {**_cause(event), "call": call.id, "state": call.state, "discrepancy": discrepancy}


def round_calls_view(session: so.Session, meeting_id: int, rnd: Round, per_round: int) -> dict[str, Any]:
    """Moderator snapshot additions: the call plan and the decision the answers suggest."""
    plan = plan_for(session, meeting_id, rnd, per_round) if rnd.kind == "cadre" and rnd.cadre_id else None
    return {"call_plan": plan.to_json() if plan else None,
            "suggested_decision": "investigation" if rnd.discrepancy else None}
