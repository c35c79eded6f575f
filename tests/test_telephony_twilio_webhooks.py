"""The Twilio adapter's translation of webhook forms into provider events (our states)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from meeting.telephony import Answered, KeysPressed, LineStatus
from meeting.telephony import twilio_webhooks as twilio
from scoring import calls as core
from tests.telephony_support import AUTH_TOKEN, BASE_URL, sign, status_params


def test_every_twilio_call_status_maps_to_one_of_ours():
    statuses = ("queued", "initiated", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled")
    mapped = {s: twilio.call_state(s) for s in statuses}
    assert mapped == {"queued": "queued", "initiated": "dialling", "ringing": "ringing", "in-progress": "answered",
                      "completed": "ended", "busy": "busy", "no-answer": "no_answer", "failed": "failed",
                      "canceled": "canceled"}
    assert twilio.call_state("In-Progress ") == "answered"
    assert twilio.call_state("teleported") is None and twilio.call_state(None) is None
    assert set(twilio.CALL_STATUS.values()) <= set(core.STATES)


def test_a_status_callback_becomes_a_line_status_with_its_raw_form():
    form = MultiDict(status_params("CA" + "2" * 32, "failed", ErrorMessage="carrier said no"))
    event = twilio.status_event(form, "hall")
    assert isinstance(event, LineStatus)
    assert (event.ref, event.state, event.leg, event.reason) == ("CA" + "2" * 32, "failed", "hall", "carrier said no")
    assert event.raw["kind"] == "status" and event.raw["leg"] == "hall" and event.raw["CallStatus"] == "failed"
    assert twilio.status_event({"CallSid": "CA1", "CallStatus": "failed", "SipResponseCode": "486"}).reason == "486"


def test_the_voice_request_and_key_presses_become_answered_and_keys_pressed():
    answered = twilio.answered_event({"CallSid": "CA9", "CallStatus": "in-progress"})
    assert isinstance(answered, Answered) and answered.ref == "CA9" and answered.raw["kind"] == "voice"
    keys = twilio.keys_event({"CallSid": "CA9", "Digits": "1#"}, "consent", 1)
    assert isinstance(keys, KeysPressed) and keys.digits == "1#"
    assert keys.raw == {"kind": "gather", "step": "consent", "retry": 1, "CallSid": "CA9", "Digits": "1#"}
    assert twilio.keys_event({"CallSid": "CA9"}, "visited", 0).digits == ""


def test_repeated_form_fields_are_kept_as_lists():
    form = MultiDict([("CallSid", "CA1"), ("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "answered")])
    assert twilio.raw_form(form) == {"CallSid": "CA1", "StatusCallbackEvent": ["ringing", "answered"]}


def test_the_signature_is_checked_with_the_token():
    url, params = BASE_URL + "/telephony/twilio/status?call=1", status_params("CA1", "ringing")
    assert twilio.signature_valid(url, params, sign(url, params), AUTH_TOKEN)
    assert not twilio.signature_valid(url, params, sign(url, params, "another-token"), AUTH_TOKEN)
    assert not twilio.signature_valid(url, params, "", AUTH_TOKEN)
