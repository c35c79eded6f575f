"""The public screens at the end of a meeting, in Chromium against a real server: the overlay's
banners (the whole title on the welcome banner, the score on the decision's), then, after the
close, the projector and the viewer say the meeting has ended and show the revealed seed, how to
check the draw and (projector) a QR code of the bundle. Screenshots go to test-artifacts/screens/."""
from __future__ import annotations

import re

import pytest
import requests

from meeting.qr import qr_svg
from tests.browser_support import chromium, new_page, screenshot  # noqa: F401 (fixture)
from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.test_live_round import SCORES

pytestmark = [pytest.mark.browser, pytest.mark.server]

ENDED = "大会已结束"
TITLE_SAFE_RIGHT = 1824  # 1920 − 5 % (docs/BROADCAST.md: graphics inside the 90 % title-safe area)


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}).start()
    sockets = [Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()]
    sockets += [Screen(server.url, seeded.meeting_id, "juror", token=t).connect() for t in seeded.tokens]
    yield seeded, server, sockets[0], sockets[1:]
    for s in sockets:
        s.close()
    server.stop()


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def _decided_round(moderator: Screen, jurors: list[Screen]) -> str:
    """One cadre round through to a recorded decision; returns the final score."""
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": [["骰子", "3 5 1 6 2 4"]]}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {}),
                           ("skip_verification", {"reason": "time_limit"})):
        _ok(moderator.perform(action, **params))
    round_id = moderator.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
    for i, (juror, scores) in enumerate(zip(jurors, SCORES)):
        _ok(juror.call("submit_ballot", {"round_id": round_id, "scores": scores, "client_msg_id": f"b{i}"}))
    for action in ("close_scoring", "reveal_result"):
        _ok(moderator.perform(action))
    _ok(moderator.perform("record_decision", kind="pass", detail={"note": "群众满意，继续保持"}))
    return moderator.wait_for(lambda s: s["round"]["stage"] == "decided")["round"]["result"]["final"]


def _fits(page, selector: str) -> dict:
    return page.eval_on_selector(selector, """n => { const r = n.getBoundingClientRect();
        return {text: n.textContent, sw: n.scrollWidth, cw: n.clientWidth, sh: n.scrollHeight, ch: n.clientHeight,
                right: r.right, clip: getComputedStyle(n).textOverflow, overflow: getComputedStyle(n).overflow}; }""")


def _no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_the_overlay_keeps_the_score_on_the_decision_and_the_whole_title_on_the_welcome_banner(live, chromium):
    seeded, server, moderator, jurors = live
    errors: list[str] = []
    overlay = new_page(chromium, 1920, 1080, errors)
    overlay.goto(f"{server.url}/m/{seeded.meeting_id}/overlay")
    final = _decided_round(moderator, jurors)

    # The decision's lower-third: the decision as its tag, and the final score beside it.
    overlay.wait_for_selector("#lt.in #lt-stage >> text=通过")
    overlay.wait_for_selector("#lt-score:not([hidden])")
    assert overlay.inner_text("#lt-score-value") == final
    assert overlay.eval_on_selector("#lt", "n => n.getBoundingClientRect().right") <= TITLE_SAFE_RIGHT
    overlay.evaluate("() => document.documentElement.style.setProperty('background', '#3b4652', 'important')")
    overlay.wait_for_timeout(900)  # the banner's wipe-in, for a faithful picture (not an assertion)
    screenshot(overlay, "screens", "overlay-decided-with-score")

    # The welcome banner: the demo's long title, whole — not cut, not run past the title-safe edge.
    title = moderator.state["meeting"]["title"]
    assert len(title) >= 25
    _ok(moderator.perform("set_scene", scene="welcome"))
    overlay.wait_for_selector("#lt.in.lt-welcome")
    fit = _fits(overlay, "#lt-title")
    assert fit["text"] == title
    # Nothing cut: no wider than its box, no ellipsis, nothing hidden. (The CJK fallback font's
    # inline boxes may reach a few px below the last line box; with overflow visible that is drawn.)
    assert fit["sw"] <= fit["cw"] and fit["sh"] <= fit["ch"] + 4, fit
    assert fit["clip"] == "clip" and fit["overflow"] == "visible", fit
    assert fit["right"] <= TITLE_SAFE_RIGHT, fit
    assert overlay.eval_on_selector("#lt", "n => n.getBoundingClientRect().right") <= TITLE_SAFE_RIGHT
    assert overlay.locator("#lt-score:not([hidden])").count() == 0
    overlay.wait_for_timeout(900)
    screenshot(overlay, "screens", "overlay-welcome-long-title")
    assert not errors, errors


def test_after_the_close_the_screens_say_so_and_show_the_seed_and_how_to_check_the_draw(live, chromium):
    seeded, server, moderator, jurors = live
    mid, errors = seeded.meeting_id, []
    projector = new_page(chromium, 1920, 1080, errors)
    projector.goto(f"{server.url}/m/{mid}/projector")
    viewer = new_page(chromium, 390, 844, errors)
    viewer.goto(f"{server.url}/m/{mid}/viewer")
    overlay = new_page(chromium, 1920, 1080, errors)
    overlay.goto(f"{server.url}/m/{mid}/overlay")
    _decided_round(moderator, jurors)
    projector.wait_for_selector(".decided")
    assert ENDED not in projector.inner_text("body") and ENDED not in viewer.inner_text("body")
    assert projector.locator(".verify-how").count() == 0 and viewer.locator(".verify-how").count() == 0

    # The close reveals the seed; the hall was on the round's screen, which nothing can change now.
    _ok(moderator.perform("close_meeting"))
    seed = moderator.wait_for(lambda s: s["meeting"]["seed_revealed"])["meeting"]["seed"]
    assert re.fullmatch(r"[0-9a-f]{64}", seed)

    projector.wait_for_selector(".welcome-ended .ended-title")
    assert projector.inner_text(".ended-title") == ENDED
    assert projector.inner_text(".pill-ended") == ENDED
    proof = projector.inner_text(".welcome-proof")
    assert "会前已锁定承诺" not in proof and "种子已公布" in proof
    assert seed in _no_space(proof)
    assert "python -m scoring.verify bundle.json" in projector.inner_text(".verify-cmd")
    # The QR code is the bundle's absolute address, and the bundle is there.
    bundle = f"{server.url}/m/{mid}/bundle.json"
    src = projector.get_attribute(".welcome-qr img.qr", "src")
    projector.wait_for_function("() => { const i = document.querySelector('.welcome-qr img.qr'); return i.complete && i.naturalWidth > 0; }")
    assert requests.get(server.url + src, timeout=10).text == qr_svg(bundle)
    assert projector.inner_text(".qr-url") == bundle
    assert requests.get(bundle, timeout=10).status_code == 200
    screenshot(projector, "screens", "projector-ended")

    viewer.wait_for_selector(".v-ended")
    assert viewer.inner_text(".v-ended-title") == ENDED
    viewer.wait_for_selector(".v-proof[open] .verify-how")
    assert seed in _no_space(viewer.inner_text(".v-proof"))
    assert viewer.locator(".v-bundle").count() == 1
    screenshot(viewer, "screens", "viewer-ended", full_page=True)

    # The overlay leaves the last decision's banner for the title's, tagged as ended.
    overlay.wait_for_selector("#lt.in.lt-welcome #lt-stage >> text=" + ENDED)
    assert overlay.inner_text("#lt-title") == moderator.state["meeting"]["title"]

    # A reload (a late projector, a phone opening the page) shows the same end at once.
    projector.reload()
    projector.wait_for_selector(".welcome-ended .ended-title")
    assert not errors, errors
