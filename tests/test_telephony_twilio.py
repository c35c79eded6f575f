"""The Twilio provider through the real `twilio` client, with an HTTP client that records each
request and answers in the shape of Twilio's API. Nothing leaves the machine."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from twilio.base.exceptions import TwilioRestException

from meeting.extensions import db
from meeting.models import CallAttempt, CallEvent, Event
from meeting.services.live.snapshot import build_state
from meeting.telephony import CallRequest, HallRequest, ProviderError
from meeting.telephony.twilio_provider import TwilioProvider
from tests.telephony_support import (ACCOUNT_SID, BASE_URL, CALLER, RecordingHttpClient, to_verification,
                                     twilio_error, twilio_settings)

CALLS_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


def _provider(reply=None, **settings):
    http = RecordingHttpClient(reply)
    return TwilioProvider(twilio_settings(**settings), http_client=http), http


def _moderator_calls(app, meeting_id):
    with app.app_context():
        try:
            return build_state(db.session, meeting_id, "moderator")["round"]["calls"]
        finally:
            db.remove()


def test_placing_a_call_sends_exactly_the_form_fields_twilio_needs(app):
    provider, http = _provider()
    v = to_verification(app, provider, provider.settings)
    code = v.perform("propose_calls")["households"][0]
    ack = v.perform("place_call", household_code=code)
    assert ack["state"] == "dialling" and ack["pick"] == "draw"
    call_id = ack["call"]

    (req,) = http.requests
    assert (req.method, req.url) == ("POST", CALLS_URL)
    with app.app_context():
        phone = db.session.get(CallAttempt, call_id).household.phone
    assert req.form == [
        ("To", "+86" + phone), ("From", CALLER), ("Method", "POST"),
        ("StatusCallback", f"{BASE_URL}/telephony/twilio/status?call={call_id}"),
        ("StatusCallbackEvent", "initiated"), ("StatusCallbackEvent", "ringing"),
        ("StatusCallbackEvent", "answered"), ("StatusCallbackEvent", "completed"),
        ("StatusCallbackMethod", "POST"), ("Timeout", "30"),
        ("Url", f"{BASE_URL}/telephony/twilio/voice?call={call_id}"),
    ]
    with app.app_context():
        call = db.session.get(CallAttempt, call_id)
        assert call.provider == "twilio" and call.provider_ref == "CA" + "1".zfill(32)
        types = list(db.session.scalars(sa.select(Event.type).order_by(Event.seq)))[-2:]
        assert types == ["call_placed", "call_state_changed"]


def test_the_attempt_is_committed_before_twilio_is_asked(app):
    seen = []

    def reply(rec):
        with db.new_session() as other:  # another connection sees only committed rows
            seen.extend(other.execute(sa.select(CallAttempt.state, CallAttempt.provider_ref)).all())
        return None

    provider, http = _provider(reply)
    v = to_verification(app, provider, provider.settings)
    code = v.perform("propose_calls")["households"][0]
    with app.app_context():
        v.perform("place_call", household_code=code)
    assert seen == [("queued", None)]


def test_a_second_tap_on_the_same_household_does_not_dial_twice(app):
    provider, http = _provider()
    v = to_verification(app, provider, provider.settings)
    code = v.perform("propose_calls")["households"][0]
    v.perform("place_call", household_code=code)
    with pytest.raises(Exception) as refused:
        v.perform("place_call", household_code=code)
    assert getattr(refused.value, "code", "") == "call_in_progress"
    assert len(http.requests) == 1


@pytest.mark.parametrize("code, words", [
    (21217, "not a valid number"),
    (21215, "geo permissions"),
])
def test_a_twilio_error_reaches_the_console_as_a_clear_message_and_the_attempt_is_failed(app, code, words):
    provider, http = _provider(lambda rec: twilio_error(code, "Twilio says no"))
    v = to_verification(app, provider, provider.settings)
    household = v.perform("propose_calls")["households"][0]
    ack = v.perform("place_call", household_code=household)
    assert ack["ok"] is False and ack["type"] == "call_state_changed"  # committed: the handler broadcasts it
    assert ack["error"]["code"] == f"twilio_{code}"
    assert words in ack["error"]["message"] and str(code) in ack["error"]["message"]
    (call,) = _moderator_calls(app, v.meeting_id)
    assert call["state"] == "failed" and words in call["error"]
    # The household can be dialled again after a failure.
    http.reply = None
    assert v.perform("place_call", household_code=household)["state"] == "dialling"


def test_the_moderator_reads_the_provider_error_in_chinese(app):
    provider, http = _provider(lambda rec: twilio_error(21215, "Twilio says no"))
    v = to_verification(app, provider, provider.settings)
    household = v.perform("propose_calls")["households"][0]
    v.lang = "zh_CN"
    ack = v.perform("place_call", household_code=household)
    assert "21215" in ack["error"]["message"] and "Twilio" in ack["error"]["message"]
    assert "geo permissions" not in ack["error"]["message"]


def test_the_real_client_raises_twilio_rest_exception_on_an_error_body():
    provider, _http = _provider(lambda rec: twilio_error(21217, "The 'To' number is not a valid phone number."))
    with pytest.raises(TwilioRestException) as exc:
        provider.client.calls.create(to="+86123", from_=CALLER, url=f"{BASE_URL}/x")
    assert exc.value.code == 21217 and exc.value.status == 400


def test_an_unreachable_twilio_is_a_clear_provider_error():
    def reply(rec):
        raise ConnectionError("connection refused")

    provider, _http = _provider(reply)
    with pytest.raises(ProviderError) as exc:
        provider.place_call(CallRequest(1, "+8613800000000", f"{BASE_URL}/v", f"{BASE_URL}/s"))
    assert exc.value.code == "twilio_unreachable" and "Could not reach Twilio" in exc.value.message


def test_hanging_up_asks_twilio_to_complete_the_call_and_cancels_it_at_once(app):
    provider, http = _provider()
    v = to_verification(app, provider, provider.settings)
    code = v.perform("propose_calls")["households"][0]
    call_id = v.perform("place_call", household_code=code)["call"]
    ack = v.perform("hangup_call", call_id=call_id)
    assert ack["state"] == "canceled"
    hang = http.requests[-1]
    assert hang.method == "POST" and hang.url.endswith(f"/Calls/{'CA' + '1'.zfill(32)}.json")
    assert hang.form == [("Status", "completed")]
    with app.app_context():
        sources = list(db.session.scalars(sa.select(CallEvent.source).where(CallEvent.call_attempt_id == call_id)))
    assert sources[-1] == "moderator"
    with pytest.raises(Exception) as again:
        v.perform("hangup_call", call_id=call_id)
    assert getattr(again.value, "code", "") == "call_over"


def test_the_hall_line_joins_the_calls_conference_with_early_media():
    provider, http = _provider()
    ref = provider.connect_hall(HallRequest(7, "minkao-call-7", f"{BASE_URL}/telephony/twilio/hall?call=7",
                                            f"{BASE_URL}/telephony/twilio/status?call=7&leg=hall"))
    assert ref and ref.startswith("CA")
    (req,) = http.requests
    assert req.url == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Conferences/minkao-call-7/Participants.json"
    form = dict(req.form)
    assert form["From"] == CALLER and form["To"] == "sip:hall@pbx.example.cn" and form["Label"] == "hall"
    assert (form["EarlyMedia"], form["Beep"], form["StartConferenceOnEnter"], form["EndConferenceOnExit"]) == \
        ("true", "false", "true", "false")
    assert form["StatusCallback"] == f"{BASE_URL}/telephony/twilio/status?call=7&leg=hall"
    assert req.field("StatusCallbackEvent") == ["initiated", "ringing", "answered", "completed"]


def test_without_a_hall_line_nothing_is_dialled_for_the_hall():
    provider, http = _provider(hall_line="")
    assert provider.connect_hall(HallRequest(7, "c", "h", "s")) is None
    assert http.requests == []


@pytest.mark.parametrize("code, words", [
    (20003, "TWILIO_AUTH_TOKEN"), (21212, "TWILIO_CALLER_NUMBER"), (30001, "Twilio says no"),
])
def test_every_twilio_refusal_is_a_code_with_words_and_the_twilio_code(code, words):
    from meeting.telephony.twilio_provider import explain
    from twilio.base.exceptions import TwilioRestException

    error = explain(TwilioRestException(400, "https://api.twilio.com/x", msg="Twilio says no", code=code))
    assert error.code == f"twilio_{code}" and words in error.message and str(code) in error.message
