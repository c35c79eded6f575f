"""Phone-in report (电话述职), service level: the console dials the drawn cadre through the
telephony port, the report starts when the cadre answers, an unreachable cadre is redialled or
skipped with "unreachable", and the household calls are untouched by the cadre's call."""
from __future__ import annotations

import json

import sqlalchemy as sa

from meeting import telephony
from meeting.extensions import db
from meeting.models import CallAttempt, Event, Round
from meeting.services.calls import simulator as sim
from meeting.services.calls import webhooks as calls_webhooks
from meeting.services.calls.public import bundle_calls
from meeting.telephony import twilio_webhooks
from meeting.telephony.manual import ManualProvider
from meeting.telephony.port import ProviderError
from meeting.telephony.simulated import SimulatedProvider
from tests.call_service_support import event_types, refused_code, snapshot
from tests.live_support import seed_meeting
from tests.phone_in_support import drawn
from tests.telephony_support import Verifying, twilio_settings


def _press(app, meeting_id, call_id, action):
    with app.test_request_context():
        try:
            return sim.play(db.session, meeting_id, call_id, action, {}, telephony.context())
        finally:
            db.remove()


def test_dialling_the_drawn_cadre_places_a_call_and_the_report_starts_when_the_cadre_answers(app):
    provider = SimulatedProvider()
    v = drawn(app, provider, hall_line="sip:hall@pbx.example.cn")
    ack = v.perform("dial_cadre", seconds=240)
    assert ack["state"] == "dialling"
    (request,) = provider.placed
    assert request.to.startswith("+86") and request.call_id == ack["call"]
    state = snapshot(app, v.meeting_id)["round"]
    assert state["stage"] == "draw" and state["report_mode"] is None and state["report"]["started_at"] is None
    assert state["cadre_call"]["state"] == "dialling" and state["cadre_call"]["provider"] == "simulated"
    assert state["calls"] == []  # not a household call

    _press(app, v.meeting_id, ack["call"], "ring")
    played = _press(app, v.meeting_id, ack["call"], "answer")
    assert played.call["kind"] == "cadre" and played.call["state"] == "answered"
    assert played.call["prompt"]["conference"] is True and played.call["prompt"]["gather"] is None
    assert "report_started" in [c["type"] for c in played.causes]
    # The hall line is dialled into the cadre's conference once, on the answer.
    assert [h.conference for h in provider.halls] == [f"minkao-call-{ack['call']}"]

    public = snapshot(app, v.meeting_id, "viewer")["round"]
    assert public["stage"] == "report" and public["report_mode"] == "phone"
    assert public["report"]["started_at"] is not None and public["report"]["seconds"] == 240
    assert public["cadre_call"] == {"id": ack["call"], "state": "answered", "attempts": 1}
    with app.app_context():
        number = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id)).cadre.phone
        db.remove()
    assert number and number not in json.dumps(snapshot(app, v.meeting_id, "viewer"), ensure_ascii=False)
    assert number not in json.dumps(snapshot(app, v.meeting_id, "projector"), ensure_ascii=False)
    assert snapshot(app, v.meeting_id)["round"]["cadre_call"]["phone"] == number  # the console dials it
    with app.app_context():
        started = db.session.scalar(sa.select(Event.payload).where(Event.type == "report_started"))
        placed = db.session.scalar(sa.select(Event.payload).where(Event.type == "cadre_call_placed"))
        db.remove()
    assert started["mode"] == "phone" and started["call"] == ack["call"]
    assert set(placed) == {"round", "call", "cadre", "provider"}  # no phone number in the log

    # The cadre hangs up after the report; the round goes on to verification as usual.
    _press(app, v.meeting_id, ack["call"], "hangup")
    v.perform("start_verification")
    code = v.perform("propose_calls")["households"][0]
    assert v.perform("place_call")["household"] == code
    with app.app_context():
        assert [c["household"] for c in bundle_calls(db.session, v.meeting_id)] == [code]
        db.remove()


def test_a_second_answer_request_does_not_dial_the_hall_again_nor_restart_the_timer(app):
    provider = SimulatedProvider()
    v = drawn(app, provider, hall_line="sip:hall@pbx.example.cn")
    call_id = v.perform("dial_cadre")["call"]
    _press(app, v.meeting_id, call_id, "answer")
    first = snapshot(app, v.meeting_id)["round"]["report"]["started_at"]
    with app.test_request_context():
        sid = db.session.get(CallAttempt, call_id).provider_ref
        result = calls_webhooks.receive_answer(db.session, call_id, twilio_webhooks.answered_event({"CallSid": sid}),
                                               telephony.context())
        db.remove()
    assert result.step == "cadre" and result.report_cause is None
    assert len(provider.halls) == 1 and snapshot(app, v.meeting_id)["round"]["report"]["started_at"] == first


def test_while_the_cadre_is_being_dialled_neither_an_in_person_report_nor_a_skip_nor_a_second_dial(app):
    v = drawn(app, SimulatedProvider())
    call_id = v.perform("dial_cadre")["call"]
    assert refused_code(v, "dial_cadre") == "cadre_call_in_progress"
    assert refused_code(v, "start_report") == "cadre_call_in_progress"
    assert refused_code(v, "skip_cadre", draw=1, reason="unreachable") == "cadre_call_in_progress"
    assert v.perform("hangup_call", call_id=call_id)["state"] == "canceled"
    v.perform("start_report")
    assert snapshot(app, v.meeting_id)["round"]["report_mode"] == "in_person"


def test_an_unreachable_cadre_is_redialled_then_skipped_and_the_screens_say_why(app):
    v = drawn(app, SimulatedProvider())
    first = v.perform("dial_cadre")["call"]
    _press(app, v.meeting_id, first, "busy")
    second = v.perform("dial_cadre")["call"]  # retry
    _press(app, v.meeting_id, second, "no_answer")
    call = snapshot(app, v.meeting_id)["round"]["cadre_call"]
    assert (call["id"], call["state"], call["attempts"]) == (second, "no_answer", 2)
    v.perform("skip_cadre", draw=1, reason="unreachable")
    public = snapshot(app, v.meeting_id, "viewer")["round"]
    assert public["skips"][0]["reason"] == "unreachable" and public["cadre"] is None
    assert public["cadre_call"] is None and public["report_mode"] is None  # the next cadre starts afresh
    v.perform("draw_cadre", expected_draw=2)
    assert snapshot(app, v.meeting_id)["round"]["cadre_call"] is None


def test_a_provider_refusal_is_committed_as_a_failed_call_and_answered_with_its_words(app):
    class Refusing(SimulatedProvider):
        def place_call(self, request):
            raise ProviderError("twilio_21217", code=21217)

    v = drawn(app, Refusing())
    ack = v.perform("dial_cadre")
    assert ack["ok"] is False and ack["error"]["code"] == "twilio_21217" and ack["type"] == "call_state_changed"
    assert snapshot(app, v.meeting_id)["round"]["cadre_call"]["state"] == "failed"
    assert v.perform("dial_cadre")["ok"] is False  # a retry is allowed (and refused again here)


def test_a_desk_phone_call_to_the_cadre_starts_the_report_on_the_moderators_word(app):
    v = drawn(app, ManualProvider())
    call_id = v.perform("dial_cadre")["call"]
    assert refused_code(v, "record_cadre_call", outcome="maybe") == "call_outcome_unknown"
    ack = v.perform("record_cadre_call", outcome="answered")
    assert ack["type"] == "report_started" and ack["call"] == call_id
    state = snapshot(app, v.meeting_id)["round"]
    assert state["stage"] == "report" and state["report_mode"] == "phone"
    assert v.perform("record_cadre_call", outcome="ended")["state"] == "ended"
    assert refused_code(v, "record_cadre_call", outcome="ended") == "no_cadre_call"


def test_a_simulated_call_takes_no_desk_phone_outcome_and_has_no_survey(app):
    v = drawn(app, SimulatedProvider())
    call_id = v.perform("dial_cadre")["call"]
    assert refused_code(v, "record_cadre_call", outcome="answered") == "call_outcome_provider"
    _press(app, v.meeting_id, call_id, "answer")
    v.perform("start_verification")
    assert refused_code(v, "record_answers", call_id=call_id, answers={"visited": "no"}) == "cadre_call_no_answers"


def test_the_cadre_can_be_dialled_during_an_in_person_report_and_the_timer_runs_on(app):
    v = drawn(app, SimulatedProvider())
    v.perform("start_report")
    started = snapshot(app, v.meeting_id)["round"]["report"]["started_at"]
    call_id = v.perform("dial_cadre")["call"]
    _press(app, v.meeting_id, call_id, "answer")
    state = snapshot(app, v.meeting_id)["round"]
    assert state["report_mode"] == "phone" and state["report"]["started_at"] == started
    assert "report_mode_changed" in event_types(app)


def test_the_cadre_cannot_be_dialled_before_the_draw_or_after_the_report(app):
    seeded = seed_meeting(app, jurors=3)
    telephony.set_provider(app, SimulatedProvider(), twilio_settings(provider="simulated", hall_line=""))
    v = Verifying(app, seeded.meeting_id)
    v.perform("start_meeting")
    v.perform("enter_entropy", sources="1 2 3")
    assert refused_code(v, "dial_cadre") == "cadre_call_not_now"
    v.perform("draw_cadre", expected_draw=1)
    assert refused_code(v, "dial_cadre", seconds=5) == "bad_seconds"
    v.perform("start_report")
    v.perform("start_verification")
    assert refused_code(v, "dial_cadre") == "cadre_call_not_now"


def test_a_cadre_without_a_phone_number_cannot_be_dialled(app):
    v = drawn(app, SimulatedProvider())
    with app.app_context():
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
        rnd.cadre.phone = ""
        db.session.commit()
        db.remove()
    assert refused_code(v, "dial_cadre") == "cadre_no_phone"
