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


DICE = {"label": "骰子", "kind": "dice", "count": 5, "supplier": "县人大代表"}


def _declared_meeting(app) -> int:
    """A frozen meeting whose notice declares five dice, committed, with a first round."""
    from meeting.services.draw import pool as draw_pool
    from meeting.services.draw import seed as draw_seed
    from tests.draw_support import build_roster, new_meeting
    with app.app_context():
        s = db.session
        build_roster(s, cadres=12)
        mid = new_meeting(s)
        draw_pool.freeze_pool(s, mid, {"kind": "whole", "draws": 3}, [], "organiser")
        draw_seed.declare_entropy_sources(s, mid, [DICE], "organiser")
        draw_seed.commit_seed(s, mid, "organiser")
        with pytest.raises(Conflict) as exc:
            draw_seed.declare_entropy_sources(s, mid, [{**DICE, "count": 6}], "organiser")
        assert exc.value.code == "entropy_sources_fixed"
        db.remove()
    return mid


def test_entropy_in_any_spelling_but_the_declared_one_is_refused(app):
    stage = Stage.__new__(Stage)
    stage.app, stage.mid = app, _declared_meeting(app)
    stage.perform("start_meeting")
    for spelling in ("35162", "3,5,1,6,2", "3  5 1 6 2", "３ ５ １ ６ ２", [{"label": "骰子", "value": "3 5 1 6 2 4"}]):
        with pytest.raises(UserError) as exc:
            stage.perform("enter_entropy", sources=spelling)
        assert exc.value.code in {"entropy_not_canonical", "entropy_sources_mismatch"}
    assert "entropy_entered" not in _events(app, stage.mid)
    stage.perform("enter_entropy", sources=["3 5 1 6 2"])
    types = _events(app, stage.mid)
    assert types.index("entropy_declared") < types.index("seed_committed") < types.index("entropy_entered")
    stage.perform("draw_cadre", expected_draw=1)
    stage.perform("close_meeting")
    from scoring import bundle as bundle_mod
    from scoring.verify import verify
    data = bundle_mod.loads(app.test_client().get(f"/m/{stage.mid}/bundle.json").data)
    assert verify(data)[0].startswith("OK")


def test_the_notice_declares_the_sources_and_the_skip_reasons_and_lists_the_skips(app):
    stage = Stage.__new__(Stage)
    stage.app, stage.mid = app, _declared_meeting(app)
    client = app.test_client()
    before = client.get(f"/m/{stage.mid}/notice?lang=en").get_data(as_text=True)
    assert "县人大代表" in before and "3 5 1 6 2" in before and "Absent on official duty" in before
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources=["3 5 1 6 2"])
    first = stage.perform("draw_cadre", expected_draw=1)
    stage.perform("skip_cadre", draw=1, reason="sick_leave")
    after = client.get(f"/m/{stage.mid}/notice?lang=en").get_data(as_text=True)
    assert "Skipped in this meeting: 1" in after and f"<td>{first['number']}</td><td>On sick leave</td>" in after
