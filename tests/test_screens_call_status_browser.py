"""The projector's call status during call-out verification, in Chromium against a real server
with the simulated telephone: big enough for the back of the hall, and true at every moment —
waiting before any call is placed, dialling only while a call rings, the outcome after.
Screenshots go to test-artifacts/screens/ (look at them)."""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, new_page, screenshot  # noqa: F401 (fixture)
from tests.simulated_phone_support import SimulatedPhone, ok, simulated_server, start_verification

pytestmark = [pytest.mark.browser, pytest.mark.server]

# What the hall reads from 15 m (see the comment at .call-status in static/screens/projector.css).
MIN_STATUS_PX = 48
DIALLING = "正在拨打联系户电话…"


@pytest.fixture
def live(app, tmp_path):
    with simulated_server(app, tmp_path) as running:
        yield running


def _status(page) -> dict:
    return page.eval_on_selector(".verify .call-status", """n => ({kind: n.dataset.callStatus, text: n.textContent,
        px: parseFloat(getComputedStyle(n).fontSize)})""")


def test_the_projector_call_status_is_big_and_says_only_what_the_line_is_doing(live, chromium):
    seeded, server, moderator = live
    mid, errors = seeded.meeting_id, []
    start_verification(moderator)
    projector = new_page(chromium, 1920, 1080, errors)
    projector.goto(f"{server.url}/m/{mid}/projector")
    projector.wait_for_selector(".verify .call-status")

    # Before any call is placed: waiting, in letters the back row can read; nobody is "being dialled".
    status = _status(projector)
    assert status["kind"] == "waiting" and status["text"] == "等待拨号"
    assert status["px"] >= MIN_STATUS_PX
    assert DIALLING not in projector.inner_text("#scene")
    screenshot(projector, "screens", "call-status-1-waiting")

    # The draw picks the households; still nobody is dialled.
    picked = ok(moderator.perform("propose_calls"))
    households = picked["households"]
    projector.wait_for_function("s => Number(document.querySelector('#scene').dataset.seq) >= s", arg=picked["seq"])
    assert _status(projector)["kind"] == "waiting"

    # A call placed: dialling, then ringing — the only time the screen says it is dialling.
    call = ok(moderator.perform("place_call", household_code=households[0]))["call"]
    projector.wait_for_selector(f".call-card[data-call='{call}']")
    projector.wait_for_selector(".verify .call-status[data-call-status='dialling']")
    status = _status(projector)
    assert status["text"] == DIALLING and status["px"] >= MIN_STATUS_PX
    card_px = projector.eval_on_selector(f".call-card[data-call='{call}'] .call-state",
                                         "n => parseFloat(getComputedStyle(n).fontSize)")
    assert card_px >= MIN_STATUS_PX
    phone = SimulatedPhone(server.url, mid)
    phone.press(call, "ring")
    projector.wait_for_selector(f".call-card[data-call='{call}'] .call-state >> text=振铃中")
    assert _status(projector)["text"] == DIALLING
    screenshot(projector, "screens", "call-status-2-ringing")

    # The household's line is busy: the outcome, and no more "dialling".
    phone.press(call, "busy")
    projector.wait_for_selector(".verify .call-status[data-call-status='outcome']")
    status = _status(projector)
    assert "占线" in status["text"] and status["px"] >= MIN_STATUS_PX
    assert DIALLING not in projector.inner_text("#scene")
    screenshot(projector, "screens", "call-status-3-busy")
    assert not errors, errors
