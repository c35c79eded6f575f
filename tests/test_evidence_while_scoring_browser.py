"""While the jury scores, the hall and the jurors still see what the households said (issue #10, item 3).

A round with an answered call that contradicts the report and a busy line: once scoring opens,
the projector keeps the call results and the discrepancy alert beside the ballot count, and a
juror's tablet shows the same outcomes and alert, households masked as on every public screen.
"""
from __future__ import annotations

import pytest

from scoring.masking import mask_name, mask_phone
from tests.browser_support import chromium, new_page  # noqa: F401  (chromium: fixture)
from tests.juror_browser_support import PORTRAIT, draw, open_tablet, perform, shot
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

CONTRADICTING = {"visited": "no", "resolved": "no", "satisfaction": 1}


def test_the_projector_and_a_tablet_keep_the_call_results_and_the_alert_while_the_jury_scores(
        app, tmp_path, chromium):  # noqa: F811
    seeded = seed_meeting(app, jurors=3, quorum=2)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    errors: list[str] = []
    projector = new_page(chromium, 1920, 1080, errors)
    tablet = new_page(chromium, PORTRAIT["width"], PORTRAIT["height"], errors, touch=True)
    try:
        draw(moderator)
        perform(moderator, "start_report", "start_verification")
        picks = moderator.perform("propose_calls")["households"]
        ack = moderator.perform("record_call", household_code=picks[0], outcome="answered", answers=CONTRADICTING)
        assert ack["ok"], ack
        assert moderator.perform("record_call", household_code=picks[1], outcome="busy")["ok"]
        calls = moderator.wait_for(lambda s: len(s["round"]["calls"]) == 2 and s["round"]["discrepancy"])["round"]["calls"]
        perform(moderator, "open_scoring")

        projector.goto(f"{server.url}/m/{seeded.meeting_id}/projector")
        projector.wait_for_selector(".scoring .progress[data-progress='0/3']")
        open_tablet(tablet, server, seeded.tokens[0], "scoring_open")

        # The projector: ballot progress and, beside it, both calls and the alert.
        for call in calls:
            projector.wait_for_selector(f".scoring .call-results .call-card[data-call='{call['id']}']")
        assert projector.locator(".scoring .call-results .banner-alarm").is_visible()
        card = projector.locator(f".scoring .call-card[data-call='{calls[0]['id']}']")
        assert card.locator(".answer").count() == 3          # visited, demand, satisfaction
        shot(projector, "evidence-projector-scoring")

        # The tablet: the same outcomes and the alert, above the rubric it is scoring with.
        tablet.wait_for_selector("#evidence:not([hidden])")
        assert tablet.locator("#evidence-alert").is_visible()
        assert tablet.locator("#evidence-calls .ev-call").count() == 2
        assert tablet.get_attribute(f".ev-call[data-call='{calls[0]['id']}']", "data-state") == "ended"
        assert tablet.get_attribute(f".ev-call[data-call='{calls[1]['id']}']", "data-state") == "busy"
        assert tablet.locator(f".ev-call[data-call='{calls[0]['id']}'] .ev-answer").count() == 3
        assert tablet.locator(".crit").count() == 4          # still scoring
        shot(tablet, "evidence-tablet-scoring")

        # Masked as on every public screen: never the full name or phone number.
        for page in (projector, tablet):
            text = page.inner_text("body")
            for call in calls:
                h = call["household"]
                assert mask_name(h["full_name"]) in text and mask_phone(h["full_phone"]) in text
                assert h["full_name"] not in page.content() and h["full_phone"] not in page.content()
        tablet_state = tablet.evaluate("window.__juror.live.state.round.calls")
        assert all("full_name" not in c["household"] and "full_phone" not in c["household"] for c in tablet_state)
    finally:
        projector.context.close()
        tablet.context.close()
        moderator.close()
        server.stop()
    assert errors == [], errors
