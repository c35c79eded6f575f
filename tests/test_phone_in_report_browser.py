"""The phone-in report and the cadre's claims in Chromium against a real server: the moderator
dials the drawn cadre from the console, the cadre answers on the simulator page, the projector
says 电话述职 while the timer runs; the claims entered on the console stand beside an answered
household call on the projector, with the contradiction. Screenshots: test-artifacts/phonein/."""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, log_in, new_page, screenshot  # noqa: F401
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.test_telephony_live import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated"}).start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator",
                       cookie=staff_cookie(server.url, *MODERATOR)).connect()
    yield seeded, server, moderator
    moderator.close()
    server.stop()


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def test_the_console_dials_the_cadre_and_the_projector_shows_the_phone_report_and_the_claims_beside_the_answers(
        live, chromium):  # noqa: F811
    seeded, server, moderator = live
    mid, errors = seeded.meeting_id, []
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1})):
        _ok(moderator.perform(action, **params))
    projector = new_page(chromium, 1920, 1080, errors)
    projector.goto(f"{server.url}/m/{mid}/projector")
    viewer = new_page(chromium, 390, 844, errors)
    viewer.goto(f"{server.url}/m/{mid}/viewer")
    console = new_page(chromium, 1400, 1000, errors)
    log_in(console, server.url, *MODERATOR, f"/console/{mid}")
    sim = new_page(chromium, 800, 900, errors)
    log_in(sim, server.url, *MODERATOR, f"/sim/{mid}")

    console.click("button[data-action=dial_cadre]")
    call_id = moderator.wait_for(lambda s: s["round"]["cadre_call"] is not None)["round"]["cadre_call"]["id"]
    projector.wait_for_selector(".cadre-call-line[data-cadre-call]")
    screenshot(projector, "phonein", "1-projector-calling-the-cadre")
    phone = f".sim-phone[data-call='{call_id}']"
    sim.wait_for_selector(f"{phone}[data-state=ringing] [data-action=answer]")  # the page rang it itself
    assert sim.inner_text(f"{phone} .sim-phone-cadre")
    sim.click(f"{phone} [data-action=answer]")
    sim.wait_for_selector(f"{phone}[data-state=answered]")
    screenshot(sim, "phonein", "2-simulator-the-cadre-on-the-line")
    sim.close()  # the household below is played over HTTP: the page would ring it too

    projector.wait_for_selector(".report .report-mode[data-report-mode=phone]")
    projector.wait_for_selector(".report .timer")
    console.wait_for_selector(".tag-mode-phone[data-report-mode=phone]")
    viewer.wait_for_selector(".report-mode[data-report-mode=phone]")
    screenshot(projector, "phonein", "3-projector-phone-in-report")

    # The claims, entered on the console during the report: every household visited.
    n = len(moderator.state["round"]["picked_households"]) + len(moderator.state["round"]["other_households"])
    console.click("button[data-claims-action=record]")
    console.wait_for_selector("form[data-form=claims]")
    assert console.input_value("form[data-form=claims] input[name=assigned]") == str(n)
    console.fill("form[data-form=claims] input[name=visited]", str(n))
    console.fill("form[data-form=claims] input[name=demands_collected]", "6")
    console.fill("form[data-form=claims] input[name=demands_resolved]", "6")
    console.click("form[data-form=claims] button[type=submit]")
    claims = moderator.wait_for(lambda s: s["round"]["claims"] is not None)["round"]["claims"]
    assert claims == {"visited": n, "assigned": n, "demands_collected": 6, "demands_resolved": 6}
    console.wait_for_selector(".claims-card[data-claims-level=pending]")
    screenshot(console, "phonein", "3b-console-phone-report-and-claims")
    _ok(moderator.perform("hangup_call", call_id=call_id))

    # Verification: a household says it was never visited; the projector shows both sides.
    _ok(moderator.perform("start_verification"))
    _ok(moderator.perform("propose_calls"))
    household = _ok(moderator.perform("place_call"))["call"]
    projector.wait_for_selector(".verify .claims[data-claims-level=pending]")
    Simulator(server.url, mid).survey(household, ["2"])
    projector.wait_for_selector(".verify .claims[data-claims-level=contradiction]")
    projector.wait_for_selector(f".verify .call-card[data-call='{household}'] .answer.bad")
    said = projector.inner_text(".verify .claims .claim-row.bad .claim-said")
    heard = projector.inner_text(".verify .claims .claim-row.bad .claim-heard")
    assert str(n) in said and "1" in heard
    # The claims block sits beside (before) the call cards, in the same view.
    order = projector.evaluate("""() => { const v = document.querySelector('.verify');
        const c = v.querySelector('.claims'), g = v.querySelector('.call-grid');
        return !!(c && g && (c.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_FOLLOWING)); }""")
    assert order is True
    console.wait_for_selector(".claims-card[data-claims-level=contradiction]")
    viewer.wait_for_selector(".claims[data-claims-level=contradiction]")
    viewer.wait_for_selector(".report-mode[data-report-mode=phone]")  # the record of how the cadre reported
    screenshot(viewer, "phonein", "5-viewer-claims-beside-answers", full_page=True)
    screenshot(projector, "phonein", "4-projector-claims-beside-answers")
    assert errors == []
