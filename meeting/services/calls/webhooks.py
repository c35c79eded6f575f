"""What the provider tells us about a call (already signature-checked by the view).

Status callbacks move the call's state forward only; the household's key presses answer the
survey, consent first. Every raw event is stored, including duplicates and those arriving
out of order (which change nothing else). Each function commits and returns what the view
needs: the cause to broadcast, and which TwiML step to answer with.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import CallAttempt, CallEvent, Meeting, Round
from meeting.services.calls.attempts import move_call, update_discrepancy
from meeting.services.tx import lock_meeting, transactional
from meeting.services.events import append_event
from meeting.telephony import HallRequest, Telephony
from meeting.telephony.text import _
from scoring import calls as core

MAX_RETRIES = 1  # a step without a valid key is asked once more, then passed over


@dataclass
class WebhookResult:
    """The outcome of one webhook: broadcast `cause` (if any), answer with TwiML `step`."""

    meeting_id: int
    call_id: int
    cause: dict[str, Any] | None = None
    step: str | None = None   # consent | visited | resolved | satisfaction | bridge | declined | gone
    retry: int = 0
    title: str = ""
    hall: HallRequest | None = None


def raw_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook's form as plain JSON (repeated fields as lists)."""
    if hasattr(params, "to_dict"):
        multi = params.to_dict(flat=False)  # type: ignore[attr-defined]
        return {k: v[0] if len(v) == 1 else v for k, v in multi.items()}
    return dict(params)


def _load(session: so.Session, call_id: int) -> tuple[CallAttempt, Round, Meeting]:
    meeting_id = session.scalar(sa.select(Round.meeting_id).join(CallAttempt, CallAttempt.round_id == Round.id)
                                .where(CallAttempt.id == call_id))
    if meeting_id is None:
        raise NotFound(_("There is no such call in this meeting."))
    meeting = lock_meeting(session, meeting_id)
    call = session.get(CallAttempt, call_id, populate_existing=True)
    if call.provider == "manual":  # a desk-phone call has no provider to send webhooks
        raise NotFound(_("There is no such call in this meeting."))
    return call, session.get(Round, call.round_id), meeting


def _actor(call: CallAttempt) -> str:
    return f"telephony:{call.provider}"


def _owned(call: CallAttempt, params: Mapping[str, Any]) -> bool:
    """Is this webhook about the call's own leg? Adopts the CallSid if it came before our own
    record of it (the provider's answer to place_call may arrive after its first callback)."""
    sid = params.get("CallSid")
    if call.provider_ref and sid and sid != call.provider_ref:
        return False
    if not call.provider_ref and sid:
        call.provider_ref = str(sid)[:64]
    return True


def _store(session: so.Session, call: CallAttempt, source: str, raw: dict[str, Any], state: str | None = None) -> None:
    session.add(CallEvent(call_attempt_id=call.id, source=source, state=state, raw=raw))


@transactional
def receive_status(session: so.Session, call_id: int, params: Mapping[str, Any], leg: str | None) -> WebhookResult:
    """A status callback (initiated, ringing, answered, completed, busy, …) of the household's
    leg, or of the hall's leg / the conference / the recording (`leg`): stored, forward only."""
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id)
    raw = {"kind": "status", "leg": leg, **raw_params(params)}
    state = core.from_twilio(params.get("CallStatus"))
    if leg == "hall":
        _store(session, call, "hall", raw, state)
        if state in core.UNREACHABLE or state in ("answered", "ended"):
            if state in core.UNREACHABLE:
                call.error = _("The hall line could not be connected (%(state)s).", state=state)
            event = append_event(session, meeting.id, "hall_line_changed",
                                 {"round": rnd.number, "call": call.id, "state": state}, _actor(call))
            result.cause = {"type": event.type, "seq": event.seq}
    elif leg is not None:
        _store(session, call, leg[:16], raw)
    elif not _owned(call, params) or state is None:
        _store(session, call, "provider", {**raw, "ignored": "not this call's leg or unknown status"})
    else:
        if state == "failed":
            reason = params.get("ErrorMessage") or params.get("SipResponseCode") or ""
            call.error = (_("The call failed.") + (f" ({reason})" if reason else ""))[:300]
        result.cause = move_call(session, meeting.id, call, state, _actor(call), "provider", raw)
    session.commit()
    return result


@transactional
def receive_voice(session: so.Session, call_id: int, params: Mapping[str, Any]) -> WebhookResult:
    """The household answered and the provider asks what to play: the consent question."""
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id, title=meeting.title)
    raw = {"kind": "voice", **raw_params(params)}
    if not _owned(call, params) or core.is_terminal(call.state):
        result.step = "gone"
        _store(session, call, "provider", {**raw, "next": "gone"})
    else:
        result.step = "consent"
        result.cause = move_call(session, meeting.id, call, "answered", _actor(call), "provider",
                                 {**raw, "next": "consent", "next_retry": 0})
    session.commit()
    return result


def _consent(call: CallAttempt, value: Any, retry: int, result: WebhookResult,
             tel: Telephony) -> tuple[str | None, int, dict[str, Any] | None]:
    """(next step, its retry, consent change or None)."""
    given = (call.answers or {}).get("consent")
    if value == "yes":
        if given != "yes":
            result.hall = HallRequest(call.id, tel.settings.conference(call.id), tel.urls.hall(call.id),
                                      tel.urls.status(call.id, "hall"))
        return "visited", 0, (None if given == "yes" else {"consent": "yes"})
    if value == "no":
        return "declined", 0, (None if given == "no" else {"consent": "no"})
    if retry < MAX_RETRIES:
        return "consent", retry + 1, None
    return "declined", 0, None


@transactional
def receive_gather(session: so.Session, call_id: int, step: str, params: Mapping[str, Any], retry: int,
                   tel: Telephony) -> WebhookResult:
    """The keys pressed for one survey step. Consent (1) first: without it no question is
    asked or stored. A step without a valid key is asked once more, then passed over."""
    if step not in core.STEPS:
        raise NotFound(_("Unknown survey step."))
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id, title=meeting.title)
    raw = {"kind": "gather", "step": step, "retry": retry, **raw_params(params)}
    if not _owned(call, params) or core.is_terminal(call.state):
        result.step = "gone"
        _store(session, call, "provider", {**raw, "next": "gone"})
        session.commit()
        return result
    value = core.parse_digit(step, params.get("Digits"))
    answers = dict(call.answers or {})
    change: dict[str, Any] | None = None
    if step == "consent":
        nxt, nxt_retry, change = _consent(call, value, retry, result, tel)
    elif answers.get("consent") != "yes":
        nxt, nxt_retry = "gone", 0
    elif value is None and retry < MAX_RETRIES:
        nxt, nxt_retry = step, retry + 1
    else:
        nxt, nxt_retry = core.next_step(step) or "bridge", 0
        if value is not None and answers.get(step) != value:
            change = {step: value}
    result.step, result.retry = nxt, nxt_retry
    moved = move_call(session, meeting.id, call, "answered", _actor(call), "provider",
                      {**raw, "value": value, "next": nxt, "next_retry": nxt_retry})
    result.cause = moved
    if change:
        call.answers = {**answers, **change}
        base = {"round": rnd.number, "call": call.id, "household": call.household.code}
        if step == "consent":
            event = append_event(session, meeting.id, "call_consent", {**base, "consent": change["consent"]},
                                 _actor(call))
        else:
            discrepancy = update_discrepancy(session, rnd)
            event = append_event(session, meeting.id, "call_answer_recorded",
                                 {**base, "question": step, "answer": value, "discrepancy": discrepancy}, _actor(call))
        result.cause = {"type": event.type, "seq": event.seq}
    session.commit()
    return result


@transactional
def record_hall_error(session: so.Session, call_id: int, message: str, code: str) -> WebhookResult:
    """The provider could not dial the hall line: show the moderator why (the survey goes on)."""
    call, rnd, meeting = _load(session, call_id)
    call.error = message[:300]
    _store(session, call, "hall", {"kind": "connect_hall", "error": code, "message": message}, "failed")
    event = append_event(session, meeting.id, "hall_line_changed",
                         {"round": rnd.number, "call": call.id, "state": "failed", "error": code}, _actor(call))
    session.commit()
    return WebhookResult(meeting.id, call.id, cause={"type": event.type, "seq": event.seq})


def prompt_state(session: so.Session, call_id: int) -> tuple[str, int] | None:
    """The survey step the household's phone is at now (step, retry), from the last TwiML we
    answered with; None before the call was answered (the simulator page shows it)."""
    rows = session.scalars(sa.select(CallEvent).where(CallEvent.call_attempt_id == call_id)
                           .order_by(CallEvent.id.desc()))
    for event in rows:
        raw = event.raw or {}
        if raw.get("next"):
            return str(raw["next"]), int(raw.get("next_retry") or 0)
    return None
