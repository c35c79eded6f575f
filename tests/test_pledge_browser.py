"""A pledge round in Chromium against a real server: the moderator names the pledge through the
console's form and records it; the projector, the viewer and the overlay show the unit, the head,
the promise, N 件 and the date, then the case it opened. No CSP bypass: a violation fails."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meeting.models import utcnow
from scoring.deadlines import local_date
from tests.live_support import MODERATOR, seed_meeting
from tests.liveserver import ROOT, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = ROOT / "test-artifacts" / "screens"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
DEADLINE = (local_date(utcnow()) + dt.timedelta(days=120)).isoformat()


@pytest.fixture
def hall(app, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    seeded = seed_meeting(app, jurors=3)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def open_page(path: str, width: int, height: int):
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            page.set_default_timeout(15000)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("console", lambda msg: problems.append(msg.text)
                    if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
            page.goto(f"{server.url}{path}")
            return page

        yield seeded, server, open_page, problems
        browser.close()
    server.stop()


def test_the_projector_viewer_and_overlay_show_a_pledge_made_through_the_console(hall):
    seeded, server, open_page, problems = hall
    mid = seeded.meeting_id
    projector = open_page(f"/m/{mid}/projector", 1920, 1080)
    viewer = open_page(f"/m/{mid}/viewer", 390, 844)
    overlay = open_page(f"/m/{mid}/overlay", 1920, 1080)
    console = open_page(f"/console/{mid}", 1366, 768)
    console.fill("input[name=username]", MODERATOR[0])
    console.fill("input[name=password]", MODERATOR[1])
    console.click("button[type=submit]")
    console.wait_for_url(f"**/console/{mid}")
    console.wait_for_selector("[data-action=start_meeting]")
    console.click("[data-action=start_meeting]")
    console.click("#confirm-ok")

    console.click("[data-action=start_pledge]")
    console.wait_for_selector("#form-dialog[open] form[data-form=pledge]")
    console.fill("#form-dialog input[name=unit]", "县交通运输局")
    console.fill("#form-dialog input[name=department_head]", "局长 孙建华")
    console.fill("#form-dialog textarea[name=promise]", "加密许家湖镇至县城的公交班次")
    console.fill("#form-dialog input[name=demands]", "12")
    console.fill("#form-dialog input[name=deadline]", DEADLINE)
    console.click("#form-dialog button[type=submit]")

    projector.wait_for_selector(".pledging .pledge-card")
    card = projector.inner_text(".pledge-card")
    for text in ("县交通运输局", "孙建华", "加密许家湖镇至县城的公交班次", "12 件", DEADLINE):
        assert text in card, card
    viewer.wait_for_selector(".pledge-card")
    assert "12 件" in viewer.inner_text(".pledge-card") and DEADLINE in viewer.inner_text(".pledge-card")
    overlay.wait_for_function("() => document.querySelector('#lt-title') && "
                              "document.querySelector('#lt-title').textContent.includes('孙建华')")
    assert "12 件" in overlay.inner_text("body")

    console.wait_for_selector("[data-action=record_pledge]")
    console.click("[data-action=record_pledge]")
    console.click("#confirm-ok")
    projector.wait_for_selector(".pledge-case")
    code = projector.inner_text(".pledge-case")
    assert "-R1-01" in code
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(ARTIFACTS / "11-pledge.png"))
    assert not problems, problems
