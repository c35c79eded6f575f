"""The cadre's claims (述职称) on a real database: entered by the moderator, validated, logged,
public, and set against the households' answers as they arrive."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting import telephony
from meeting.errors import UserError
from meeting.extensions import db
from meeting.models import CallAttempt, Event, Household, Round
from meeting.services.calls import webhooks as calls_webhooks
from meeting.services.live.snapshot import build_state
from meeting.telephony import twilio_webhooks
from meeting.telephony.simulated import SimulatedProvider
from tests.phone_in_support import drawn

CLAIMS = {"visited": 31, "demands_collected": 6, "demands_resolved": 6}


def _refused(v, action, **params) -> tuple[str, dict]:
    with pytest.raises(UserError) as exc:
        v.perform(action, **params)
    return exc.value.code, exc.value.params


def _round(app, meeting_id, audience="viewer"):
    with app.app_context():
        try:
            return build_state(db.session, meeting_id, audience)["round"]
        finally:
            db.remove()


def _households(app, meeting_id) -> int:
    with app.app_context():
        try:
            rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == meeting_id))
            return db.session.scalar(sa.select(sa.func.count(Household.id)).where(Household.cadre_id == rnd.cadre_id))
        finally:
            db.remove()


def _answer(app, call_id, step, digit):
    with app.test_request_context():
        try:
            sid = db.session.get(CallAttempt, call_id).provider_ref
            calls_webhooks.receive_keys(db.session, call_id, step,
                                        twilio_webhooks.keys_event({"CallSid": sid, "Digits": digit}, step, 0), 0,
                                        telephony.context())
        finally:
            db.remove()


def test_claims_entered_after_the_draw_default_to_the_cadres_household_count_and_are_logged(app):
    v = drawn(app, SimulatedProvider())
    n = _households(app, v.meeting_id)
    ack = v.perform("record_claims", visited=n - 1, demands_collected=4, demands_resolved=3)
    assert ack["type"] == "claims_recorded" and ack["claims"]["assigned"] == n
    round_ = _round(app, v.meeting_id)
    assert round_["claims"] == {"visited": n - 1, "assigned": n, "demands_collected": 4, "demands_resolved": 3}
    assert round_["claims_check"]["level"] == "pending"
    with app.app_context():
        payload = db.session.scalar(sa.select(Event.payload).where(Event.type == "claims_recorded"))
        db.remove()
    assert payload == {"round": 1, "visited": n - 1, "assigned": n, "demands_collected": 4, "demands_resolved": 3}
    # Entering them again corrects them, logged again.
    v.perform("record_claims", visited=n, assigned=n, demands_collected=4, demands_resolved=4)
    assert _round(app, v.meeting_id)["claims"]["visited"] == n


@pytest.mark.parametrize("params, code, field", [
    ({"visited": 40, "assigned": 31, "demands_collected": 0, "demands_resolved": 0}, "claim_visited_over_assigned", "visited"),
    ({"visited": 3, "demands_collected": 1, "demands_resolved": 2}, "claim_resolved_over_collected", "demands_resolved"),
    ({"visited": -3, "demands_collected": 1, "demands_resolved": 0}, "claim_out_of_range", "visited"),
    ({"visited": "all", "demands_collected": 1, "demands_resolved": 0}, "claim_not_count", "visited"),
    ({"visited": 3, "demands_collected": 1, "demands_resolved": 0, "forged": 1}, "claims_unknown_fields", "forged"),
])
def test_invalid_claims_are_refused_and_nothing_is_stored(app, params, code, field):
    v = drawn(app, SimulatedProvider())
    assert _refused(v, "record_claims", **params) == (code, {"field": field})
    assert _round(app, v.meeting_id)["claims"] is None


def test_claims_are_entered_only_once_a_cadre_is_drawn_and_until_the_verification_ends(app):
    v = drawn(app, SimulatedProvider())
    v.perform("skip_cadre", draw=1, reason="training")
    assert _refused(v, "record_claims", **CLAIMS)[0] == "claims_not_now"
    v.perform("draw_cadre", expected_draw=2)
    v.perform("record_claims", visited=1, demands_collected=0, demands_resolved=0)
    v.perform("start_report")
    v.perform("record_claims", visited=2, demands_collected=0, demands_resolved=0)
    v.perform("start_verification")
    v.perform("record_claims", visited=3, demands_collected=0, demands_resolved=0)
    v.perform("skip_verification", reason="time_limit")
    assert _refused(v, "record_claims", **CLAIMS)[0] == "claims_not_now"
    assert _round(app, v.meeting_id)["claims"]["visited"] == 3


def test_claims_of_a_skipped_cadre_are_not_shown_for_the_next(app):
    v = drawn(app, SimulatedProvider())
    v.perform("record_claims", visited=1, demands_collected=0, demands_resolved=0)
    v.perform("skip_cadre", draw=1, reason="sick_leave")
    v.perform("draw_cadre", expected_draw=2)
    assert _round(app, v.meeting_id)["claims"] is None


def test_a_household_saying_never_visited_contradicts_a_claim_of_every_household_visited(app):
    v = drawn(app, SimulatedProvider())
    n = _households(app, v.meeting_id)
    v.perform("record_claims", visited=n, demands_collected=6, demands_resolved=6)
    v.perform("start_report")
    v.perform("start_verification")
    v.perform("propose_calls")
    call_id = v.perform("place_call")["call"]
    with app.test_request_context():
        sid = db.session.get(CallAttempt, call_id).provider_ref
        calls_webhooks.receive_voice(db.session, call_id, twilio_webhooks.answered_event({"CallSid": sid}))
        db.remove()
    _answer(app, call_id, "consent", "1")
    assert _round(app, v.meeting_id)["claims_check"]["level"] == "pending"
    _answer(app, call_id, "visited", "2")
    check = _round(app, v.meeting_id)["claims_check"]
    assert check["level"] == "contradiction" and check["codes"] == ["visits_all_claimed"]
    assert (check["answered"], check["said_not_visited"]) == (1, 1)
    _answer(app, call_id, "resolved", "3")
    check = _round(app, v.meeting_id, "projector")["claims_check"]
    assert check["codes"] == ["visits_all_claimed", "demands_all_claimed_resolved"]
