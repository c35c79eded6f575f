"""What the provider tells us about a call: the port's events (LineStatus, Answered,
KeysPressed), already translated from the provider's vocabulary by its adapter (Twilio's
signed webhooks: telephony/twilio_webhooks.py; the household simulator: simulator.py here).

Status events move the call's state forward only; the household's key presses answer the
survey, consent first, and answers move forward only too (the first answer to a step stands). Every raw event is stored, including duplicates and those arriving
out of order (which change nothing else). Each receive_* function is one transaction and
returns what the caller needs: the cause to broadcast, and which TwiML step to answer with.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.messages import text
from meeting.models import CallAttempt, CallEvent, Meeting, Round
from meeting.services.calls.attempts import move_call, update_discrepancy
from meeting.services.calls.cadre import begin_phone_report
from meeting.services.followup import visits
from meeting.services.tx import lock_meeting, steps_outside_transaction, unit_of_work
from meeting.services.events import append_event
from meeting.telephony import Answered, HallRequest, KeysPressed, LineStatus, ProviderError, Telephony
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
    hall_cause: dict[str, Any] | None = None  # the hall line could not be dialled (receive_keys)
    report_cause: dict[str, Any] | None = None  # the cadre answered: the phone-in report started
    dial_hall: bool = False  # a cadre call answered for the first time: bring the hall line in

    @property
    def causes(self) -> list[dict[str, Any]]:
        """Everything to broadcast, in order."""
        return [c for c in (self.cause, self.report_cause, self.hall_cause) if c]


def _load(session: so.Session, call_id: int) -> tuple[CallAttempt, Round, Meeting]:
    meeting_id = session.scalar(sa.select(Round.meeting_id).join(CallAttempt, CallAttempt.round_id == Round.id)
                                .where(CallAttempt.id == call_id))
    if meeting_id is None:
        raise NotFound("call_not_found")
    meeting = lock_meeting(session, meeting_id)
    call = session.get(CallAttempt, call_id, populate_existing=True)
    if call.provider == "manual":  # a desk-phone call has no provider to send webhooks
        raise NotFound("call_not_found")
    return call, session.get(Round, call.round_id), meeting


def _visit(call_id: int, answer: tuple[int | None, str | None, int]) -> WebhookResult:
    """A return visit's webhook outcome: nothing to broadcast to a meeting (its events are the
    case stream's), the next TwiML step."""
    meeting_id, step, retry = answer
    return WebhookResult(meeting_id or 0, call_id, step=step, retry=retry)


def _actor(call: CallAttempt) -> str:
    return f"telephony:{call.provider}"


def _owned(call: CallAttempt, ref: str | None) -> bool:
    """Is this event about the call's own leg? Adopts the provider's reference if it came
    before our own record of it (the answer to place_call may arrive after its first callback)."""
    if call.provider_ref and ref and ref != call.provider_ref:
        return False
    if not call.provider_ref and ref:
        call.provider_ref = ref[:64]
    return True


def _store(session: so.Session, call: CallAttempt, source: str, raw: dict[str, Any], state: str | None = None) -> None:
    session.add(CallEvent(call_attempt_id=call.id, source=source, state=state, raw=raw))


@unit_of_work
def receive_status(session: so.Session, call_id: int, event: LineStatus) -> WebhookResult:
    """A status event (dialling, ringing, answered, ended, busy, …) of the household's leg, or
    of the hall's leg / the conference / the recording (`event.leg`): stored, forward only."""
    if visits.is_visit(session, call_id):  # a case's return visit (services/followup/visits.py)
        return _visit(call_id, visits.status_locked(session, call_id, event))
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id)
    raw, state, leg = dict(event.raw), event.state, event.leg
    if leg == "hall":
        _store(session, call, "hall", raw, state)
        if state in core.UNREACHABLE or state in ("answered", "ended"):
            if state in core.UNREACHABLE:
                call.error = text("hall_line_failed", state=state)
            appended = append_event(session, meeting.id, "hall_line_changed",
                                    {"round": rnd.number, "call": call.id, "state": state}, _actor(call))
            result.cause = {"type": appended.type, "seq": appended.seq}
    elif leg is not None:
        _store(session, call, leg[:16], raw)
    elif not _owned(call, event.ref) or state is None:
        _store(session, call, "provider", {**raw, "ignored": "not this call's leg or unknown status"})
    else:
        if state == "failed":
            call.error = (text("line_failed") + (f" ({event.reason})" if event.reason else ""))[:300]
        result.cause = move_call(session, meeting.id, call, state, _actor(call), "provider", raw)
        result.report_cause = begin_phone_report(session, meeting.id, call, _actor(call))
    return result


@unit_of_work
def receive_voice(session: so.Session, call_id: int, event: Answered) -> WebhookResult:
    """The household answered and the provider asks what to play: the consent question (a
    return visit: its first question)."""
    if visits.is_visit(session, call_id):
        return _visit(call_id, visits.voice_locked(session, call_id, event))
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id, title=meeting.title)
    raw = dict(event.raw)
    if not _owned(call, event.ref) or core.is_terminal(call.state):
        result.step = "gone"
        _store(session, call, "provider", {**raw, "next": "gone"})
    elif call.kind == "cadre":  # the phone-in report: no survey, straight into the hall's conference
        result.step, result.dial_hall = "cadre", prompt_state(session, call.id) is None
        result.cause = move_call(session, meeting.id, call, "answered", _actor(call), "provider",
                                 {**raw, "next": "cadre", "next_retry": 0})
        result.report_cause = begin_phone_report(session, meeting.id, call, _actor(call))
    else:
        result.step = "consent"
        result.cause = move_call(session, meeting.id, call, "answered", _actor(call), "provider",
                                 {**raw, "next": "consent", "next_retry": 0})
    return result


def _after_consent(consent: Any, retry: int) -> tuple[str, int]:
    """(next step, its retry) once the consent that stands is `consent` (None: no valid key)."""
    if consent == "yes":
        return "visited", 0
    if consent is None and retry < MAX_RETRIES:
        return "consent", retry + 1
    return "declined", 0


@unit_of_work
def receive_gather(session: so.Session, call_id: int, step: str, event: KeysPressed, retry: int,
                   tel: Telephony) -> WebhookResult:
    """The keys pressed for one survey step. Consent (1) first: without it no question is
    asked or stored. A step without a valid key is asked once more, then passed over. The
    first answer to each step stands (scoring.calls.merge_answer): a later different one —
    consent 2 after 1, or 1 after 2 — is stored as a raw event marked ignored, changes no
    answer, dials no hall line, and the call goes on as the first answer said. A return
    visit's steps go to services/followup/visits.py (no consent, no hall line)."""
    if visits.is_visit(session, call_id):
        return _visit(call_id, visits.gather_locked(session, call_id, step, event, retry))
    if step not in core.STEPS:
        raise NotFound("unknown_survey_step")
    call, rnd, meeting = _load(session, call_id)
    result = WebhookResult(meeting.id, call.id, title=meeting.title)
    raw = dict(event.raw)
    if not _owned(call, event.ref) or core.is_terminal(call.state):
        result.step = "gone"
        _store(session, call, "provider", {**raw, "next": "gone"})
        return result
    if call.kind == "cadre":  # no survey on the cadre's call: keep them in the conference
        result.step = "cadre"
        _store(session, call, "provider", {**raw, "ignored": "cadre_call_has_no_survey"})
        return result
    value = core.parse_digit(step, event.digits)
    answers = dict(call.answers or {})
    # Forward only: the first answer to a step stands; a different later one is stored raw, ignored.
    standing, outcome = core.merge_answer(answers.get(step), value)
    change = {step: standing} if outcome == "recorded" else None
    if step == "consent":
        nxt, nxt_retry = _after_consent(standing, retry)
        if change and standing == "yes":  # the hall is dialled once, on the first yes only
            result.hall = HallRequest(call.id, tel.settings.conference(call.id), tel.urls.hall(call.id),
                                      tel.urls.status(call.id, "hall"))
    elif answers.get("consent") != "yes":
        nxt, nxt_retry, change = "gone", 0, None
    elif standing is None and retry < MAX_RETRIES:
        nxt, nxt_retry = step, retry + 1
    else:
        nxt, nxt_retry = core.next_step(step) or "bridge", 0
    result.step, result.retry = nxt, nxt_retry
    note = {"ignored": "conflicts_with_first_answer", "kept": standing} if outcome == "ignored" else {}
    moved = move_call(session, meeting.id, call, "answered", _actor(call), "provider",
                      {**raw, "value": value, "next": nxt, "next_retry": nxt_retry, **note})
    result.cause = moved
    if change:
        call.answers = {**answers, **change}
        base = {"round": rnd.number, "call": call.id, "household": call.household.code}
        if step == "consent":
            appended = append_event(session, meeting.id, "call_consent", {**base, "consent": change["consent"]},
                                    _actor(call))
        else:
            discrepancy = update_discrepancy(session, rnd)
            appended = append_event(session, meeting.id, "call_answer_recorded",
                                    {**base, "question": step, "answer": value, "discrepancy": discrepancy},
                                    _actor(call))
        result.cause = {"type": appended.type, "seq": appended.seq}
    return result


@unit_of_work
def record_hall_error(session: so.Session, call_id: int, error: ProviderError) -> WebhookResult:
    """The provider could not dial the hall line: show the moderator why (the survey goes on)."""
    call, rnd, meeting = _load(session, call_id)
    call.error = error.message[:300]
    _store(session, call, "hall", {"kind": "connect_hall", "error": error.code, "reason": error.reason,
                                   "params": error.params}, "failed")
    appended = append_event(session, meeting.id, "hall_line_changed",
                            {"round": rnd.number, "call": call.id, "state": "failed", "error": error.code},
                            _actor(call))
    return WebhookResult(meeting.id, call.id, cause={"type": appended.type, "seq": appended.seq})


@steps_outside_transaction
def receive_keys(session: so.Session, call_id: int, step: str, event: KeysPressed, retry: int,
                 tel: Telephony) -> WebhookResult:
    """The keys pressed for one step (receive_gather), then, after the consent, the hall line
    dialled into the call's conference — with no transaction open — and a refusal recorded in
    a transaction of its own (record_hall_error: `hall_cause`)."""
    result = receive_gather(session, call_id, step, event, retry, tel)
    if result.hall is not None:
        try:
            tel.provider.connect_hall(result.hall)
        except ProviderError as exc:
            result.hall_cause = record_hall_error(session, result.call_id, exc).cause
    return result


@steps_outside_transaction
def receive_answer(session: so.Session, call_id: int, event: Answered, tel: Telephony) -> WebhookResult:
    """The call was answered and the provider asks what to play (receive_voice); for the
    cadre's call answered for the first time, the hall line is then dialled into its conference
    — with no transaction open — and a refusal recorded in a transaction of its own."""
    result = receive_voice(session, call_id, event)
    if result.dial_hall:
        request = HallRequest(result.call_id, tel.settings.conference(result.call_id), tel.urls.hall(result.call_id),
                              tel.urls.status(result.call_id, "hall"))
        try:
            tel.provider.connect_hall(request)
        except ProviderError as exc:
            result.hall_cause = record_hall_error(session, result.call_id, exc).cause
    return result


def known_call(session: so.Session, call_id: int) -> int:
    """The call's id if it exists (the hall's TwiML needs nothing else); NotFound otherwise."""
    if session.get(CallAttempt, call_id) is None:
        raise NotFound("call_not_found")
    return call_id


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
