"""A restarted server builds its first public snapshot from the database, not from a memory of
the old process (the frame cache lives in one process only: meeting/realtime/frames.py)."""
from __future__ import annotations

import pytest

from meeting.extensions import db
from meeting.services.live import actions as live
from tests.liveserver import LiveServer
from tests.live_support import seed_meeting
from tests.rtclient import Screen

pytestmark = pytest.mark.server


def test_after_a_restart_the_first_public_connect_sees_what_changed_while_the_server_was_down(app, tmp_path):
    seeded = seed_meeting(app, jurors=3)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    try:
        first = Screen(server.url, seeded.meeting_id, "viewer").connect()
        again = Screen(server.url, seeded.meeting_id, "projector").connect()  # served from the frame
        before = first.state
        assert again.state["seq"] == before["seq"] and again.state["scene"] == before["scene"]
        first.close()
        again.close()
        server.stop()
        with app.app_context():  # a change the old process never saw
            live.perform(db.session, seeded.meeting_id, "start_meeting", {}, "test")
            live.perform(db.session, seeded.meeting_id, "set_scene", {"scene": "leaderboard"}, "test")
            db.remove()
        server = LiveServer(seeded.database_url, port=server.port, log_path=tmp_path / "server2.log").start()
        after = Screen(server.url, seeded.meeting_id, "viewer").connect()
        state = after.state
        after.close()
        assert state["seq"] == before["seq"] + 2 and state["scene"] == "leaderboard"
        assert state["meeting"]["status"] != before["meeting"]["status"]
    finally:
        server.stop()
