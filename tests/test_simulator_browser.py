"""The household simulator in Chromium: a staff member answers a ringing call and presses the
keys; the projector, in a second page, shows the masked outcome. Screenshots go to
test-artifacts/telephony/ (look at them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoring.masking import mask_name, mask_phone
from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "telephony"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=3)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                             "MINKAO_HEARTBEAT_SECONDS": "1"}).start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    yield seeded, server, moderator
    moderator.close()
    server.stop()


@pytest.fixture
def browser():
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(700)  # let transitions settle for a faithful picture (not an assertion)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_answering_on_the_simulator_shows_the_masked_outcome_on_the_projector(live, browser):
    seeded, server, moderator = live
    mid, errors = seeded.meeting_id, []
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
        _ok(moderator.perform(action, **params))
    a, b = _ok(moderator.perform("propose_calls"))["households"]

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True).new_page()
    projector.on("pageerror", lambda exc: errors.append(str(exc)))
    projector.goto(f"{server.url}/m/{mid}/projector")

    sim = browser.new_context(viewport={"width": 1100, "height": 1000}, bypass_csp=True).new_page()
    sim.on("pageerror", lambda exc: errors.append(str(exc)))
    sim.goto(f"{server.url}/sim/{mid}")
    assert "/login" in sim.url  # staff only
    sim.fill("input[name=username]", MODERATOR[0])
    sim.fill("input[name=password]", MODERATOR[1])
    sim.click("button[type=submit]")
    sim.wait_for_url(f"**/sim/{mid}")
    sim.wait_for_selector(".sim-empty")
    _shot(sim, "01-simulator-idle")

    call_a = _ok(moderator.perform("place_call", household_code=a))["call"]
    phone = f".sim-phone[data-call='{call_a}']"
    sim.wait_for_selector(f"{phone}[data-state='ringing']")  # the page rang the handset itself
    projector.wait_for_selector(f".call-card[data-call='{call_a}']")
    _shot(sim, "02-simulator-ringing")
    _shot(projector, "03-projector-ringing")

    sim.click(f"{phone} [data-action=answer]")
    sim.wait_for_selector(f"{phone}[data-step='consent']")
    assert "同意请按1" in sim.inner_text(f"{phone} .prompt")
    _shot(sim, "04-simulator-consent")
    for step, key in (("consent", "1"), ("visited", "1"), ("resolved", "2"), ("satisfaction", "4")):
        sim.wait_for_selector(f"{phone}[data-step='{step}']")
        sim.click(f"{phone} [data-key='{key}']")
    # No hall line in this set-up: the voice thanks the household and the call ends by itself.
    sim.wait_for_selector(f".phones-ended {phone}[data-state='ended']")
    _shot(sim, "05-simulator-answered")

    card = f".call-card[data-call='{call_a}']"
    projector.wait_for_selector(f"{card}.call-ok")
    household = moderator.wait_for(lambda s: s["round"]["calls"][0]["state"] == "ended")["round"]["calls"][0]["household"]
    text = projector.inner_text(card)
    assert mask_name(household["full_name"]) in text and mask_phone(household["full_phone"]) in text
    assert household["village"] in text
    assert household["full_name"] not in projector.content() and household["full_phone"] not in projector.content()
    assert projector.locator(f"{card} .answer").count() == 3
    _shot(projector, "06-projector-answered")

    # The second household does not pick up: busy, shown as such, and no discrepancy.
    call_b = _ok(moderator.perform("place_call", household_code=b))["call"]
    sim.wait_for_selector(f".sim-phone[data-call='{call_b}'][data-state='ringing']")
    sim.click(f".sim-phone[data-call='{call_b}'] [data-action=busy]")
    projector.wait_for_selector(f".call-card[data-call='{call_b}'].call-bad")
    assert projector.locator(".banner-alarm").count() == 0
    _shot(projector, "07-projector-busy")
    _shot(sim, "08-simulator-after")
    assert errors == []
