"""A return visit through Twilio: the call is created with the visit's webhook URLs, the
signed voice and gather webhooks play the two keypad questions, and the answers close the case."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa

from meeting import telephony
from meeting.extensions import db
from meeting.models import CallAttempt
from meeting.services import followup
from meeting.services.followup import visits
from meeting.telephony.settings import WebhookUrls
from meeting.telephony.twilio_provider import TwilioProvider
from tests.live_support import seed_meeting
from tests.telephony_support import (BASE_URL, RecordingHttpClient, post_signed, published,  # noqa: F401
                                     status_params, twilio_settings)
from tests.test_visits_live import _replied_case

URLS = WebhookUrls(BASE_URL)


def test_a_twilio_return_visit_asks_both_questions_and_a_satisfied_answer_closes_the_case(app, client, published):
    seeded = seed_meeting(app, jurors=3)
    code = _replied_case(app, seeded.meeting_id)
    http = RecordingHttpClient()
    telephony.set_provider(app, TwilioProvider(twilio_settings(), http_client=http), twilio_settings())
    with app.app_context():
        try:
            visits.start_visit(db.session, code, "staff:li")
            call_id = visits.place_visit_call(db.session, code, "staff:li", telephony.context())["call"]
            sid = db.session.scalar(sa.select(CallAttempt.provider_ref).where(CallAttempt.id == call_id))
        finally:
            db.remove()
    (create,) = [r for r in http.requests if r.url.endswith("/Calls.json")]
    assert create.data["Url"] == URLS.voice(call_id) and create.data["To"].startswith("+86")

    first = ET.fromstring(post_signed(client, URLS.voice(call_id), status_params(sid, "in-progress")).data)
    gather = first.find("Gather")
    assert gather.get("action") == URLS.gather(call_id, "visit_resolved", 0) and "解决" in gather.find("Say").text
    assert first.find("Dial") is None  # no hall line on a return visit
    second = ET.fromstring(post_signed(client, URLS.gather(call_id, "visit_resolved", 0),
                                       status_params(sid, "in-progress", Digits="1")).data)
    assert second.find("Gather").get("action") == URLS.gather(call_id, "visit_satisfaction", 0)
    last = ET.fromstring(post_signed(client, URLS.gather(call_id, "visit_satisfaction", 0),
                                     status_params(sid, "in-progress", Digits="5")).data)
    assert last.find("Hangup") is not None and last.find("Gather") is None
    assert post_signed(client, URLS.status(call_id), status_params(sid, "completed")).status_code == 200

    with app.app_context():
        try:
            case = followup.get_case(db.session, code)
            call = db.session.get(CallAttempt, call_id)
            assert (case.status, call.state) == ("closed", "ended")
            assert call.answers == {"visit_resolved": "yes", "visit_satisfaction": 5}
            assert followup.verify_stream(db.session) is None
        finally:
            db.remove()
    assert published == []  # nothing of a case's visit goes to a meeting's screens
