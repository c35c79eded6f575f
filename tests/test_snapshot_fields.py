"""Snapshots carry data, not labels: ballots by seat (name only where names may be shown), stage codes."""
from __future__ import annotations

import pytest

from meeting.audience import Audience
from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.live import actions as live
from meeting.services.live import ballots
from meeting.services.live.snapshot import broadcast_states, build_state, visibility
from tests.live_support import seed_meeting
from tests.test_live_round import SCORES


def _revealed(app) -> int:
    seeded = seed_meeting(app, jurors=5)
    mid = seeded.meeting_id
    with app.app_context():
        for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                               ("draw_cadre", {"expected_draw": 1}), ("start_report", {}),
                               ("start_verification", {}), ("skip_verification", {"reason": "time_limit"})):
            live.perform(db.session, mid, action, params, "test")
        round_id = build_state(db.session, mid, Audience.MODERATOR)["round"]["id"]
        jurors = sorted(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)
        for i, (juror, scores) in enumerate(zip(jurors, SCORES)):
            ballots.submit_ballot(db.session, mid, juror.id, round_id, scores, f"j{i}")
        for action in ("close_scoring", "reveal_result"):
            live.perform(db.session, mid, action, {}, "test")
        db.remove()
    return mid


def test_ballots_carry_seats_and_names_only_where_names_may_be_shown(app):
    mid = _revealed(app)
    with app.app_context():
        public = build_state(db.session, mid, "viewer")
        moderator = build_state(db.session, mid, Audience.MODERATOR)
        assert public["round"]["stage"] == "revealed" and "stage_label" not in public["round"]
        for b in public["round"]["result"]["ballots"]:
            assert isinstance(b["seat"], int) and "label" not in b and "name" not in b and "scores" not in b
        for b in moderator["round"]["result"]["ballots"]:
            assert isinstance(b["seat"], int) and b["name"] and "label" not in b and "scores" in b
        db.session.get(Meeting, mid).show_juror_names = True
        db.session.commit()
        shown = build_state(db.session, mid, Audience.OVERLAY)["round"]["result"]["ballots"]
        assert [b["name"] for b in shown] == [b["name"] for b in moderator["round"]["result"]["ballots"]]
        assert all("juror_id" not in b for b in shown)


def test_broadcast_groups_and_visibility_come_from_the_audience(app):
    mid = seed_meeting(app, jurors=3).meeting_id
    with app.app_context():
        states = broadcast_states(db.session, mid)
        assert set(states) == {Audience.MODERATOR, Audience.JUROR, Audience.VIEWER}
        assert states[Audience.JUROR]["audience"] == "juror" and "jurors" not in states[Audience.JUROR]
        assert "jurors" in states[Audience.MODERATOR]
    assert visibility("moderator").staff and visibility(Audience.JUROR).own_ballot
    assert not any(visibility(a).staff or visibility(a).own_ballot for a in Audience if a.is_public)
    assert {a.snapshot for a in Audience} == {Audience.MODERATOR, Audience.JUROR, Audience.VIEWER}
    with pytest.raises(ValueError):
        visibility("public")
