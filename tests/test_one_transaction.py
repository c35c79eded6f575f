"""One use case, one transaction: each moderator action commits once, and a failure in its
last write leaves nothing of its earlier writes behind (seen from a fresh session).

The failure is injected where every step ends up, the database: a flush that would write the
event named by the test raises. The telephony actions are the documented exception: the
attempt is committed before the provider is asked (docs/RELIABILITY.md), and their steps are
checked one by one.
"""
from __future__ import annotations

import ast
import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.extensions import db
from meeting.models import Ballot, CallAttempt, Decision, DrawRecord, Event, Meeting, Round
from meeting.models.cases import Case, CaseEvent
from meeting.services.live import ballots
from meeting.telephony.manual import ManualProvider
from meeting.telephony.simulated import SimulatedProvider
from tests.live_support import seed_meeting
from tests.telephony_support import Verifying, to_verification, twilio_settings


class Injected(RuntimeError):
    """The failure a test injects into the last step of a use case."""


@contextmanager
def failing_when_written(kind: type, type_: str) -> Iterator[None]:
    """Make any flush that would insert a `kind` row of type `type_` (an event) raise Injected."""
    def before_flush(session: so.Session, _ctx: Any, _instances: Any) -> None:
        if any(isinstance(obj, kind) and obj.type == type_ for obj in session.new):
            raise Injected(type_)
    sa.event.listen(so.Session, "before_flush", before_flush)
    try:
        yield
    finally:
        sa.event.remove(so.Session, "before_flush", before_flush)


@contextmanager
def counting_commits() -> Iterator[list[int]]:
    """Count the commits of every session while the block runs."""
    commits: list[int] = []
    def after_commit(_session: so.Session) -> None:
        commits.append(1)
    sa.event.listen(so.Session, "after_commit", after_commit)
    try:
        yield commits
    finally:
        sa.event.remove(so.Session, "after_commit", after_commit)


def visible(app, meeting_id: int) -> dict[str, Any]:
    """Everything of the meeting another connection can see now (committed data only)."""
    with app.app_context():
        s = db.new_session()
        try:
            m = s.get(Meeting, meeting_id)
            rounds = s.execute(sa.select(Round.number, Round.kind, Round.stage, Round.cadre_id, Round.discrepancy)
                               .where(Round.meeting_id == meeting_id).order_by(Round.number)).all()
            calls = s.execute(sa.select(CallAttempt.id, CallAttempt.state, CallAttempt.answers)
                              .join(Round, Round.id == CallAttempt.round_id)
                              .where(Round.meeting_id == meeting_id).order_by(CallAttempt.id)).all()
            return {
                "meeting": (m.status, m.scene, m.seq, m.last_hash, m.seed_revealed_at, m.live_entropy),
                "events": list(s.scalars(sa.select(Event.type).where(Event.meeting_id == meeting_id)
                                         .order_by(Event.seq))),
                "rounds": [tuple(r) for r in rounds],
                "draws": s.scalar(sa.select(sa.func.count()).select_from(DrawRecord)
                                  .where(DrawRecord.meeting_id == meeting_id)),
                "calls": [tuple(c) for c in calls],
                "ballots": s.scalar(sa.select(sa.func.count()).select_from(Ballot)),
                "decisions": s.scalar(sa.select(sa.func.count()).select_from(Decision)),
                "cases": s.scalar(sa.select(sa.func.count()).select_from(Case)),
                "case_events": s.scalar(sa.select(sa.func.count()).select_from(CaseEvent)),
            }
        finally:
            s.close()


def started(app) -> Verifying:
    """A live meeting whose first round waits for the live entropy and the draw."""
    seeded = seed_meeting(app, jurors=3)
    v = Verifying(app, seeded.meeting_id)
    v.perform("start_meeting")
    return v


def assert_nothing_of_it_is_visible(v: Verifying, action: str, row: type, event: str, /, **params: Any) -> None:
    """Run the action with the write of its `event` failing; then nothing it did is visible."""
    before = visible(v.app, v.meeting_id)
    with failing_when_written(row, event), pytest.raises(Injected):
        v.perform(action, **params)
    assert visible(v.app, v.meeting_id) == before


def test_a_failed_draw_leaves_no_draw_no_cadre_and_no_event(app):
    v = started(app)
    v.perform("enter_entropy", sources="3 5 1 6 2 4")
    assert_nothing_of_it_is_visible(v, "draw_cadre", Event, "cadre_drawn", expected_draw=1)
    assert v.perform("draw_cadre", expected_draw=1)["number"]  # and the same draw works afterwards


def test_a_failed_skip_leaves_the_cadre_drawn(app):
    v = started(app)
    v.perform("enter_entropy", sources="3 5 1 6 2 4")
    v.perform("draw_cadre", expected_draw=1)
    assert_nothing_of_it_is_visible(v, "skip_cadre", Event, "cadre_skipped", draw=1, reason="sick_leave")


def test_failed_live_entropy_leaves_none_entered(app):
    v = started(app)
    assert_nothing_of_it_is_visible(v, "enter_entropy", Event, "entropy_entered", sources="3 5 1 6 2 4")


def test_closing_and_revealing_the_seed_are_one_transaction_so_a_failed_reveal_leaves_the_meeting_live(app):
    v = started(app)
    assert_nothing_of_it_is_visible(v, "close_meeting", Event, "seed_revealed")
    state = visible(app, v.meeting_id)
    assert state["meeting"][0] == "live" and state["meeting"][4] is None  # not closed, seed still secret
    v.perform("close_meeting")
    state = visible(app, v.meeting_id)
    assert state["meeting"][0] == "closed" and state["meeting"][4] is not None
    assert state["events"][-2:] == ["meeting_closed", "seed_revealed"]


def test_proposing_calls_that_fail_picks_no_household(app):
    v = to_verification(app, SimulatedProvider(), twilio_settings(provider="simulated", hall_line=""))
    assert_nothing_of_it_is_visible(v, "propose_calls", Event, "households_picked")


def test_a_call_whose_attempt_cannot_be_stored_leaves_no_household_picked_for_it(app):
    # Calling the next household with none picked yet picks them first, in the same step.
    v = to_verification(app, SimulatedProvider(), twilio_settings(provider="simulated", hall_line=""))
    assert_nothing_of_it_is_visible(v, "place_call", Event, "call_placed")


def test_a_manual_call_that_fails_leaves_no_attempt(app):
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    code = v.perform("propose_calls")["households"][0]
    assert_nothing_of_it_is_visible(v, "record_call", Event, "call_recorded", household_code=code, outcome="answered",
                                    answers={"visited": "yes"})


def test_answers_that_fail_to_be_recorded_leave_the_call_where_it_was(app):
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    code = v.perform("propose_calls")["households"][0]
    call_id = v.perform("place_call", household_code=code)["call"]
    # The outcome moves the call (call_state_changed) before the answers' own event.
    assert_nothing_of_it_is_visible(v, "record_answers", Event, "call_answers_recorded", call_id=call_id,
                                    outcome="answered", answers={"visited": "yes", "resolved": "no"})


def _to_decision(app) -> Verifying:
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    v.perform("skip_verification", reason="time_limit")
    with app.app_context():
        meeting = db.session.get(Meeting, v.meeting_id)
        round_id = db.session.scalar(sa.select(Round.id).where(Round.meeting_id == v.meeting_id))
        for n, juror in enumerate(sorted(meeting.jurors, key=lambda j: j.seat)):
            ballots.submit_ballot(db.session, v.meeting_id, juror.id, round_id,
                                  {"visits": 20 + n, "demands": 20, "satisfaction": 20, "report": 5}, f"m{n}")
        db.remove()
    v.perform("close_scoring")
    v.perform("reveal_result")
    return v


def test_a_decision_whose_case_cannot_be_opened_is_not_recorded(app):
    v = _to_decision(app)
    deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    detail = {"items": ["补齐常用药"], "deadline": deadline, "responsible": "孙兆龙"}
    assert_nothing_of_it_is_visible(v, "record_decision", CaseEvent, "case_opened", kind="rectification",
                                    detail=detail)
    assert v.perform("record_decision", kind="rectification", detail=detail)["type"] == "decision_recorded"
    assert visible(app, v.meeting_id)["cases"] == 1


def test_a_ballot_whose_event_fails_is_not_stored(app):
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    v.perform("skip_verification", reason="time_limit")
    before = visible(app, v.meeting_id)
    with app.app_context():
        juror = sorted(db.session.get(Meeting, v.meeting_id).jurors, key=lambda j: j.seat)[0]
        round_id = db.session.scalar(sa.select(Round.id).where(Round.meeting_id == v.meeting_id))
        with failing_when_written(Event, "ballot_received"), pytest.raises(Injected):
            ballots.submit_ballot(db.session, v.meeting_id, juror.id, round_id,
                                  {"visits": 20, "demands": 20, "satisfaction": 20, "report": 5}, "b1")
        db.remove()
    assert visible(app, v.meeting_id) == before


# --- one commit per action ------------------------------------------------------------------

def _commits(v: Verifying, action: str, **params: Any) -> int:
    with counting_commits() as commits:
        ack = v.perform(action, **params)
    assert ack.get("ok", True), ack
    return len(commits)


def test_every_moderator_action_before_and_after_the_draw_commits_exactly_once(app):
    v = started(app)
    assert _commits(v, "enter_entropy", sources="3 5 1 6 2 4") == 1
    assert _commits(v, "draw_cadre", expected_draw=1) == 1
    assert _commits(v, "draw_cadre", expected_draw=1) == 1  # the double tap answers from the same lock
    assert _commits(v, "skip_cadre", draw=1, reason="sick_leave") == 1
    assert _commits(v, "draw_cadre", expected_draw=2) == 1
    assert _commits(v, "set_scene", scene="round") == 1
    assert _commits(v, "close_meeting") == 1


def test_call_actions_commit_once_and_a_provider_call_in_two_named_steps(app):
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    assert _commits(v, "propose_calls") == 1
    assert visible(app, v.meeting_id)["events"][-1] == "households_picked"
    # place_call: the attempt (queued) is committed, the provider asked, the result recorded.
    with counting_commits() as commits:
        call_id = v.perform("place_call")["call"]
    assert len(commits) == 2
    assert _commits(v, "record_answers", call_id=call_id, outcome="answered", answers={"visited": "yes"}) == 1
    assert _commits(v, "open_scoring") == 1


def test_placing_a_call_whose_result_cannot_be_recorded_keeps_the_committed_attempt_queued(app):
    # The documented split: step 1 (the attempt) is committed before the provider is asked, so a
    # crash after it never dials twice; a failure recording the result leaves the attempt queued.
    provider = SimulatedProvider()
    v = to_verification(app, provider, twilio_settings(provider="simulated", hall_line=""))
    code = v.perform("propose_calls")["households"][0]
    with failing_when_written(Event, "call_state_changed"), pytest.raises(Injected):
        v.perform("place_call", household_code=code)
    state = visible(app, v.meeting_id)
    assert state["events"][-1] == "call_placed" and [c[1] for c in state["calls"]] == ["queued"]
    assert len(provider.placed) == 1


def test_no_other_console_can_act_between_the_draw_check_and_the_draw(app):
    # If the action released the lock after its check, another console's start_question could
    # turn the round into a question round that the draw then gives a cadre.
    from meeting.errors import UserError
    from meeting.services.live import actions as live

    v = started(app)
    v.perform("enter_entropy", sources="3 5 1 6 2 4")
    meanwhile: list[str] = []

    def other_console(_session: so.Session) -> None:
        if meanwhile:
            return
        meanwhile.append("tried")
        other = db.new_session()
        try:
            live.perform(other, v.meeting_id, "start_question", {"department_head": "县民政局局长",
                                                                 "demand": "低保复核"}, "user:2")
            meanwhile.append("question_started")
        except UserError as exc:
            meanwhile.append(exc.code)
        finally:
            other.close()

    with app.app_context():
        sa.event.listen(so.Session, "after_commit", other_console)
        try:
            v.perform("draw_cadre", expected_draw=1)
        finally:
            sa.event.remove(so.Session, "after_commit", other_console)
    assert meanwhile == ["tried", "question_not_draw_stage"]  # it came after the draw, and was refused
    (rnd,) = visible(app, v.meeting_id)["rounds"]
    assert rnd[1] == "cadre" and rnd[3] is not None


# --- the rule, in the code ------------------------------------------------------------------

SERVICES = Path(__file__).resolve().parent.parent / "meeting" / "services"
# Where a service may still commit itself, and why:
COMMITS_ALLOWED = {
    "tx.py": "unit_of_work: the one commit of every use case",
    "chain_check.py": "the stop mark of a failed chain check must outlive the refused action",
    # Not moderator actions, and outside this rule's first pass: log-in throttle and codes,
    # users, and the roster import (a worker process that commits its progress per batch).
    "accounts/auth.py": "", "accounts/login_codes.py": "", "accounts/users.py": "",
    "roster/importing/service.py": "", "roster/importing/jobs.py": "",
}


def test_services_commit_only_through_unit_of_work():
    found = []
    for path in sorted(SERVICES.rglob("*.py")):
        rel = path.relative_to(SERVICES).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
                    and rel not in COMMITS_ALLOWED):
                found.append(f"{rel}:{node.lineno}")
    assert found == []


def test_a_use_case_called_inside_another_is_refused_instead_of_committing_half_of_the_outer(app):
    from meeting.services.draw import seed as draw_seed
    from meeting.services.tx import lock_meeting, unit_of_work

    v = started(app)
    before = visible(app, v.meeting_id)

    @unit_of_work
    def outer(session: so.Session) -> None:
        lock_meeting(session, v.meeting_id).scene = "blank"
        draw_seed.enter_entropy(session, v.meeting_id, "3 5 1 6 2 4")  # the public use case, not its inner step

    with app.app_context():
        with pytest.raises(RuntimeError, match="inner step"):
            outer(db.session)
        db.remove()
    assert visible(app, v.meeting_id) == before
