"""Phone-in report through Twilio (recorded HTTP, signed webhooks): the cadre's leg is a call
like a household's; answering it starts the report, plays the cadre's TwiML (into the call's
conference, no survey) and dials the hall line into that conference."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import CallAttempt
from meeting.services.live.snapshot import build_state
from meeting.telephony.settings import WebhookUrls
from meeting.telephony.twilio_provider import TwilioProvider
from tests.phone_in_support import drawn
from tests.telephony_support import (BASE_URL, RecordingHttpClient, post_signed, published,  # noqa: F401
                                     status_params, twilio_settings)

URLS = WebhookUrls(BASE_URL)


def test_the_cadre_answers_hears_the_cadre_prompt_joins_the_conference_and_the_hall_is_dialled_in(app, client,
                                                                                                  published):
    http = RecordingHttpClient()
    v = drawn(app, TwilioProvider(twilio_settings(), http_client=http), hall_line="sip:hall@pbx.example.cn")
    call_id = v.perform("dial_cadre")["call"]
    (create,) = [r for r in http.requests if r.url.endswith("/Calls.json")]
    assert create.data["Url"] == URLS.voice(call_id) and create.data["To"].startswith("+86")
    with app.app_context():
        sid = db.session.scalar(sa.select(CallAttempt.provider_ref).where(CallAttempt.id == call_id))
        db.remove()

    resp = post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress"))
    assert resp.status_code == 200
    root = ET.fromstring(resp.data)
    assert root.find("Gather") is None and "述职" in root.find("Say").text
    conference = root.find("Dial/Conference")
    assert conference.text == f"minkao-call-{call_id}" and conference.get("participantLabel") == "cadre"
    (hall,) = [r for r in http.requests if "/Participants.json" in r.url]
    assert f"/Conferences/minkao-call-{call_id}/" in hall.url and hall.data["To"] == "sip:hall@pbx.example.cn"
    assert [c["type"] for _m, c in published][-2:] == ["call_state_changed", "report_started"]

    # Twilio's own "in-progress" status callback arriving afterwards changes nothing more.
    assert post_signed(client, URLS.status(call_id), status_params(sid, "in-progress")).status_code == 200
    with app.app_context():
        round_ = build_state(db.session, v.meeting_id, "viewer")["round"]
        db.remove()
    assert round_["stage"] == "report" and round_["report_mode"] == "phone"
    assert round_["cadre_call"]["state"] == "answered"
    assert len([r for r in http.requests if "/Participants.json" in r.url]) == 1


def test_the_answered_status_alone_starts_the_report_even_before_the_voice_request(app, client, published):
    http = RecordingHttpClient()
    v = drawn(app, TwilioProvider(twilio_settings(), http_client=http))
    call_id = v.perform("dial_cadre")["call"]
    with app.app_context():
        sid = db.session.scalar(sa.select(CallAttempt.provider_ref).where(CallAttempt.id == call_id))
        db.remove()
    assert post_signed(client, URLS.status(call_id), status_params(sid, "in-progress")).status_code == 200
    with app.app_context():
        round_ = build_state(db.session, v.meeting_id, "moderator")["round"]
        db.remove()
    assert round_["stage"] == "report" and round_["report"]["started_at"] is not None
