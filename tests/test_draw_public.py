"""Public draw pages and the rehearsal command."""
from __future__ import annotations

import hashlib
import json

from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from scoring.verify import verify
from tests.draw_support import SEED, build_roster, new_meeting, run_demo_meeting


def test_the_notice_and_bundle_are_refused_with_a_clear_message_before_their_time(app, client):
    from meeting.extensions import db

    with app.app_context():
        build_roster(db.session)
        mid = new_meeting(db.session)
    assert client.get("/m/987654/notice").status_code == 404
    assert client.get("/m/987654/bundle.json").status_code == 404
    response = client.get(f"/m/{mid}/notice?lang=en")
    assert response.status_code == 409 and "committed" in response.get_data(as_text=True)
    assert client.get(f"/m/{mid}/roster.txt").status_code == 409
    with app.app_context():
        draw_pool.freeze_pool(db.session, mid, {"draws": 2}, [{"number": 103, "reason": "病假"}])
        draw_seed.commit_seed(db.session, mid, seed_factory=lambda: SEED)
    response = client.get(f"/m/{mid}/bundle.json")
    assert response.status_code == 409
    assert response.get_json()["error"] == "seed_not_revealed"


def test_the_notice_shows_hashes_commitment_plan_and_exclusions_but_not_the_seed(app, client):
    from meeting.extensions import db

    with app.app_context():
        build_roster(db.session)
        mid = new_meeting(db.session)
        summary = draw_pool.freeze_pool(db.session, mid, {"kind": "strata", "strata": ["T02", "T01"]},
                                           [{"number": 103, "reason": "病假"}])
        commitment = draw_seed.commit_seed(db.session, mid, seed_factory=lambda: SEED)
    page = client.get(f"/m/{mid}/notice").get_data(as_text=True)
    for text in (summary.roster_hash, summary.plan_hash, commitment, "minkao-draw/1", "泉庄镇", "病假", "103"):
        assert text in page
    assert SEED not in page and "cdn" not in page.lower()
    assert page.index("泉庄镇") < page.index("沂城街道")
    roster = client.get(f"/m/{mid}/roster.txt")
    assert hashlib.sha256(roster.data).hexdigest() == summary.roster_hash


def test_after_the_reveal_the_notice_shows_the_seed_and_the_bundle_downloads(app, client):
    from meeting.extensions import db

    with app.app_context():
        build_roster(db.session)
        mid = run_demo_meeting(db.session)
    page = client.get(f"/m/{mid}/notice").get_data(as_text=True)
    assert SEED in page and f"/m/{mid}/bundle.json" in page
    response = client.get(f"/m/{mid}/bundle.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert verify(json.loads(response.data))[0].startswith("OK")


def test_the_rehearsal_command_runs_a_whole_rehearsal_and_writes_a_verifiable_bundle(app, runner, tmp_path):
    from meeting.extensions import db

    with app.app_context():
        build_roster(db.session)
    out = tmp_path / "rehearsal.json"
    result = runner.invoke(args=["draw-rehearsal", "--plan", "whole", "--draws", "5", "--entropy", "3 5 1 6 2",
                                 "--skip", "2", "--exclude", "101:病假", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "python -m scoring.verify" in result.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["protocol"] == "minkao-draw/1-rehearsal" and bundle["rehearsal"] is True
    assert len([d for d in bundle["draws"] if not d["skipped"]]) == 5
    assert "REHEARSAL" in verify(bundle)[0]
    export = tmp_path / "again.json"
    assert runner.invoke(args=["draw-bundle", "--meeting", str(bundle["meeting"]["id"]), "--out",
                               str(export)]).exit_code == 0
    assert json.loads(export.read_text(encoding="utf-8"))["draws"] == bundle["draws"]


def test_the_rehearsal_command_explains_an_empty_roster(runner, tmp_path):
    result = runner.invoke(args=["draw-rehearsal", "--entropy", "1 2 3", "--out", str(tmp_path / "x.json")])
    # The CLI speaks the default locale (zh_CN) like every edge now.
    assert result.exit_code != 0 and "名册为空" in result.output
