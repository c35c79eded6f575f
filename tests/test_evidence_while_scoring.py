"""The juror snapshot carries the round's call results and discrepancy while scoring, masked as on
public screens (what the tablet shows beside the rubric: issue #10, item 3)."""
from __future__ import annotations

from meeting.audience import Audience
from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.live import actions as live
from meeting.services.live.snapshot import broadcast_states, build_state
from scoring.masking import mask_name, mask_phone
from tests.live_support import seed_meeting


def test_a_juror_sees_the_masked_call_outcomes_and_the_discrepancy_while_scoring(app):
    mid = seed_meeting(app, jurors=3).meeting_id
    with app.app_context():
        for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                               ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
            live.perform(db.session, mid, action, params, "test")
        picks = live.perform(db.session, mid, "propose_calls", {}, "test")["households"]
        live.perform(db.session, mid, "record_call", {"household_code": picks[0], "outcome": "answered",
                                                      "answers": {"visited": "no", "resolved": "no",
                                                                  "satisfaction": 1}}, "test")
        live.perform(db.session, mid, "open_scoring", {}, "test")
        juror = min(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)
        staff = build_state(db.session, mid, Audience.MODERATOR)["round"]["calls"][0]["household"]
        for state in (build_state(db.session, mid, Audience.JUROR, juror_id=juror.id),
                      broadcast_states(db.session, mid)[Audience.JUROR]):
            rnd = state["round"]
            assert rnd["stage"] == "scoring_open" and rnd["discrepancy"] is True
            (call,) = rnd["calls"]
            assert call["state"] == "ended" and call["answers"] == {"visited": "no", "resolved": "no", "satisfaction": 1}
            h = call["household"]
            assert h["name"] == mask_name(staff["full_name"]) and h["phone"] == mask_phone(staff["full_phone"])
            assert "full_name" not in h and "full_phone" not in h and "note" not in call
        db.remove()
