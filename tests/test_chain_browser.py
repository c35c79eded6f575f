"""The chain-head footer on the projector, viewer and overlay, and the start-up alarm, on a real
server in Chromium (docs/VERIFY.md §18)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SCREENS = {"projector": (1920, 1080), "viewer": (390, 844), "overlay": (1920, 1080)}


def _head(app, meeting_id: int) -> tuple[int, str]:
    from meeting.extensions import db
    from meeting.models import Meeting

    with app.app_context():
        row = db.session.execute(sa.select(Meeting.seq, Meeting.last_hash).where(Meeting.id == meeting_id)).one()
        db.remove()
    return row.seq, row.last_hash


def _footer_shows(page, seq: int, digest: str) -> None:
    page.wait_for_selector(f"#chain-head[data-seq='{seq}']", timeout=15000)
    assert page.get_attribute("#chain-head", "data-head") == digest[:12]
    text = page.inner_text("#chain-head")
    assert str(seq) in text and digest[:12] in text
    assert page.is_visible("#chain-head")


def test_the_three_public_screens_show_the_chain_head_after_every_event_and_a_tampered_log_stops_the_meeting(
        app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    log = tmp_path / "server.log"
    server = LiveServer(seeded.database_url, log_path=log).start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator",
                       cookie=staff_cookie(server.url, *MODERATOR)).connect()
    mid, errors = seeded.meeting_id, []
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name, (w, h) in SCREENS.items():
                page = chromium.new_context(viewport={"width": w, "height": h}).new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(f"{server.url}/m/{mid}/{name}")
                pages[name] = page
            for page in pages.values():
                _footer_shows(page, *_head(app, mid))
            for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": [["骰子", "3 5 1 6 2 4"]]}),
                                   ("draw_cadre", {"expected_draw": 1})):
                assert moderator.perform(action, **params)["ok"]
                seq, digest = _head(app, mid)
                for page in pages.values():
                    _footer_shows(page, seq, digest)
            assert errors == []
        finally:
            chromium.close()
    moderator.close()
    server.stop()

    # Someone edits an event in the database; the restarted server finds it and stops the meeting.
    from meeting.extensions import db
    from meeting.models import Event

    with app.app_context():
        db.session.execute(sa.update(Event).where(Event.meeting_id == mid, Event.seq == 2).values(actor="forger"))
        db.session.commit()
        db.remove()
    server = LiveServer(seeded.database_url, log_path=log).start()
    try:
        moderator = Screen(server.url, mid, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
        ack = moderator.perform("set_scene", scene="blank")
        assert not ack["ok"] and ack["error"]["code"] == "chain_broken"
        assert moderator.call("sync", {}) is not None
        assert moderator.state["chain_alarm"]["seq"] == 2
        moderator.close()
        cookie = staff_cookie(server.url, *MODERATOR)
        with playwright_sync.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                context = chromium.new_context(viewport={"width": 1280, "height": 800})
                context.add_cookies([{"name": k, "value": v, "url": server.url}
                                     for k, v in (c.split("=", 1) for c in cookie.split("; "))])
                console = context.new_page()
                console.goto(f"{server.url}/console/{mid}")
                console.wait_for_selector("#chain-alarm:not([hidden])", timeout=15000)
                assert "2" in console.inner_text("#chain-alarm-text")
            finally:
                chromium.close()
    finally:
        server.stop()
    assert "!!!!" in log.read_text(encoding="utf-8")
