"""Twilio webhooks signed with RequestValidator.compute_signature: valid, tampered, wrong token,
http vs https, duplicates and out-of-order callbacks; the survey through the real routes."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import CallAttempt, CallEvent, Event, Round
from meeting.services.live.snapshot import build_state
from meeting.telephony.settings import WebhookUrls
from meeting.telephony.twilio_provider import TwilioProvider
from tests.telephony_support import (AUTH_TOKEN, BASE_URL, RecordingHttpClient, post_signed, published,  # noqa: F401
                                     status_params, to_verification, twilio_error, twilio_settings)

URLS = WebhookUrls(BASE_URL)


@pytest.fixture
def dialled(app, published):
    """A Twilio call placed to the first picked household: (verifying, call id, CallSid, http recorder)."""
    http = RecordingHttpClient()
    provider = TwilioProvider(twilio_settings(), http_client=http)
    v = to_verification(app, provider, provider.settings)
    code = v.perform("propose_calls")["households"][0]
    call_id = v.perform("place_call", household_code=code)["call"]
    with app.app_context():
        sid = db.session.get(CallAttempt, call_id).provider_ref
    return v, call_id, sid, http


def _call(app, call_id):
    with app.app_context():
        try:
            call = db.session.get(CallAttempt, call_id)
            events = list(db.session.scalars(sa.select(CallEvent).where(CallEvent.call_attempt_id == call_id)
                                             .order_by(CallEvent.id)))
            return call, events
        finally:
            db.remove()


def _event_types(app):
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(Event.type).order_by(Event.seq)))
        finally:
            db.remove()


def test_a_validly_signed_status_callback_moves_the_call(app, client, dialled, published):
    v, call_id, sid, _ = dialled
    resp = post_signed(client, URLS.status(call_id), status_params(sid, "ringing"))
    assert resp.status_code == 200
    assert published == [(v.meeting_id, {"type": "call_state_changed", "seq": published[0][1]["seq"]})]
    call, events = _call(app, call_id)
    assert call.state == "ringing"
    assert events[-1].raw["CallStatus"] == "ringing" and events[-1].state == "ringing"


def test_the_signature_is_checked_against_the_public_url_not_the_one_the_request_came_in_on(app, client, dialled):
    # The test client talks to http://localhost; Twilio signed https://minkao.example.cn/…: valid.
    v, call_id, sid, _ = dialled
    assert post_signed(client, URLS.status(call_id), status_params(sid, "ringing")).status_code == 200


def _refused(app, published, call_id, resp):
    assert resp.status_code == 403
    assert published == []  # nothing changed, nothing to broadcast
    call, events = _call(app, call_id)
    assert call.state == "dialling"
    assert [e.raw.get("kind") for e in events if e.source == "provider"] == [None]  # only place_call's own


def test_a_tampered_parameter_is_refused_and_changes_nothing(app, client, dialled, published):
    v, call_id, sid, _ = dialled
    params = status_params(sid, "ringing")
    from tests.telephony_support import sign

    signature = sign(URLS.status(call_id), params)
    path = URLS.status(call_id)[len(BASE_URL):]
    resp = client.post(path, data={**params, "CallStatus": "completed"}, headers={"X-Twilio-Signature": signature})
    _refused(app, published, call_id, resp)


def test_a_signature_made_with_another_token_is_refused(app, client, dialled, published):
    v, call_id, sid, _ = dialled
    _refused(app, published, call_id, post_signed(client, URLS.status(call_id), status_params(sid, "ringing"),
                                               token="not-" + AUTH_TOKEN))


def test_a_signature_for_http_does_not_pass_for_the_https_address(app, client, dialled, published):
    v, call_id, sid, _ = dialled
    http_url = URLS.status(call_id).replace("https://", "http://")
    _refused(app, published, call_id, post_signed(client, URLS.status(call_id), status_params(sid, "ringing"),
                                               signed_url=http_url))


def test_a_missing_signature_is_refused(app, client, dialled, published):
    v, call_id, sid, _ = dialled
    resp = client.post(URLS.status(call_id)[len(BASE_URL):], data=status_params(sid, "ringing"))
    _refused(app, published, call_id, resp)
    resp = client.post(URLS.voice(call_id)[len(BASE_URL):], data=status_params(sid, "in-progress"))
    assert resp.status_code == 403


def test_a_duplicate_callback_changes_the_state_once_and_both_are_stored(app, client, dialled):
    v, call_id, sid, _ = dialled
    before = _event_types(app).count("call_state_changed")
    for _ in range(2):
        assert post_signed(client, URLS.status(call_id), status_params(sid, "ringing")).status_code == 200
    call, events = _call(app, call_id)
    assert call.state == "ringing"
    assert _event_types(app).count("call_state_changed") == before + 1
    ringing = [e for e in events if e.raw.get("CallStatus") == "ringing"]
    assert [e.state for e in ringing] == ["ringing", None]


def test_completed_before_ringing_leaves_the_call_ended(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.status(call_id), status_params(sid, "completed", CallDuration="12"))
    post_signed(client, URLS.status(call_id), status_params(sid, "ringing"))
    call, events = _call(app, call_id)
    assert call.state == "ended"
    assert [e.raw.get("CallStatus") for e in events if e.raw.get("kind") == "status"] == ["completed", "ringing"]


def test_a_callback_about_another_call_sid_is_stored_but_ignored(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.status(call_id), status_params("CA" + "9" * 32, "completed"))
    call, events = _call(app, call_id)
    assert call.state == "dialling" and "ignored" in events[-1].raw


def test_an_unknown_call_is_not_found_and_a_manual_call_takes_no_webhooks(app, client, dialled):
    v, call_id, sid, _ = dialled
    assert post_signed(client, URLS.status(call_id + 1000), status_params(sid, "ringing")).status_code == 404
    with app.app_context():
        db.session.get(CallAttempt, call_id).provider = "manual"
        db.session.commit()
    assert post_signed(client, URLS.status(call_id), status_params(sid, "ringing")).status_code == 404


def _say(resp) -> str:
    root = ET.fromstring(resp.get_data(as_text=True))
    return " ".join(el.text or "" for el in root.iter("Say"))


def _gather(client, call_id, sid, step, digits, retry=0):
    return post_signed(client, URLS.gather(call_id, step, retry), {**status_params(sid, "in-progress"), "Digits": digits})


def test_the_keypad_survey_records_answers_live_and_flags_a_contradiction(app, client, dialled):
    v, call_id, sid, http = dialled
    voice = post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    assert voice.status_code == 200 and "同意请按1" in _say(voice)
    assert _call(app, call_id)[0].state == "answered"

    resp = _gather(client, call_id, sid, "consent", "1")
    assert "走访" in _say(resp)
    hall = http.requests[-1]
    assert "/Conferences/minkao-call-%d/Participants.json" % call_id in hall.url and dict(hall.form)["EarlyMedia"] == "true"

    assert "诉求" in _say(_gather(client, call_id, sid, "visited", "2"))
    with app.app_context():
        state = build_state(db.session, v.meeting_id, "moderator")
        public = build_state(db.session, v.meeting_id, "viewer")
        db.remove()
    assert state["round"]["discrepancy"] is True and state["round"]["suggested_decision"] == "investigation"
    assert state["round"]["calls"][0]["answers"] == {"visited": "no"} and state["round"]["calls"][0]["consent"] == "yes"
    assert public["round"]["calls"][0]["answers"] == {"visited": "no"}  # consent is not shown in public
    assert "suggested_decision" not in public["round"]

    assert "满意" in _say(_gather(client, call_id, sid, "resolved", "4"))
    bridge = _gather(client, call_id, sid, "satisfaction", "5")
    root = ET.fromstring(bridge.get_data(as_text=True))
    assert root.find("Dial/Conference").text == f"minkao-call-{call_id}"
    call, _events = _call(app, call_id)
    assert call.answers == {"consent": "yes", "visited": "no", "resolved": "none", "satisfaction": 5}
    types = _event_types(app)
    assert types.count("call_answer_recorded") == 3 and "call_consent" in types


def test_without_consent_no_question_is_asked_or_stored(app, client, dialled):
    v, call_id, sid, http = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    requests_before = len(http.requests)
    resp = _gather(client, call_id, sid, "consent", "2")
    root = ET.fromstring(resp.get_data(as_text=True))
    assert root.find("Hangup") is not None and root.find("Gather") is None
    assert len(http.requests) == requests_before  # the hall was not dialled
    # A forged jump to a question is refused: no consent, no answer.
    resp = _gather(client, call_id, sid, "visited", "2")
    assert ET.fromstring(resp.get_data(as_text=True)).find("Hangup") is not None
    call, _ = _call(app, call_id)
    assert call.answers == {"consent": "no"}
    with app.app_context():
        assert db.session.get(Round, call.round_id).discrepancy is False


def test_no_key_asks_once_more_then_moves_on(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    _gather(client, call_id, sid, "consent", "1")
    again = _gather(client, call_id, sid, "visited", "")
    gather = ET.fromstring(again.get_data(as_text=True)).find("Gather")
    assert gather.get("action").endswith(f"/gather/visited?call={call_id}&retry=1")
    moved_on = _gather(client, call_id, sid, "visited", "9", retry=1)
    assert ET.fromstring(moved_on.get_data(as_text=True)).find("Gather").get("action").endswith("/gather/resolved?call=%d" % call_id)
    assert "visited" not in _call(app, call_id)[0].answers


def test_a_duplicate_key_press_is_answered_again_but_recorded_once(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    _gather(client, call_id, sid, "consent", "1")
    first = _gather(client, call_id, sid, "visited", "1").get_data(as_text=True)
    second = _gather(client, call_id, sid, "visited", "1").get_data(as_text=True)
    assert first == second
    assert _event_types(app).count("call_answer_recorded") == 1


def test_when_the_hall_line_cannot_be_dialled_the_moderator_is_told_and_the_survey_goes_on(app, client, dialled):
    v, call_id, sid, http = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    http.reply = lambda rec: twilio_error(21217, "bad hall number") if "Participants" in rec.url else None
    resp = _gather(client, call_id, sid, "consent", "1")
    assert "走访" in _say(resp)
    call, _ = _call(app, call_id)
    assert "21217" in call.error
    assert "hall_line_changed" in _event_types(app)


def test_the_hall_twiml_needs_a_signature_and_a_known_call(client, dialled):
    v, call_id, sid, _ = dialled
    assert client.post(URLS.hall(call_id)[len(BASE_URL):]).status_code == 403
    resp = post_signed(client, URLS.hall(call_id), status_params(sid, "in-progress"))
    assert ET.fromstring(resp.get_data(as_text=True)).find("Dial/Conference").get("participantLabel") == "hall"
    assert post_signed(client, URLS.hall(call_id + 99), status_params(sid, "in-progress")).status_code == 404


def test_hall_leg_callbacks_are_stored_without_moving_the_household_call(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.status(call_id, "hall"), status_params("CA" + "7" * 32, "busy"))
    call, events = _call(app, call_id)
    assert call.state == "dialling" and events[-1].source == "hall" and "busy" in call.error


def test_an_unknown_survey_step_is_not_found(client, dialled):
    v, call_id, sid, _ = dialled
    assert _gather(client, call_id, sid, "favourite_colour", "1").status_code == 404


def _hall_dials(http) -> int:
    return sum(1 for r in http.requests if "Participants" in r.url)


def test_a_later_signed_no_after_yes_leaves_consent_yes_dials_no_hall_and_is_stored_as_ignored(app, client, dialled):
    v, call_id, sid, http = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    _gather(client, call_id, sid, "consent", "1")
    assert _hall_dials(http) == 1
    before = _event_types(app)
    late = _gather(client, call_id, sid, "consent", "2")
    assert late.status_code == 200 and "走访" in _say(late)  # the call goes on as the first answer said
    again = _gather(client, call_id, sid, "consent", "1")     # and a yes again does not dial the hall twice
    assert "走访" in _say(again)
    call, events = _call(app, call_id)
    assert call.answers == {"consent": "yes"}
    assert _hall_dials(http) == 1
    assert _event_types(app).count("call_consent") == before.count("call_consent") == 1
    ignored = [e.raw for e in events if e.raw.get("ignored")]
    assert [(r["Digits"], r["ignored"], r["kept"]) for r in ignored] == [("2", "conflicts_with_first_answer", "yes")]


def test_a_later_signed_yes_after_no_leaves_consent_no_and_does_not_dial_the_hall(app, client, dialled):
    v, call_id, sid, http = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    _gather(client, call_id, sid, "consent", "2")
    late = _gather(client, call_id, sid, "consent", "1")
    assert ET.fromstring(late.get_data(as_text=True)).find("Hangup") is not None
    call, events = _call(app, call_id)
    assert call.answers == {"consent": "no"} and _hall_dials(http) == 0
    assert events[-1].raw["ignored"] == "conflicts_with_first_answer" and events[-1].raw["kept"] == "no"


def test_the_first_answer_to_a_survey_question_wins_over_a_conflicting_later_one(app, client, dialled):
    v, call_id, sid, _ = dialled
    post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    _gather(client, call_id, sid, "consent", "1")
    first = _gather(client, call_id, sid, "visited", "2")
    later = _gather(client, call_id, sid, "visited", "1")
    assert _say(first) == _say(later)  # the next question either way
    call, events = _call(app, call_id)
    assert call.answers == {"consent": "yes", "visited": "no"}
    assert _event_types(app).count("call_answer_recorded") == 1
    assert events[-1].raw["ignored"] == "conflicts_with_first_answer" and events[-1].raw["kept"] == "no"
    with app.app_context():
        assert db.session.get(Round, call.round_id).discrepancy is True  # still the first answer's flag
