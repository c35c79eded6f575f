"""Anonymous seats: the public order of the scores is a verifiable shuffle, and no public screen,
API or event maps a score to a seat, a name or a juror id; with the setting off nothing changes."""
from __future__ import annotations

import json

import pytest

from meeting.audience import Audience
from meeting.errors import Conflict
from meeting.extensions import db
from meeting.models import Event, Meeting, Round
from meeting.services.draw.common import meeting_master
from meeting.services.live import actions as live
from meeting.services.live import ballots
from meeting.services.live.snapshot import build_state
from meeting.services.setup.meetings import update_meeting
from scoring.anon import apply_order, public_order
from tests.live_support import seed_meeting
from tests.test_live_round import SCORES

MASTER = bytes(range(32))


def test_the_order_is_a_deterministic_permutation_of_the_master_key_and_the_round():
    orders = {r: public_order(MASTER, r, 7) for r in range(1, 9)}
    assert all(sorted(o) == list(range(7)) for o in orders.values())
    assert orders[3] == public_order(MASTER, 3, 7)
    assert len({tuple(o) for o in orders.values()}) > 1  # different per round
    assert public_order(bytes(32), 3, 7) != orders[3] or public_order(bytes(32), 4, 7) != orders[4]
    assert public_order(MASTER, 1, 0) == [] and public_order(MASTER, 1, 1) == [0]
    # The rejection branch (widened bits) still gives a permutation.
    assert sorted(public_order(MASTER, 2, 5, bits=8)) == list(range(5))
    assert apply_order(["a", "b", "c"], [2, 0, 1]) == ["c", "a", "b"]
    with pytest.raises(ValueError):
        apply_order(["a", "b"], [0, 0])


def test_every_order_of_three_ballots_comes_up_over_many_rounds():
    seen = {tuple(public_order(MASTER, r, 3)) for r in range(200)}
    assert len(seen) == 6


def _revealed(app, anonymous: bool) -> int:
    mid = seed_meeting(app, jurors=5).meeting_id
    with app.app_context():
        if anonymous:
            update_meeting(db.session, mid, {"anonymous_seats": True})
        for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                               ("draw_cadre", {"expected_draw": 1}), ("start_report", {}),
                               ("start_verification", {}), ("skip_verification", {"reason": "time_limit"})):
            live.perform(db.session, mid, action, params, "test")
        round_id = build_state(db.session, mid, Audience.MODERATOR)["round"]["id"]
        jurors = sorted(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)
        for juror, scores in zip(jurors, SCORES):
            ballots.submit_ballot(db.session, mid, juror.id, round_id, scores, f"a{juror.seat}")
        for action in ("close_scoring", "reveal_result"):
            live.perform(db.session, mid, action, {}, "test")
        db.remove()
    return mid


def _revealed_event(mid: int) -> Event:
    return db.session.query(Event).filter_by(meeting_id=mid, type="result_revealed").one()


def test_with_anonymous_seats_no_public_state_maps_a_juror_to_a_score(app, client):
    mid = _revealed(app, anonymous=True)
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        meeting.show_juror_names = True  # even with names shown, a score is never next to one
        db.session.commit()
        jurors = sorted(meeting.jurors, key=lambda j: j.seat)
        moderator = build_state(db.session, mid, Audience.MODERATOR)["round"]["result"]
        by_seat = [b["total"] for b in moderator["ballots"]]
        expected = apply_order(by_seat, public_order(meeting_master(meeting), 1, 5))
        for audience in (Audience.VIEWER, Audience.PROJECTOR, Audience.OVERLAY, Audience.JUROR):
            result = build_state(db.session, mid, audience)["round"]["result"]
            assert [b["total"] for b in result["ballots"]] == expected
            assert [b["position"] for b in result["ballots"]] == [1, 2, 3, 4, 5]
            for b in result["ballots"]:
                assert set(b) == {"position", "total", "dropped", "outlier"}
            assert "public_order" not in result and result["anonymous"] is True
            assert result["ballots"][result["dropped_high_index"]]["dropped"] == "high"
            assert result["ballots"][result["dropped_low_index"]]["dropped"] == "low"
            text = json.dumps(result, ensure_ascii=False)
            assert not any(j.name in text for j in jurors)
        api = client.get(f"/api/v1/meetings/{mid}/state").get_json()["round"]["result"]
        assert [b["total"] for b in api["ballots"]] == expected and all("seat" not in b for b in api["ballots"])
        event = _revealed_event(mid).payload
        assert [b["total"] for b in event["ballots"]] == expected
        assert all(set(b) == {"position", "total", "dropped"} for b in event["ballots"])
        events = client.get(f"/api/v1/meetings/{mid}/events").get_json()["events"]
        revealed = next(e for e in events if e["type"] == "result_revealed")
        assert all("seat" not in b for b in revealed["payload"]["ballots"])
        # The console still sees seats (the moderator chases missing ballots by seat).
        assert [b["seat"] for b in moderator["ballots"]] == [1, 2, 3, 4, 5]


def test_with_the_setting_off_the_public_result_is_by_seat_as_before(app):
    mid = _revealed(app, anonymous=False)
    with app.app_context():
        result = build_state(db.session, mid, Audience.VIEWER)["round"]["result"]
        assert [b["seat"] for b in result["ballots"]] == [1, 2, 3, 4, 5]
        assert [b["total"] for b in result["ballots"]] == ["88", "75", "95", "60", "81"]
        assert "anonymous" not in result and "position" not in result["ballots"][0]
        assert "public_order" not in db.session.query(Round).filter_by(meeting_id=mid).one().result
        assert [b["seat"] for b in _revealed_event(mid).payload["ballots"]] == [1, 2, 3, 4, 5]


def test_the_setting_is_fixed_once_the_meeting_is_live(app):
    mid = seed_meeting(app, jurors=5).meeting_id
    with app.app_context():
        update_meeting(db.session, mid, {"anonymous_seats": True})
        assert db.session.get(Meeting, mid).anonymous_seats
        live.perform(db.session, mid, "start_meeting", {}, "test")
        with pytest.raises(Conflict) as refused:
            update_meeting(db.session, mid, {"anonymous_seats": False})
        assert refused.value.code == "settings_fixed"
