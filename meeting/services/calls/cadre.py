"""Phone-in report (电话述职): the console dials the drawn cadre through the telephony port.

In Yishui a drawn cadre reports "当面或在电话中". `dial_cadre` stores a call attempt of kind
"cadre" (no household) and commits it, asks the provider with no transaction open, then
records what the provider said — the same three steps as a household call (dial.py), the
same state machine, webhooks and simulator. When the cadre answers, the report starts on the
call (`begin_phone_report`: stage report, report_started_at, report_mode "phone"), in the
transaction that records the answer; the hall hears the call through the hall line, dialled
into the call's conference on answer (webhooks.receive_answer). A cadre who cannot be reached
is redialled or skipped with the reason "unreachable" (无法接通).
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Cadre, CallAttempt, CallEvent, Meeting, Round, utcnow
from meeting.services.calls import dial
from meeting.services.calls.attempts import CallFailed, meeting_lock, move_call
from meeting.services.chain_check import require_chain_intact
from meeting.services.events import append_event
from meeting.services.live.rounds import current_round
from meeting.services.tx import lock_meeting, steps_outside_transaction, unit_of_work
from meeting.telephony import CallRequest, Telephony
from scoring import calls as core
from scoring import stages

DIAL_STAGES = ("draw", "report")  # after the draw (the call starts the report) or during it (a redial)
OUTCOMES = ("answered", "ended", "busy", "no_answer", "failed")


def _cause(event: Any) -> dict[str, Any]:
    return {"type": event.type, "seq": event.seq}


def cadre_calls(session: so.Session, rnd: Round) -> list[CallAttempt]:
    """The calls to the round's current cadre, oldest first."""
    if rnd.cadre_id is None:
        return []
    return list(session.scalars(sa.select(CallAttempt).where(
        CallAttempt.round_id == rnd.id, CallAttempt.kind == "cadre", CallAttempt.cadre_id == rnd.cadre_id)
        .order_by(CallAttempt.id)))


def live_cadre_call(session: so.Session, rnd: Round) -> CallAttempt | None:
    """The round's cadre call still in progress (queued … answered), if any."""
    return next((c for c in cadre_calls(session, rnd) if not core.is_terminal(c.state)), None)


def _seconds(params: Mapping[str, Any]) -> int | None:
    seconds = params.get("seconds")
    if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool) or not 30 <= seconds <= 3600):
        raise UserError("bad_seconds", low=30, high=3600)
    return seconds


@unit_of_work
def _dial_attempt(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
                  tel: Telephony) -> tuple[CallRequest, dict[str, Any]]:
    """Step 1 of dial_cadre: the attempt (queued) and its event, committed before anyone is dialled."""
    meeting = lock_meeting(session, meeting_id)
    require_chain_intact(meeting)
    if meeting.status != "live":
        raise Conflict("not_live")
    rnd = current_round(session, meeting_id)
    if rnd is None or rnd.kind != "cadre" or rnd.cadre_id is None or rnd.stage not in DIAL_STAGES:
        raise Conflict("cadre_call_not_now")
    if live_cadre_call(session, rnd) is not None:
        raise Conflict("cadre_call_in_progress")
    seconds = _seconds(params)
    cadre = session.get(Cadre, rnd.cadre_id)
    try:
        number = core.e164(cadre.phone, tel.settings.country_code)
    except ValueError:
        raise UserError("cadre_no_phone", number=cadre.number) from None
    if seconds is not None and rnd.stage == "draw":
        rnd.report_seconds = seconds
    call = CallAttempt(round_id=rnd.id, household_id=None, kind="cadre", cadre_id=cadre.id, pick="cadre",
                       provider=tel.provider.name, state="queued", answers={}, note="", error="")
    session.add(call)
    session.flush()
    session.add(CallEvent(call_attempt_id=call.id, source="moderator", state="queued",
                          raw={"action": "dial_cadre", "actor": actor}))
    event = append_event(session, meeting_id, "cadre_call_placed",
                         {"round": rnd.number, "call": call.id, "cadre": cadre.number, "provider": call.provider},
                         actor)
    return dial.request_for(call.id, number, tel), _cause(event)


@steps_outside_transaction
def dial_cadre(session: so.Session, meeting_id: int, params: Mapping[str, Any], actor: str,
               tel: Telephony) -> dict[str, Any]:
    """Dial the drawn cadre for a phone-in report (stage draw or report; `seconds`: report time).

    Stores the attempt (queued) and commits, then asks the provider; the attempt becomes
    dialling with the provider's reference, or failed with the provider's message (CallFailed,
    carrying the committed cause). Events: cadre_call_placed, call_state_changed.
    """
    request, cause = _dial_attempt(session, meeting_id, params, actor, tel)
    done = dial.dial(session, tel, request, meeting_lock(meeting_id, actor), "dial_cadre")
    if done.error is not None:
        raise CallFailed(done.error, done.moved or cause)
    return {**(done.moved or cause), "call": done.call.id, "state": done.call.state}


def begin_phone_report(session: so.Session, meeting_id: int, call: CallAttempt, actor: str) -> dict[str, Any] | None:
    """The cadre answered: the report runs on the call. In stage draw the round moves to report
    and its timer starts now; during the report (a redial, or a switch from in person) the
    timer runs on. Nothing for a call that is not the round's current cadre's. In the caller's
    transaction; returns the cause of the event it appended, or None."""
    rnd = session.get(Round, call.round_id)
    if call.kind != "cadre" or call.state != "answered" or rnd.cadre_id != call.cadre_id:
        return None
    if session.get(Meeting, meeting_id).status != "live":  # a late answer never moves a closed meeting
        return None
    if rnd.stage == "draw":
        rnd.stage = stages.transition(rnd.kind, rnd.stage, "start_report", has_subject=True)
        rnd.report_started_at = utcnow()
        rnd.report_mode = "phone"
        event = append_event(session, meeting_id, "report_started",
                             {"round": rnd.number, "seconds": rnd.report_seconds, "mode": "phone", "call": call.id},
                             actor)
        return _cause(event)
    if rnd.stage == "report" and rnd.report_mode != "phone":
        rnd.report_mode = "phone"
        if rnd.report_started_at is None:
            rnd.report_started_at = utcnow()
        event = append_event(session, meeting_id, "report_mode_changed",
                             {"round": rnd.number, "mode": "phone", "call": call.id}, actor)
        return _cause(event)
    return None


def record_cadre_call_locked(session: so.Session, meeting: Meeting, params: Mapping[str, Any],
                             actor: str) -> dict[str, Any]:
    """Inner step (the caller holds the lock and commits): `outcome` answered (the report
    starts), ended, busy, no_answer or failed. Providers that dial report these themselves
    (call_outcome_provider)."""
    if meeting.status != "live":
        raise Conflict("not_live")
    meeting_id = meeting.id
    rnd = current_round(session, meeting_id)
    call = live_cadre_call(session, rnd) if rnd is not None else None
    if call is None:
        raise Conflict("no_cadre_call")
    if call.provider != "manual":
        raise Conflict("call_outcome_provider", provider=call.provider)
    outcome = params.get("outcome")
    if outcome not in OUTCOMES:
        raise UserError("call_outcome_unknown", list=", ".join(OUTCOMES))
    if core.advance(call.state, outcome) is None:
        raise Conflict("call_state", state=call.state)
    raw = {"action": "record_cadre_call", "actor": actor, "outcome": outcome}
    moved = move_call(session, meeting_id, call, outcome, actor, "moderator", raw)
    report = begin_phone_report(session, meeting_id, call, actor)
    cause = report or moved or {"type": "call_state_changed", "seq": meeting.seq}
    return {**cause, "call": call.id, "state": call.state}


def cadre_call_view(session: so.Session, rnd: Round, staff: bool) -> dict[str, Any] | None:
    """The round's latest call to its cadre as the snapshot shows it: {id, state, attempts}
    for every screen; the provider, its error and the number for the console only (a desk
    phone needs it in full, as the households' numbers). The cadre's phone is never public."""
    calls = cadre_calls(session, rnd)
    if not calls:
        return None
    call = calls[-1]
    out: dict[str, Any] = {"id": call.id, "state": call.state, "attempts": len(calls)}
    if staff:
        cadre = session.get(Cadre, call.cadre_id)
        out.update(provider=call.provider, error=call.error, phone=cadre.phone if cadre else "")
    return out
