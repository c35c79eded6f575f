"""The draw-integrity attacks of issue #9, replayed against the services: each is refused."""
from __future__ import annotations

from typing import Any

import pytest

from meeting.extensions import db
from meeting.services.live import actions as live
from meeting.errors import Conflict, UserError
from tests.live_support import seed_meeting


class Stage:
    """A seeded meeting driven through services.live.perform, as the socket handler does."""

    def __init__(self, app) -> None:
        self.app = app
        self.mid = seed_meeting(app, jurors=3).meeting_id

    def perform(self, action: str, **params: Any) -> dict[str, Any]:
        with self.app.test_request_context("/?lang=en"):
            try:
                return live.perform(db.session, self.mid, action, params, "user:1")
            finally:
                db.remove()


@pytest.fixture
def stage(app) -> Stage:
    return Stage(app)


def _events(app, mid: int) -> list[str]:
    from meeting.models import Event
    import sqlalchemy as sa
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(Event.type).where(Event.meeting_id == mid).order_by(Event.seq)))
        finally:
            db.remove()


def test_a_second_draw_in_the_same_round_without_a_skip_is_refused(stage):
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    first = stage.perform("draw_cadre", expected_draw=1)
    with pytest.raises(Conflict) as exc:
        stage.perform("draw_cadre", expected_draw=2)
    assert exc.value.code == "already_drawn"
    assert stage.perform("draw_cadre", expected_draw=1)["number"] == first["number"]  # the same, not a new one
    assert _events(stage.app, stage.mid).count("cadre_drawn") == 1


def test_after_a_skip_with_a_reason_the_round_draws_again(stage):
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    first = stage.perform("draw_cadre", expected_draw=1)
    stage.perform("skip_cadre", draw=1, reason="official_duty")
    second = stage.perform("draw_cadre", expected_draw=2)
    assert second["new"] and second["number"] != first["number"]


def test_entropy_before_the_meeting_starts_is_refused(stage):
    with pytest.raises(Conflict) as exc:
        stage.perform("enter_entropy", sources="3 5 1 6 2")
    assert exc.value.code == "not_live"
    assert "entropy_entered" not in _events(stage.app, stage.mid)


def test_entropy_after_the_first_draw_is_refused(stage):
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    stage.perform("draw_cadre", expected_draw=1)
    with pytest.raises(Conflict):
        stage.perform("enter_entropy", sources="4 4 4 4 4")
    assert _events(stage.app, stage.mid).count("entropy_entered") == 1


def test_a_skip_reason_off_the_closed_list_is_refused_and_other_needs_words(stage):
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    stage.perform("draw_cadre", expected_draw=1)
    with pytest.raises(UserError) as exc:
        stage.perform("skip_cadre", draw=1, reason="他不想来")
    assert exc.value.code == "skip_reason_unknown"
    with pytest.raises(UserError) as exc:
        stage.perform("skip_cadre", draw=1, reason="other", text="   ")
    assert exc.value.code == "skip_reason_missing"
    assert "cadre_skipped" not in _events(stage.app, stage.mid)


def test_the_public_snapshot_carries_the_rounds_skip_as_codes(stage):
    from meeting.services.live.snapshot import build_state
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    first = stage.perform("draw_cadre", expected_draw=1)
    stage.perform("skip_cadre", draw=1, reason="other", text="出差  (省里开会)")
    with stage.app.app_context():
        public = build_state(db.session, stage.mid, "viewer")
        db.remove()
    assert public["round"]["cadre"] is None
    assert public["round"]["skips"] == [{"draw": 1, "number": first["number"], "reason": "other",
                                         "text": "出差 (省里开会)"}]
