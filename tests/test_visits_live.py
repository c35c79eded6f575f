"""Return visits end to end on a real server with the simulated provider: staff start a
replied case's return visit (`flask case-visit`), the household answers the keypad survey over
the simulator's HTTP endpoints, unsatisfied → the case reopens; after a new reply a second
visit, satisfied → closed; every step is in the case stream and its chain verifies."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Cadre, Decision, Household, Round
from meeting.services import followup
from scoring import draw
from scoring import visits as rules
from tests.liveserver import LiveServer, free_port
from tests.live_support import seed_meeting
from tests.test_telephony_live import Simulator

pytestmark = pytest.mark.server


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=3)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}).start()
    yield seeded, server
    server.stop()


def _replied_case(app, meeting_id: int) -> str:
    """A rectification decision of round 1 about a cadre and three of his households, replied."""
    with app.app_context():
        try:
            cadre_id = db.session.scalar(sa.select(Household.cadre_id).group_by(Household.cadre_id)
                                         .having(sa.func.count() >= 3).limit(1))
            homes = db.session.scalars(sa.select(Household.id).where(Household.cadre_id == cadre_id)
                                       .order_by(Household.id).limit(3)).all()
            rnd = Round(meeting_id=meeting_id, number=1, cadre_id=db.session.get(Cadre, cadre_id).id, stage="decided")
            db.session.add(rnd)
            db.session.flush()
            decision = Decision(round_id=rnd.id, kind="rectification", actor="moderator",
                                detail={"items": ["道路修复"], "deadline": (dt.date.today() + dt.timedelta(days=60))
                                        .isoformat(), "responsible": "", "note": ""})
            db.session.add(decision)
            db.session.commit()
            case = followup.create_case_from_decision(db.session, decision.id, actor="moderator", household_ids=homes)
            followup.reply(db.session, case.code, "路面已修复", actor="unit")
            return case.code
        finally:
            db.remove()


def _reply(app, code: str, text: str) -> None:
    with app.app_context():
        try:
            followup.reply(db.session, code, text, actor="unit")
        finally:
            db.remove()


def _visit(runner, code: str) -> int:
    """`flask case-visit CODE`; the id of the call it placed."""
    result = runner.invoke(args=["case-visit", code])
    assert result.exit_code == 0, result.output
    return int(result.output.split("call ")[1].split()[0])


def _answer(sim: Simulator, call_id: int, resolved: str, satisfaction: str) -> dict:
    sim.act(call_id, "ring")
    call = sim.act(call_id, "answer")
    assert call["kind"] == "visit" and call["step"] == "visit_resolved"
    assert any("解决" in line for line in call["prompt"]["say"])
    call = sim.act(call_id, "digits", digits=resolved, step=call["step"])
    assert call["step"] == "visit_satisfaction"
    return sim.act(call_id, "digits", digits=satisfaction, step=call["step"])


def _case(app, code: str) -> tuple[str, int, str | None, str | None, list[str], str | None]:
    with app.app_context():
        try:
            case = followup.get_case(db.session, code)
            types = [e.type for e in followup.stream_events(db.session, case_id=case.id)]
            return (case.status, case.reopen_count, case.seed_hex, case.seed_commitment, types,
                    followup.verify_stream(db.session))
        finally:
            db.remove()


def test_an_unsatisfied_visit_reopens_the_case_and_a_satisfied_second_visit_closes_it(live, app, runner):
    seeded, server = live
    code = _replied_case(app, seeded.meeting_id)
    sim = Simulator(server.url, seeded.meeting_id)

    first = _visit(runner, code)
    assert [c["id"] for c in sim.calls() if c["kind"] == "visit"] == [first]
    ended = _answer(sim, first, "2", "2")  # partly resolved, satisfaction 2
    assert ended["state"] == "ended"
    status, reopened, seed, _, _, _ = _case(app, code)
    assert (status, reopened, seed) == ("reopened", 1, None)

    _reply(app, code, "已补修剩余路段")
    second = _visit(runner, code)
    _answer(sim, second, "1", str(rules.SATISFIED_AT_LEAST + 1))
    status, reopened, seed, committed, types, broken = _case(app, code)
    assert (status, reopened) == ("closed", 1)
    assert seed is not None and draw.commitment(seed) == committed  # revealed, and it is the committed one
    assert broken is None
    assert types == [
        "case_opened", "case_replied",
        "case_return_visit_started", "case_visit_call_placed", "case_visit_call_state", "case_visit_call_state",
        "case_visit_call_state", "case_visit_answer", "case_visit_answer", "case_return_visit_recorded",
        "case_visit_call_state", "case_replied",
        "case_return_visit_started", "case_visit_call_placed", "case_visit_call_state", "case_visit_call_state",
        "case_visit_call_state", "case_visit_answer", "case_visit_answer", "case_return_visit_recorded",
        "case_visit_call_state"]
