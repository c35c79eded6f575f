"""Back on stage (issue #12): the draw plan's optional compulsory stratum of cadres with an overdue
case (督办逾期). Membership is fixed at the freeze, in the roster text, and drawn first; the
public bundle verifies with the unchanged verifier. A plan without the option freezes the same
roster text as before. SQLite by default, PostgreSQL with DATABASE_URL."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from meeting.errors import UserError
from meeting.extensions import db
from meeting.models import Cadre, Decision, Meeting, Round, utcnow
from meeting.services import followup
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from meeting.services.followup.scorecard import overdue_cadre_ids
from meeting.services.live.actions import perform
from meeting.services.setup import draw_plan
from scoring.pool import parse_roster
from tests.draw_support import SEED, build_roster

ROOT = Path(__file__).resolve().parent.parent
PLAN = {"kind": "strata", "strata": [{"key": "T02", "draws": 1}, {"key": "T01", "draws": 1}]}
OVERDUE = "督办逾期"


def _meeting(session, title: str = "下一场现场直播调查大会") -> int:
    meeting = Meeting(title=title, rounds_planned=3, date=dt.date(2026, 11, 20))
    session.add(meeting)
    session.commit()
    return meeting.id


def _overdue_case_for(session, number: int) -> str:
    """A rectification for cadre `number`, decided 60 days ago with a deadline 40 days ago: overdue now."""
    cadre = session.scalar(sa.select(Cadre).where(Cadre.number == number))
    past = Meeting(title="上一场大会", date=(utcnow() - dt.timedelta(days=60)).date())
    session.add(past)
    session.flush()
    rnd = Round(meeting_id=past.id, number=1, cadre_id=cadre.id, stage="decided")
    session.add(rnd)
    session.flush()
    deadline = (utcnow() - dt.timedelta(days=40)).date().isoformat()
    decision = Decision(round_id=rnd.id, kind="rectification", actor="moderator",
                        detail={"items": ["补齐台账"], "deadline": deadline, "responsible": cadre.name, "note": ""},
                        created_at=utcnow() - dt.timedelta(days=60))
    session.add(decision)
    session.commit()
    return followup.create_case_from_decision(session, decision.id, actor="moderator").code


@pytest.fixture
def roster(session):
    build_roster(session, cadres=12)  # 101..112; cadre 105 lives in T03, which the plan leaves out
    return session


def test_a_plan_without_the_option_freezes_the_same_roster_text_whatever_the_cases(roster):
    before = _meeting(roster, "before")
    draw_pool.freeze_pool(roster, before, PLAN, [], "organiser")
    _overdue_case_for(roster, 105)
    after = _meeting(roster, "after")
    draw_pool.freeze_pool(roster, after, PLAN, [], "organiser")
    texts = [roster.get(Meeting, mid).pool_text for mid in (before, after)]
    assert texts[0] == texts[1] and OVERDUE not in texts[1]
    assert roster.get(Meeting, after).draw_plan == {"kind": "strata", "ranks": [], "strata": PLAN["strata"]}


def test_a_cadre_with_an_overdue_case_lands_in_the_stratum_drawn_first_and_the_bundle_verifies(app, roster,
                                                                                                tmp_path):
    code = _overdue_case_for(roster, 105)
    cadre_id = roster.scalar(sa.select(Cadre.id).where(Cadre.number == 105))
    assert overdue_cadre_ids(roster) == {cadre_id}  # not ticked: assessed for today by the tick's rules
    mid = _meeting(roster)
    saved = draw_plan.save_draw_plan(roster, mid, {**PLAN, "overdue_stratum": {"draws": 2}})
    assert saved["overdue_stratum"] == {"draws": 2}
    draw_pool.freeze_pool(roster, mid, None, None, "organiser")
    meeting = roster.get(Meeting, mid)
    entries = {e.number: e for e in parse_roster(meeting.pool_text)}
    assert entries[105].stratum == OVERDUE                 # instead of its township T03
    assert {e.stratum for n, e in entries.items() if n != 105} <= {"T01", "T02"}
    # one cadre is overdue: the stratum draws all of them (1), first in the plan order
    assert meeting.draw_plan == {"kind": "strata", "ranks": [],
                                 "strata": [{"key": OVERDUE, "draws": 1}, *PLAN["strata"]]}
    draw_seed.commit_seed(roster, mid, "organiser", seed_factory=lambda: SEED)
    perform(roster, mid, "start_meeting", {}, "moderator")
    draw_seed.enter_entropy(roster, mid, [("骰子", "3 5 1 6 2 4")], "moderator")
    drawn = [draw_steps.draw_next(roster, mid, "moderator", expected_draw=n).cadre_number for n in (1, 2, 3)]
    assert drawn[0] == 105
    perform(roster, mid, "close_meeting", {}, "moderator")
    db.remove()
    response = app.test_client().get(f"/m/{mid}/bundle.json")
    assert response.status_code == 200
    path = tmp_path / "bundle.json"
    path.write_bytes(response.data)
    bundle = json.loads(response.data)
    out = subprocess.run([sys.executable, "-S", "-E", "-s", "-m", "scoring.verify", str(path),
                          "--commitment", bundle["commitment"]],
                         capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env={})
    assert out.returncode == 0, out.stdout + out.stderr
    assert [d["number"] for d in bundle["draws"]] == drawn
    assert code  # the case that brought the cadre back


def test_without_any_overdue_case_the_option_adds_no_stratum(roster):
    mid = _meeting(roster)
    draw_pool.freeze_pool(roster, mid, {**PLAN, "overdue_stratum": {"draws": 1}}, [], "organiser")
    meeting = roster.get(Meeting, mid)
    assert [s["key"] for s in meeting.draw_plan["strata"]] == ["T02", "T01"] and OVERDUE not in meeting.pool_text


@pytest.mark.parametrize("plan, code", [
    ({"kind": "whole", "draws": 3, "overdue_stratum": {"draws": 1}}, "bad_plan_overdue_kind"),
    ({**PLAN, "overdue_stratum": {"draws": 0}}, "bad_plan_overdue"),
    ({**PLAN, "overdue_stratum": {"draws": "2"}}, "bad_plan_overdue"),
    ({**PLAN, "overdue_stratum": 2}, "bad_plan_overdue"),
])
def test_a_bad_option_is_refused_at_save_and_at_freeze_and_nothing_is_frozen(roster, plan, code):
    mid = _meeting(roster)
    with pytest.raises(UserError) as err:
        draw_plan.save_draw_plan(roster, mid, plan)
    assert err.value.code == code
    with pytest.raises(UserError) as err:
        draw_pool.freeze_pool(roster, mid, plan, [], "organiser")
    assert err.value.code == code
    roster.expire_all()
    assert roster.get(Meeting, mid).pool_text in ("", None) and roster.get(Meeting, mid).draw_plan in (None, {})


def test_the_draw_page_saves_the_option_shows_it_and_refuses_it_without_townships(client, roster):
    from tests.admin_meetings_support import meeting_row, staff_client

    admin = staff_client(client, roster)
    mid = _meeting(roster)
    url = f"/admin/meetings/{mid}/draw/plan"
    rows = {"st_rows": "2", "st-0-code": "T01", "st-0-order": "2", "st-0-draws": "1",
            "st-1-code": "T02", "st-1-order": "1", "st-1-draws": "1"}
    assert admin.post(url, data={"kind": "strata", "draws": "", "overdue": "2", **rows}).status_code == 302
    assert meeting_row(roster, mid).draw_plan["overdue_stratum"] == {"draws": 2}
    html = admin.get(f"/admin/meetings/{mid}/draw").get_data(as_text=True)
    assert 'name="overdue" inputmode="numeric" value="2"' in html
    refused = admin.post(url, data={"kind": "whole", "draws": "3", "overdue": "1", **rows})
    assert refused.status_code == 400 and "needs a plan by township" in refused.get_data(as_text=True)
    roster.expire_all()
    assert meeting_row(roster, mid).draw_plan["overdue_stratum"] == {"draws": 2}
    assert admin.post(url, data={"kind": "strata", "draws": "", "overdue": "", **rows}).status_code == 302
    roster.expire_all()
    assert "overdue_stratum" not in meeting_row(roster, mid).draw_plan
