"""The household simulator's use cases: the simulated calls of the current round, and one
button of a simulated phone delivered as provider events to the calls service.

`play` checks the button fits, asks the simulated adapter (telephony/simulated.py) for the
events the button brings and hands each to webhooks.receive_* — one transaction each, as
each webhook of a real call is — then returns the causes to broadcast, the TwiML the
household's phone now plays and the call as the page shows it. No provider is called inside
a transaction (the hall line after consent: webhooks.receive_keys).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound
from meeting.models import Cadre, CallAttempt, Case, Meeting, Round
from meeting.services.calls import webhooks
from meeting.services.live.rounds import current_round
from meeting.telephony import Answered, KeysPressed, LineStatus, Telephony, simulated, twiml
from scoring import calls as core
from scoring import visits as visit_rules
from scoring.masking import mask_name, mask_phone

RECENT_ENDED = 4  # ended calls still shown after the live ones


@dataclass
class Played:
    """What one button did: causes to broadcast, the TwiML now playing, the call as shown."""

    causes: list[dict[str, Any]] = field(default_factory=list)
    twiml: str = ""
    call: dict[str, Any] = field(default_factory=dict)


def simulator_meeting(session: so.Session, meeting_id: int) -> Meeting:
    """The meeting whose simulated calls are played; NotFound if there is none."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found", id=meeting_id)
    return meeting


def call_view(session: so.Session, call: CallAttempt, tel: Telephony, title: str) -> dict[str, Any]:
    """One simulated call as the page shows it: masked household, state, answers, and what the
    household hears now (read back from the TwiML of the step it is at)."""
    h = call.household
    out: dict[str, Any] = {"id": call.id, "kind": call.kind, "state": call.state,
                           "answers": core.survey_answers(call.answers or {}),
                           "consent": (call.answers or {}).get("consent"), "step": None, "prompt": None}
    if h is not None:
        out["household"] = {"code": h.code, "village": h.village.name if h.village else "",
                            "name": mask_name(h.name), "phone": mask_phone(h.phone)}
    else:  # the drawn cadre's phone-in report: the staff member plays the cadre's phone
        cadre = session.get(Cadre, call.cadre_id)
        out["cadre"] = {"number": cadre.number, "name": cadre.name, "phone": mask_phone(cadre.phone)}
    at = webhooks.prompt_state(session, call.id) if call.state == "answered" else None
    if at is not None:
        step, retry = at
        out["step"] = step
        out["prompt"] = simulated.spoken(twiml.for_step(step, call.id, tel.settings, tel.urls, retry=retry,
                                                        title=title))
    return out


def simulated_calls(session: so.Session, meeting_id: int, tel: Telephony) -> dict[str, Any]:
    """The simulated calls of the current round: live ones first, then the last few ended."""
    meeting = simulator_meeting(session, meeting_id)
    rnd = current_round(session, meeting_id)
    calls: list[CallAttempt] = []
    if rnd is not None:
        calls = list(session.scalars(sa.select(CallAttempt).where(
            CallAttempt.round_id == rnd.id, CallAttempt.provider == simulated.SimulatedProvider.name)
            .order_by(CallAttempt.id.desc())))
    calls += list(session.scalars(sa.select(CallAttempt).join(Case, Case.id == CallAttempt.case_id).where(
        Case.meeting_id == meeting_id, CallAttempt.kind == visit_rules.KIND,
        CallAttempt.provider == simulated.SimulatedProvider.name)))  # return visits of its cases
    calls.sort(key=lambda c: c.id, reverse=True)
    live = [c for c in calls if not core.is_terminal(c.state)]
    ended = [c for c in calls if core.is_terminal(c.state)][:RECENT_ENDED]
    return {"simulated": tel.provider.simulated, "round": rnd.number if rnd else None,
            "calls": [call_view(session, c, tel, meeting.title) for c in live + ended]}


def _playable(session: so.Session, meeting_id: int, call_id: int, action: str) -> CallAttempt:
    call = session.get(CallAttempt, call_id, populate_existing=True)
    owner = session.scalar(sa.select(Round.meeting_id).where(Round.id == call.round_id)) if call else None
    if call is not None and call.kind == visit_rules.KIND:  # a return visit: the case's meeting
        owner = session.scalar(sa.select(Case.meeting_id).where(Case.id == call.case_id))
    if owner != meeting_id or action not in simulated.BUTTONS:
        raise NotFound("call_not_found")
    if call.provider != simulated.SimulatedProvider.name:
        raise Conflict("sim_not_simulated")
    if call.state not in simulated.BUTTONS[action]:
        raise Conflict("sim_not_now", state=call.state)
    return call


def _deliver(session: so.Session, call_id: int, event: simulated.Event, step: str, retry: int,
             tel: Telephony) -> webhooks.WebhookResult:
    """Hand one event to the calls service, as the webhook view does for Twilio's."""
    if isinstance(event, LineStatus):
        return webhooks.receive_status(session, call_id, event)
    if isinstance(event, Answered):
        return webhooks.receive_answer(session, call_id, event, tel)
    assert isinstance(event, KeysPressed)
    return webhooks.receive_keys(session, call_id, step, event, retry, tel)


def play(session: so.Session, meeting_id: int, call_id: int, action: str, body: Mapping[str, Any],
         tel: Telephony) -> Played:
    """One button of the simulated phone: ring, answer, busy, no_answer, digits, hangup.

    Refused (nothing delivered): NotFound for another meeting's call or an unknown button;
    Conflict for a real provider's call, a button the call's state does not fit, or keys for a
    step the page no longer shows (`body["step"]`, the page was stale).
    """
    meeting = simulator_meeting(session, meeting_id)
    title = meeting.title
    call = _playable(session, meeting_id, call_id, action)
    ref, step, retry = call.provider_ref, "", 0
    if action == "digits":
        at = webhooks.prompt_state(session, call.id)
        if at is None or (body.get("step") and body.get("step") != at[0]):
            raise Conflict("sim_moved_on")
        if at[0] not in core.STEPS + visit_rules.STEPS:
            raise Conflict("sim_no_question")
        step, retry = at
    session.rollback()  # read only so far: each delivery below is a transaction of its own
    played = Played(twiml=twiml.empty())
    for event in simulated.press(action, ref, digits=str(body.get("digits", "")), step=step, retry=retry):
        result = _deliver(session, call_id, event, step, retry, tel)
        played.causes += result.causes
        if not isinstance(event, LineStatus):
            played.twiml = twiml.for_step(result.step, result.call_id, tel.settings, tel.urls,
                                          retry=result.retry, title=result.title)
    if action in ("answer", "digits") and simulated.spoken(played.twiml)["hangup"]:
        played.causes += webhooks.receive_status(session, call_id, simulated.hung_up_by_twiml(ref)).causes
    call = session.get(CallAttempt, call_id, populate_existing=True)
    played.call = call_view(session, call, tel, title)
    session.rollback()
    return played
