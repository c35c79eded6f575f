"""flask draw-declare-entropy: the organiser fixes the entropy sources before the commitment."""
from __future__ import annotations

from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from tests.draw_support import build_roster, new_meeting


def test_the_command_declares_the_sources_and_refuses_after_the_commitment(app, runner):
    with app.app_context():
        build_roster(db.session, cadres=6)
        mid = new_meeting(db.session)
        draw_pool.freeze_pool(db.session, mid, {"kind": "whole", "draws": 2}, [], "organiser")
        db.remove()
    ok = runner.invoke(args=["draw-declare-entropy", "--meeting", str(mid), "--source", "骰子|dice|5|县人大代表",
                             "--source", "福彩3D|digits|3|3月24日开奖"])
    assert ok.exit_code == 0, ok.output
    assert "骰子: 5 × dice, supplied by 县人大代表" in ok.output
    with app.app_context():
        assert [s["label"] for s in db.session.get(Meeting, mid).entropy_sources] == ["骰子", "福彩3D"]
        draw_seed.commit_seed(db.session, mid, "organiser")
        db.remove()
    late = runner.invoke(args=["draw-declare-entropy", "--meeting", str(mid), "--source", "骰子|dice|6|某人"])
    assert late.exit_code != 0
