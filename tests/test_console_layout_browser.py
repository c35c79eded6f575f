"""Nothing moves the console's controls (issue #10: the 已完成 bar pushed every button down ~47 px
for 4 s, so a fast second click landed on the wrong button). Compares the bounding box of every
button on the page before an action and while its notice (done, or refused) is shown."""
from __future__ import annotations

import pytest

from meeting.extensions import db
from meeting.services.draw import steps as draw_steps
from tests.test_console_browser import ARTIFACTS, open_console, start_and_draw, stage, wait_stage  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

BOXES = """() => Array.from(document.querySelectorAll('main button, header button, header a'))
  .filter(b => b.offsetParent !== null)
  .map(b => { const r = b.getBoundingClientRect();
              return [b.getAttribute('data-action') || b.getAttribute('data-scene') || b.getAttribute('data-call-action')
                      || b.id || b.textContent.trim(), Math.round(r.x), Math.round(r.y), Math.round(r.width),
                      Math.round(r.height)]; })"""


def boxes(page) -> list[list]:
    page.evaluate("window.scrollTo(0, 0)")
    return page.evaluate(BOXES)


def geometry(page, selector: str) -> list[list[int]]:
    """Just the boxes of the buttons under `selector` (their names may change, not their place)."""
    return [b[1:] for b in page.evaluate(BOXES.replace("'main button, header button, header a'", repr(selector)))]


def test_the_done_and_refused_notices_move_no_button(stage, app):
    seeded, server, page, screens, errors = stage
    open_console(page, server, seeded.meeting_id)
    number = start_and_draw(page, app, seeded)
    with app.app_context():
        picks = draw_steps.pick_households(db.session, seeded.meeting_id, count=3, cadre_number=number)
        db.remove()
    page.keyboard.press("Space")
    wait_stage(page, "report")
    page.keyboard.press("Space")
    wait_stage(page, "verification")
    page.wait_for_selector(f".hh[data-code='{picks[0].code}']")
    page.click("#msg-close")
    page.wait_for_selector("#msg", state="hidden")
    before = boxes(page)
    assert len(before) > 10 and any(b[0] == "welcome" for b in before)

    # A scene change: "已完成" is shown while the buttons stay where they were.
    page.keyboard.press("w")
    page.wait_for_selector("#msg.msg-ok")
    page.wait_for_selector(".scene-btn.is-on[data-scene=welcome]")
    assert boxes(page) == before
    page.screenshot(path=str(ARTIFACTS / "40_done_notice_over_the_bar.png"))

    # A refused call (the third pick is not next): the error notice, with its code, moves nothing.
    page.locator(f".hh[data-code='{picks[2].code}'] [data-call-action=record_call]").click()
    page.wait_for_selector("#form-dialog[open]")
    page.check("#form-dialog input[name=outcome][value=busy]")
    page.click("#form-dialog button[type=submit]")
    page.wait_for_selector("#msg.msg-error")
    page.keyboard.press("Escape")
    page.wait_for_selector("#form-dialog", state="hidden")
    assert page.locator("#msg.msg-error").is_visible()
    assert boxes(page) == before
    page.screenshot(path=str(ARTIFACTS / "41_error_notice_over_the_bar.png"))

    # A household contradicts the report: the discrepancy alarm appears mid-verification, in the
    # round's head line; the step buttons and the projector's buttons stay put.
    steps, side = geometry(page, "#actions button"), geometry(page, ".side-col button")
    page.locator(f".hh[data-code='{picks[0].code}'] [data-call-action=record_call]").click()
    page.wait_for_selector("#form-dialog[open]")
    page.check("#form-dialog input[name=outcome][value=answered]")
    page.check("#form-dialog input[name=visited][value=no]")
    page.click("#form-dialog button[type=submit]")
    page.wait_for_selector("#discrepancy:not([hidden])")
    page.wait_for_selector("#actions [data-action=open_scoring]")
    assert geometry(page, "#actions button") == steps and geometry(page, ".side-col button") == side
    page.screenshot(path=str(ARTIFACTS / "42_discrepancy_in_the_head.png"))
    assert errors == []
