"""The console shows each juror tablet's connection and warns before the quorum is out of reach.

Chromium on the stage console of a real server; the tablets are python Socket.IO clients. A
closed tablet no longer reads 等待中: it reads "N 秒前在线", and once connected tablets plus
ballots already in fall below the quorum (scoring/aggregate.py: ballots ≥ quorum to close),
the jurors card says so.
"""
from __future__ import annotations

import re

import pytest

from tests.browser_support import chromium, log_in, new_page, screenshot  # noqa: F401  (chromium: fixture)
from tests.juror_browser_support import PORTRAIT, perform, skip_verification
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.test_juror_presence import Listener

pytestmark = [pytest.mark.browser, pytest.mark.server]

BALLOT = {"visits": 28, "demands": 25, "satisfaction": 27, "report": 8}


def presence_text(page, seat: int) -> str:
    return page.locator(f"#jurors .juror[data-seat='{seat}'] .juror-presence").inner_text()


def wait_presence(page, seat: int, kind: str) -> None:
    page.wait_for_selector(f"#jurors .juror[data-seat='{seat}'][data-presence='{kind}']")


def test_the_console_shows_each_tablet_connection_and_warns_when_the_quorum_is_out_of_reach(
        app, tmp_path, chromium):  # noqa: F811
    seeded = seed_meeting(app, jurors=3, quorum=3)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    tablets: dict[int, Screen] = {}

    def tablet(seat: int) -> Screen:
        tablets[seat] = Screen(server.url, seeded.meeting_id, "juror", token=seeded.tokens[seat - 1]).connect()
        return tablets[seat]

    errors: list[str] = []
    page = new_page(chromium, 1366, 768, errors)
    try:
        perform(moderator, "start_meeting")
        log_in(page, server.url, *MODERATOR, f"/console/{seeded.meeting_id}")
        page.wait_for_selector("#jurors .juror[data-presence]")
        for seat in (1, 2, 3):
            wait_presence(page, seat, "never")
            assert presence_text(page, seat) == "未连接"
        risk = page.locator("#quorum-risk")
        assert risk.is_visible() and "0" in risk.inner_text() and "3" in risk.inner_text()

        tablet(1)
        tablet(2)
        wait_presence(page, 1, "connected")
        wait_presence(page, 2, "connected")
        assert presence_text(page, 1) == "已连接" and presence_text(page, 3) == "未连接"
        page.wait_for_selector("#quorum-risk[data-reachable='2']", state="attached")
        assert risk.is_visible()                       # 2 connected < quorum 3

        tablet(3)
        page.wait_for_selector("#quorum-risk[data-reachable='3']", state="attached")
        assert risk.is_hidden()
        screenshot(page, "console", "presence-01-all-connected")

        # A tablet closed: "seen N s ago", not "waiting"; the quorum is out of reach again.
        tablets[3].close()
        wait_presence(page, 3, "seen")
        assert re.fullmatch(r"\d+ 秒前在线", presence_text(page, 3)), presence_text(page, 3)
        assert risk.is_visible() and "2" in risk.inner_text()
        screenshot(page, "console", "presence-02-one-closed")

        # A ballot already in counts for the quorum even when its tablet goes away.
        assert moderator.perform("enter_entropy", sources="3 5 1 6 2 4")["ok"]
        assert moderator.perform("draw_cadre", expected_draw=1)["ok"]
        perform(moderator, "start_report", "start_verification")
        skip_verification(moderator)
        round_id = moderator.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
        ack = tablets[1].call("submit_ballot", {"round_id": round_id, "scores": BALLOT, "client_msg_id": "p-1"})
        assert ack["ok"], ack
        assert tablets[2].call("alive", None) == {"ok": True}    # as a real tablet does every 5 s
        tablets[1].close()
        wait_presence(page, 1, "seen")
        page.wait_for_selector("#quorum-risk[data-reachable='2']", state="attached")   # juror 1's ballot + juror 2's tablet
        tablet(3)
        page.wait_for_selector("#quorum-risk[data-reachable='3']", state="attached")
        assert risk.is_hidden()
    finally:
        page.context.close()
        for s in tablets.values():
            s.close()
        moderator.close()
        server.stop()
    assert errors == [], errors


def test_a_tablet_page_keeps_saying_it_is_there(app, tmp_path, chromium):  # noqa: F811
    seeded = seed_meeting(app, jurors=3, quorum=1)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    moderator = Listener(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    errors: list[str] = []
    page = new_page(chromium, PORTRAIT["width"], PORTRAIT["height"], errors, touch=True)
    try:
        seat1 = next(j["id"] for j in moderator.state["jurors"] if j["seat"] == 1)
        page.goto(f"{server.url}/j/{seeded.tokens[0]}")
        first = moderator.wait_presence(lambda p: seat1 in p and p[seat1]["connected"])[seat1]["last_seen"]
        # No connect or disconnect since: a newer last-seen time can only come from the page's `alive`.
        moderator.wait_presence(lambda p: p[seat1]["connected"] and p[seat1]["last_seen"] > first, timeout=30)
    finally:
        page.context.close()
        moderator.close()
        server.stop()
    assert errors == [], errors
