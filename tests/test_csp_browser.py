"""Every page works in Chromium under the Content-Security-Policy and reports no violation.

Console, juror tablet, projector, viewer, overlay, telephony simulator and the admin meeting pages,
each against a real server (eventlet, websocket): a `securitypolicyviolation` event, a CSP
console message or a page error fails the test, and each live page must get its snapshot over
the websocket (connect-src). A framing page (served by Playwright, no network) shows that only
the overlay, and only for OVERLAY_FRAME_ANCESTORS, may be framed.
"""
from __future__ import annotations

import time

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, chromium, log_in, new_page  # noqa: F401  (a fixture)
from tests.juror_browser_support import to_scoring
from tests.live_support import MODERATOR, seed_meeting
from tests.liveserver import LiveServer
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

SPX = "http://localhost:5656"  # loopback too: Chromium keeps public origins from framing local ones
WATCH = ("document.addEventListener('securitypolicyviolation', e => {"
         " (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });")


@pytest.fixture
def live(app, tmp_path):
    """A meeting in scoring (the console's progress bar shows) on a server whose overlay SPX may frame."""
    seeded = seed_meeting(app, jurors=5)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log",
                        env={"OVERLAY_FRAME_ANCESTORS": SPX}).start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    to_scoring(moderator)
    yield seeded, server
    moderator.close()
    server.stop()


class Watched:
    """A page with everything the policy (or a script) complained about, and its websocket frames."""

    def __init__(self, browser) -> None:
        self.problems: list[str] = []
        self.frames: list[str] = []
        self.page = new_page(browser, 1280, 800, self.problems, bypass_csp=False)
        self.page.add_init_script(WATCH)
        self.page.on("console", self._console)
        self.page.on("websocket", lambda ws: ws.on("framereceived", lambda f: self.frames.append(str(f)[:40])))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"console: {message.text[:200]}")

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__csp || []")
        return self.problems + [f"{self.page.url}: {v}" for v in reported]

    def expect_live(self) -> None:
        """The page's socket connected and brought at least one message (a snapshot)."""
        for _ in range(40):
            if any('"state"' in f or "state" in f for f in self.frames):
                return
            self.page.wait_for_timeout(250)
        raise AssertionError(f"{self.page.url}: no state over the websocket ({self.frames[:3]})")


def test_no_page_reports_a_policy_violation_and_every_live_page_gets_its_snapshot(live, chromium):
    seeded, server = live
    mid = seeded.meeting_id
    staff = Watched(chromium)
    log_in(staff.page, server.url, *MODERATOR, f"/console/{mid}")
    staff.page.wait_for_function("() => window.__console && window.__console.state")
    staff.page.wait_for_selector(".pbar-fill", state="attached")
    assert staff.page.evaluate("document.querySelector('.pbar-fill').style.width") == "0%"  # set, not refused
    staff.expect_live()
    for path in (f"/sim/{mid}", f"/admin/meetings/{mid}", "/admin/"):
        staff.page.goto(server.url + path)
        staff.page.wait_for_load_state("load")
        staff.page.wait_for_timeout(800)
        assert "/login" not in staff.page.url, path
    problems = staff.violations()

    for path, live_page in ((f"/j/{seeded.tokens[0]}", True), (f"/m/{mid}/projector", True),
                            (f"/m/{mid}/viewer", True), (f"/m/{mid}/overlay", True),
                            (f"/m/{mid}/notice", False)):
        screen = Watched(chromium)
        screen.page.goto(server.url + path)
        screen.page.wait_for_load_state("load")
        if live_page:
            screen.expect_live()
        screen.page.wait_for_timeout(500)
        problems += screen.violations()
    assert problems == []


def _framed(chromium, server: LiveServer, path: str, patience_s: float = 20.0) -> bool:
    """Whether a page of the SPX origin can show `path` in an iframe (waits for the frame's
    content up to `patience_s`: a loaded machine may take a while; a blocked frame never has any)."""
    page = new_page(chromium, 1280, 800, bypass_csp=False)
    page.route(SPX + "/", lambda route: route.fulfill(
        content_type="text/html", body=f'<iframe id="f" src="{server.url}{path}" width="800" height="450"></iframe>'))
    page.goto(SPX + "/")
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if f.url.startswith(server.url)), None)
        if frame is not None:
            try:
                if frame.evaluate("document.body !== null && document.body.children.length > 0"):
                    return True
            except Exception:  # noqa: BLE001 — the blocked frame's error document, or still loading
                pass
        page.wait_for_timeout(250)
    return False


def test_only_the_overlay_may_be_framed_and_only_by_the_configured_origin(live, chromium):
    seeded, server = live
    # The framing page is fulfilled by Playwright, so Chromium counts it as public and would
    # refuse it any loopback frame (Local Network Access): not what this test is about. A second
    # browser from the module's own Playwright (a second sync_playwright() may not start).
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
                        "PrivateNetworkAccessSendPreflights"])
    try:
        assert _framed(browser, server, f"/m/{seeded.meeting_id}/overlay")
        assert not _framed(browser, server, f"/m/{seeded.meeting_id}/viewer")
    finally:
        browser.close()
