"""Anonymous seats in Chromium: the projector lists the revealed scores as 评分1…N, never 评委N."""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, new_page, screenshot  # noqa: F401 (fixture)
from tests.juror_browser_support import OTHERS, MINE, to_scoring, perform
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_projector_shows_the_scores_by_shuffled_position_without_seats(app, tmp_path, chromium):
    seeded = seed_meeting(app, jurors=5)
    from meeting.extensions import db
    from meeting.services.setup.meetings import update_meeting
    with app.app_context():
        update_meeting(db.session, seeded.meeting_id, {"anonymous_seats": True})
        db.remove()
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    sockets: list[Screen] = []
    try:
        moderator = Screen(server.url, seeded.meeting_id, "moderator",
                           cookie=staff_cookie(server.url, *MODERATOR)).connect()
        sockets.append(moderator)
        to_scoring(moderator)
        round_id = moderator.state["round"]["id"]
        for i, (token, scores) in enumerate(zip(seeded.tokens, [MINE, *OTHERS])):
            juror = Screen(server.url, seeded.meeting_id, "juror", token=token).connect()
            sockets.append(juror)
            assert juror.call("submit_ballot", {"round_id": round_id, "scores": scores,
                                                "client_msg_id": f"anon-{i}"})["ok"]
        perform(moderator, "close_scoring", "reveal_result")
        errors: list[str] = []
        projector = new_page(chromium, 1920, 1080, errors)
        projector.goto(f"{server.url}/m/{seeded.meeting_id}/projector")
        projector.wait_for_selector(".revealed .ballot-label")
        labels = projector.locator(".ballot-label").all_inner_texts()
        assert labels == ["评分1", "评分2", "评分3", "评分4", "评分5"]
        assert "评委" not in projector.inner_text(".revealed")
        public = sorted(projector.locator(".ballot-total").all_inner_texts(), key=int)
        assert public == ["60", "75", "81", "88", "95"]
        screenshot(projector, "anonymous", "01-projector-revealed")
        assert errors == [], errors
    finally:
        for s in sockets:
            s.close()
        server.stop()
