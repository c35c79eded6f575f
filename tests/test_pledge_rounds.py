"""Pledge rounds (issue #12): a department head pledges on stage; confirming it opens its case in the
same transaction. SQLite by default, PostgreSQL with DATABASE_URL."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, UserError
from meeting.extensions import db
from meeting.models import Event, Round, utcnow
from meeting.models.cases import Case, CaseEvent
from meeting.services.followup import opening as case_service
from meeting.services.live import actions as live
from meeting.services.live.snapshot import build_state
from scoring import stages
from scoring.deadlines import local_date
from tests.live_support import seed_meeting

TODAY = local_date(utcnow())
LATER = (TODAY + dt.timedelta(days=90)).isoformat()
PLEDGE = {"department_head": "王立新", "unit": "县交通运输局", "promise": "年底前硬化泉庄镇三条村道",
          "demands": 12, "deadline": LATER}


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

    def read(self, fn):
        with self.app.app_context():
            try:
                return fn(db.session)
            finally:
                db.remove()

    def round(self) -> tuple[str, str, Any]:
        return self.read(lambda s: s.execute(sa.select(Round.kind, Round.stage, Round.question).where(
            Round.meeting_id == self.meeting_id).order_by(Round.number.desc()).limit(1)).one()._tuple())

    def event_types(self) -> list[str]:
        return self.read(lambda s: list(s.scalars(sa.select(Event.type).where(
            Event.meeting_id == self.meeting_id).order_by(Event.seq))))

    def cases(self) -> list[Case]:
        return self.read(lambda s: [(c.code, c.kind, c.responsible_person, c.responsible_unit, c.promise,
                                     c.deadline, c.round_id) for c in s.scalars(sa.select(Case))])


@pytest.fixture
def mod(app):
    m = Moderator(app)
    m.perform("start_meeting")
    return m


def test_the_pledge_kind_has_its_own_short_unscored_stage_sequence():
    assert "pledge" in stages.ROUND_KINDS and stages.initial_stage("pledge") == "pledge"
    assert stages.STAGES["pledge"] == ("pledge", "pledged")
    assert stages.transition("pledge", "pledge", "record_pledge") == "pledged"
    assert stages.legal_actions("pledge", "pledged") == ("next_round",)
    for action in ("open_scoring", "close_scoring", "reveal_result", "record_decision"):
        with pytest.raises(stages.IllegalTransition):
            stages.transition("pledge", "pledge", action)
    assert "record_pledge" in stages.NEEDS_CONFIRMATION


def test_a_pledge_started_and_recorded_opens_its_case_and_is_on_every_screen(mod):
    assert mod.perform("start_pledge", **PLEDGE)["type"] == "pledge_started"
    kind, stage, _ = mod.round()
    assert (kind, stage) == ("pledge", "pledge") and mod.cases() == []
    out = mod.perform("record_pledge")
    assert out["type"] == "pledge_recorded"
    kind, stage, question = mod.round()
    assert (kind, stage) == ("pledge", "pledged") and question["case"] == out["case"]
    [(code, ckind, person, unit, promise, deadline, round_id)] = mod.cases()
    assert (code, ckind, person, unit, promise) == (out["case"], "pledge", "王立新", "县交通运输局", PLEDGE["promise"])
    assert deadline.isoformat() == LATER and round_id is not None
    assert code.endswith("-R1-01")
    assert mod.event_types()[-2:] == ["pledge_started", "pledge_recorded"]
    opened = mod.read(lambda s: s.scalars(sa.select(CaseEvent.payload).where(CaseEvent.type == "case_opened")).one())
    assert opened["pledged_demands"] == 12 and opened["case"] == code
    for audience in ("projector", "viewer", "overlay", "moderator"):
        state = mod.read(lambda s: build_state(s, mod.meeting_id, audience))
        assert state["round"]["pledge"] == {**PLEDGE, "case": code}
    assert mod.perform("next_round")["type"] == "round_started"
    assert mod.round()[:2] == ("cadre", "draw")


@pytest.mark.parametrize("change, code", [
    ({"department_head": "  "}, "missing_param"),
    ({"unit": ""}, "missing_param"),
    ({"promise": "x" * 501}, "bad_param_text"),
    ({"demands": 0}, "pledge_bad_demands"),
    ({"demands": "12"}, "pledge_bad_demands"),
    ({"demands": True}, "pledge_bad_demands"),
    ({"deadline": "2026-02-30"}, "pledge_bad_deadline"),
    ({"deadline": "明年"}, "pledge_bad_deadline"),
    ({"deadline": TODAY.isoformat()}, "pledge_deadline_not_future"),
    ({"deadline": (TODAY - dt.timedelta(days=3)).isoformat()}, "pledge_deadline_not_future"),
])
def test_a_bad_pledge_is_refused_and_nothing_changes(mod, change, code):
    before = mod.event_types()
    with pytest.raises(UserError) as err:
        mod.perform("start_pledge", **{**PLEDGE, **change})
    assert err.value.code == code
    assert mod.round()[:2] == ("cadre", "draw") and mod.event_types() == before and mod.cases() == []


def test_a_pledge_starts_only_before_a_cadre_is_drawn_and_is_recorded_once(mod):
    mod.perform("start_pledge", **PLEDGE)
    with pytest.raises(Conflict) as err:
        mod.perform("start_pledge", **PLEDGE)
    assert err.value.code == "pledge_not_draw_stage"
    mod.perform("record_pledge")
    with pytest.raises(Conflict) as err:
        mod.perform("record_pledge")
    assert err.value.code == "transition_illegal"
    assert len(mod.cases()) == 1


def test_record_pledge_is_refused_in_a_cadre_round(mod):
    with pytest.raises(Conflict) as err:
        mod.perform("record_pledge")
    assert err.value.code == "transition_illegal" and mod.cases() == []


def test_a_failure_while_opening_the_case_leaves_nothing_of_the_pledge(mod, monkeypatch):
    mod.perform("start_pledge", **PLEDGE)
    before = mod.event_types()

    def broken(*args, **kwargs):
        raise RuntimeError("the case stream is down")

    # The case row is added and flushed before its stream event fails: all of it must roll back.
    monkeypatch.setattr(case_service, "append_case_event", broken)
    with pytest.raises(RuntimeError):
        mod.perform("record_pledge")
    assert mod.round()[:2] == ("pledge", "pledge") and "case" not in mod.round()[2]
    assert mod.cases() == [] and mod.event_types() == before
    assert mod.read(lambda s: s.scalar(sa.select(sa.func.count(CaseEvent.id)))) == 0
    monkeypatch.undo()
    assert mod.perform("record_pledge")["type"] == "pledge_recorded" and len(mod.cases()) == 1


def test_the_pledge_case_use_case_still_commits_on_its_own(app):
    with app.app_context():
        try:
            case = case_service.create_pledge_case(db.session, promise="三个月内修好桥", responsible_person="李局长",
                                                   responsible_unit="县水利局", actor="admin",
                                                   deadline=TODAY + dt.timedelta(days=30))
            code = case.code
        finally:
            db.remove()
        try:
            assert db.session.scalar(sa.select(Case.kind).where(Case.code == code)) == "pledge"
        finally:
            db.remove()


def test_a_meeting_with_a_pledge_round_still_gives_a_bundle_that_verifies(mod, app, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    mod.perform("start_pledge", **PLEDGE)
    mod.perform("record_pledge")
    mod.perform("next_round")
    mod.perform("close_meeting")
    response = app.test_client().get(f"/m/{mod.meeting_id}/bundle.json")
    assert response.status_code == 200
    bundle = json.loads(response.data)
    assert {"pledge_started", "pledge_recorded"} <= {e["type"] for e in bundle["events"]}
    path = tmp_path / "bundle.json"
    path.write_bytes(response.data)
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-S", "-E", "-s", "-m", "scoring.verify", str(path)],
                         capture_output=True, text=True, encoding="utf-8", cwd=root, env={})
    assert out.returncode == 0, out.stdout + out.stderr
