"""The seed stays sealed until the reveal: no page, API, export, snapshot or log shows it."""
from __future__ import annotations

import logging

from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.draw.sealing import secret_seed
from meeting.services.live.snapshot import build_state
from tests.admin_meetings_support import staff_client
from tests.test_draw_integrity import Stage


def _routes(app, mid: int) -> list[str]:
    """Every GET route without other arguments than the meeting, filled with this meeting's id."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        args = set(rule.arguments)
        if args - {"meeting_id"}:
            continue
        out.append(rule.rule.replace("<int:meeting_id>", str(mid)))
    return out


def test_no_page_api_export_snapshot_or_log_shows_the_seed_before_the_reveal(app, caplog):
    stage = Stage(app)
    stage.perform("start_meeting")
    stage.perform("enter_entropy", sources="3 5 1 6 2")
    stage.perform("draw_cadre", expected_draw=1)
    with app.app_context():
        seed = secret_seed(db.session.get(Meeting, stage.mid))
        snapshots = [build_state(db.session, stage.mid, who) for who in ("moderator", "viewer", "juror")]
        db.remove()
    assert len(seed) == 64
    assert all(seed not in repr(s) for s in snapshots)
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    with app.app_context():
        staff_client(client, db.session, role="admin")
        db.remove()
    seen = 0
    for path in _routes(app, stage.mid):
        response = client.get(path)
        seen += 1
        assert seed.encode() not in response.get_data(), path  # bytes: some routes answer images
    assert seen > 10
    assert seed not in caplog.text
    stage.perform("close_meeting")  # after the reveal the notice shows it
    assert seed in client.get(f"/m/{stage.mid}/notice").get_data(as_text=True)
