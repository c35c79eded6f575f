"""Scoring opens after call-out verification only once a call has an outcome, or by an explicit,
logged skip of verification with a reason (issue #10: one key skipped verification with no call)."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, UserError
from meeting.extensions import db
from meeting.models import Event, Round
from meeting.services.chain_check import check_chain
from meeting.services.draw import steps as draw_steps
from meeting.services.live import actions as live
from meeting.services.live.snapshot import build_state
from scoring import stages
from tests.live_support import seed_meeting


class Moderator:
    """Moderator actions through services.live, as the socket handler calls them."""

    def __init__(self, app) -> None:
        self.app = app
        self.meeting_id = seed_meeting(app, jurors=3).meeting_id

    def perform(self, action: str, **params: Any) -> dict[str, Any]:
        with self.app.app_context():
            try:
                return live.perform(db.session, self.meeting_id, action, params, "user:moderator")
            finally:
                db.remove()

    def refused(self, action: str, **params: Any) -> tuple[str, str]:
        """(class name, code) of a refused action; fails the test if it was accepted."""
        with pytest.raises(UserError) as err:
            self.perform(action, **params)
        return type(err.value).__name__, err.value.code

    def stage(self) -> str:
        with self.app.app_context():
            try:
                return db.session.scalars(sa.select(Round.stage).where(Round.meeting_id == self.meeting_id)
                                          .order_by(Round.number.desc())).first()
            finally:
                db.remove()

    def events(self, type_: str) -> list[dict[str, Any]]:
        with self.app.app_context():
            try:
                return [e.payload for e in db.session.scalars(sa.select(Event).where(
                    Event.meeting_id == self.meeting_id, Event.type == type_).order_by(Event.seq))]
            finally:
                db.remove()

    def state(self, audience: str = "moderator") -> dict[str, Any]:
        with self.app.app_context():
            try:
                return build_state(db.session, self.meeting_id, audience)
            finally:
                db.remove()

    def household(self) -> str:
        """The first household the verifiable draw picks for the drawn cadre (calls follow the draw)."""
        with self.app.app_context():
            try:
                rnd = db.session.scalars(sa.select(Round).where(Round.meeting_id == self.meeting_id)).first()
                return draw_steps.pick_households(db.session, self.meeting_id, count=2, round_id=rnd.id)[0].code
            finally:
                db.remove()


@pytest.fixture
def verifying(app) -> Moderator:
    m = Moderator(app)
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
        m.perform(action, **params)
    assert m.stage() == "verification"
    return m


def test_opening_scoring_before_any_call_has_an_outcome_is_refused_and_changes_nothing(verifying):
    before = len(verifying.events("scoring_opened"))
    assert verifying.refused("open_scoring") == ("Conflict", "transition_no_call_outcome")
    assert verifying.stage() == "verification" and len(verifying.events("scoring_opened")) == before


def test_a_call_with_an_outcome_lets_scoring_open(verifying):
    code = verifying.household()
    ack = verifying.perform("record_call", household_code=code, outcome="no_answer")
    assert ack["type"] == "call_recorded"
    assert verifying.perform("open_scoring")["type"] == "scoring_opened"
    assert verifying.stage() == "scoring_open"


def test_skipping_verification_needs_a_reason_from_the_list(verifying):
    assert verifying.refused("skip_verification") == ("UserError", "verification_skip_reason_unknown")
    assert verifying.refused("skip_verification", reason="because") == ("UserError", "verification_skip_reason_unknown")
    assert verifying.refused("skip_verification", reason="other") == ("UserError", "verification_skip_reason_missing")
    assert verifying.refused("skip_verification", reason="other", text="   ") == ("UserError", "verification_skip_reason_missing")
    assert verifying.refused("skip_verification", reason="other", text="x" * 201) == ("UserError", "verification_skip_reason_too_long")
    assert verifying.stage() == "verification" and verifying.events("verification_skipped") == []


def test_a_skip_with_a_reason_is_logged_in_the_chain_and_opens_scoring(verifying, app):
    ack = verifying.perform("skip_verification", reason="line_down")
    assert ack["type"] == "verification_skipped"
    assert verifying.stage() == "scoring_open"
    assert verifying.events("verification_skipped") == [{"round": 1, "reason": "line_down", "calls": 0}]
    # Every screen's snapshot says so (it is public, like a skipped cadre), and the chain verifies.
    assert verifying.state()["round"]["verification_skip"] == {"reason": "line_down", "text": ""}
    assert verifying.state("projector")["round"]["verification_skip"] == {"reason": "line_down", "text": ""}
    with app.app_context():
        assert check_chain(db.session, verifying.meeting_id).ok
        db.remove()


def test_other_is_stored_with_its_words(verifying):
    verifying.perform("skip_verification", reason="other", text="  县里停电，  线路中断 ")
    assert verifying.events("verification_skipped")[0]["reason"] == "other: 县里停电， 线路中断"
    assert verifying.state()["round"]["verification_skip"] == {"reason": "other", "text": "县里停电， 线路中断"}


def test_a_round_without_a_skip_carries_none(verifying):
    assert verifying.state()["round"]["verification_skip"] is None


def test_skip_verification_is_refused_outside_verification(verifying):
    verifying.perform("skip_verification", reason="time_limit")
    assert verifying.refused("skip_verification", reason="time_limit") == ("Conflict", "transition_illegal")
    assert len(verifying.events("verification_skipped")) == 1


def test_a_question_round_opens_scoring_after_the_answer_without_calls(app):
    m = Moderator(app)
    m.perform("start_meeting")
    m.perform("start_question", department_head="王立新", unit="县交通运输局", demand="道路何时硬化？")
    m.perform("start_answer")
    assert m.perform("open_scoring")["type"] == "scoring_opened"


def test_the_pure_rule_counts_only_outcomes_of_the_line():
    with pytest.raises(stages.NoCallOutcome):
        stages.transition("cadre", "verification", "open_scoring", calls_with_outcome=0)
    assert stages.transition("cadre", "verification", "open_scoring", calls_with_outcome=1) == "scoring_open"
    with pytest.raises(TypeError):
        stages.transition("cadre", "verification", "open_scoring")
    assert "canceled" not in stages.CALL_OUTCOMES and "ended" in stages.CALL_OUTCOMES
    assert stages.verification_skip_reason("time_limit", "ignored") == "time_limit"
    assert stages.parse_verification_skip_reason("other: 停电") == ("other", "停电")
