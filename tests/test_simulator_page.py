"""The household simulator's routes (Flask test client): log-in, masking, and each phone button
delivered as provider events to the calls service (no webhook round trip)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import CallAttempt, CallEvent, User
from meeting.telephony.simulated import SimulatedProvider
from scoring.masking import mask_name, mask_phone
from tests.telephony_support import published, to_verification, twilio_settings  # noqa: F401


@pytest.fixture
def sim(app, client, published):
    provider = SimulatedProvider()
    v = to_verification(app, provider, twilio_settings(provider="simulated", hall_line=""))
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "moderator"))
    with client.session_transaction() as s:
        s["user_id"] = user_id
    return v


def _place(v) -> int:
    v.perform("propose_calls")
    return v.perform("place_call")["call"]


def _act(client, v, call_id, action, **body):
    return client.post(f"/sim/{v.meeting_id}/calls/{call_id}/{action}", json=body)


def test_the_simulator_needs_a_staff_log_in(app):
    anonymous = app.test_client()
    assert anonymous.get("/sim/1").status_code == 302
    assert anonymous.get("/sim/1/calls.json").status_code == 302
    assert anonymous.post("/sim/1/calls/1/answer").status_code == 302


def test_the_page_renders_with_local_assets_only(client, sim):
    page = client.get(f"/sim/{sim.meeting_id}").get_data(as_text=True)
    assert 'name="csrf-token"' in page and "simulator/simulator.js" in page
    assert not re.search(r'(src|href)="https?://', page)
    assert client.get("/sim/999999").status_code == 404


def test_the_call_list_masks_the_household(app, client, sim):
    call_id = _place(sim)
    data = client.get(f"/sim/{sim.meeting_id}/calls.json").get_json()
    (call,) = data["calls"]
    with app.app_context():
        h = db.session.get(CallAttempt, call_id).household
        full_name, full_phone = h.name, h.phone
        h.village.name  # loaded while the session is open
    assert call["id"] == call_id and call["state"] == "dialling" and data["simulated"] is True
    text = str(data)
    assert full_name not in text and full_phone not in text
    assert call["household"] == {"code": h.code, "village": h.village.name, "name": mask_name(full_name),
                                 "phone": mask_phone(full_phone)}


def test_ring_answer_keys_and_hang_up_drive_the_call_through_the_calls_service(app, client, sim):
    call_id = _place(sim)
    assert _act(client, sim, call_id, "ring").get_json()["call"]["state"] == "ringing"
    answered = _act(client, sim, call_id, "answer").get_json()
    assert answered["call"]["state"] == "answered" and answered["call"]["step"] == "consent"
    assert "同意请按1" in answered["call"]["prompt"]["say"][0] and "<Gather" in answered["twiml"]
    assert _act(client, sim, call_id, "digits", digits="1", step="consent").get_json()["call"]["step"] == "visited"
    stale = _act(client, sim, call_id, "digits", digits="1", step="consent")
    assert stale.status_code == 409  # the page showed an old step: nothing is sent
    for step, key in (("visited", "1"), ("resolved", "1"), ("satisfaction", "5")):
        out = _act(client, sim, call_id, "digits", digits=key, step=step).get_json()
    assert out["call"]["answers"] == {"visited": "yes", "resolved": "yes", "satisfaction": 5}
    assert out["call"]["state"] == "ended"  # the TwiML thanked and hung up (no hall line)
    assert _act(client, sim, call_id, "hangup").status_code == 409
    with app.app_context():
        raws = list(db.session.scalars(sa.select(CallEvent.raw).where(CallEvent.call_attempt_id == call_id)))
    statuses = [r.get("state") for r in raws if r.get("kind") == "status"]
    assert statuses == ["ringing", "answered", "ended"]  # the simulated network speaks our states
    assert all(r.get("source") == "simulator" and r.get("ref", "").startswith("SIM") for r in raws if r.get("kind"))


def test_busy_and_no_answer_end_the_call_and_buttons_that_do_not_fit_are_refused(client, sim):
    call_id = _place(sim)
    assert _act(client, sim, call_id, "digits", digits="1").status_code == 409  # not answered yet
    assert _act(client, sim, call_id, "busy").get_json()["call"]["state"] == "busy"
    assert _act(client, sim, call_id, "answer").status_code == 409
    second = sim.perform("place_call")["call"]
    assert _act(client, sim, second, "no_answer").get_json()["call"]["state"] == "no_answer"
    assert _act(client, sim, second, "dance").status_code == 404


def test_calls_of_a_real_provider_cannot_be_played(app, client, sim):
    call_id = _place(sim)
    with app.app_context():
        db.session.get(CallAttempt, call_id).provider = "twilio"
        db.session.commit()
    assert _act(client, sim, call_id, "answer").status_code == 409


def test_hanging_up_mid_survey_keeps_the_answers_given_so_far(client, sim):
    call_id = _place(sim)
    _act(client, sim, call_id, "answer")
    _act(client, sim, call_id, "digits", digits="1", step="consent")
    _act(client, sim, call_id, "digits", digits="2", step="visited")
    out = _act(client, sim, call_id, "hangup").get_json()["call"]
    assert out["state"] == "ended" and out["answers"] == {"visited": "no"}


def test_a_household_that_declines_is_thanked_and_the_call_ends_with_nothing_recorded(client, sim):
    call_id = _place(sim)
    _act(client, sim, call_id, "answer")
    out = _act(client, sim, call_id, "digits", digits="2", step="consent").get_json()
    assert "<Hangup" in out["twiml"] and out["call"]["state"] == "ended"
    assert out["call"]["answers"] == {} and out["call"]["consent"] == "no"


def test_each_button_broadcasts_what_it_changed(client, sim, published):
    call_id = _place(sim)
    del published[:]
    _act(client, sim, call_id, "answer")
    assert [cause["type"] for _mid, cause in published] == ["call_state_changed"]
    del published[:]
    _act(client, sim, call_id, "digits", digits="2", step="consent")  # declined: consent, then the call ends
    assert [cause["type"] for _mid, cause in published] == ["call_consent", "call_state_changed"]
    assert {mid for mid, _cause in published} == {sim.meeting_id}


def test_with_a_hall_line_the_consent_brings_the_hall_in_and_the_household_is_bridged(app, client, published):
    provider = SimulatedProvider()
    v = to_verification(app, provider, twilio_settings(provider="simulated"))
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "moderator"))
    with client.session_transaction() as s:
        s["user_id"] = user_id
    call_id = _place(v)
    _act(client, v, call_id, "answer")
    assert _act(client, v, call_id, "digits", digits="1", step="consent").get_json()["call"]["step"] == "visited"
    assert [h.call_id for h in provider.halls] == [call_id]
    for step, key in (("visited", "1"), ("resolved", "4"), ("satisfaction", "4")):
        out = _act(client, v, call_id, "digits", digits=key, step=step).get_json()
    assert "<Conference" in out["twiml"] and out["call"]["state"] == "answered"  # on the line with the hall
    assert out["call"]["prompt"]["conference"] is True


def test_the_simulator_speaks_to_the_calls_service_not_to_the_webhook_routes():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "meeting"
    sources = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert not [name for name, text in sources.items() if "test_client" in text]
    assert [name for name, text in sources.items() if "RequestValidator" in text] == ["telephony/twilio_webhooks.py"]
