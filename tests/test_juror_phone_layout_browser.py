"""The juror page on a phone (390×844) in Chromium against a real server (issue #10, item 7).

The submit bar stays slim (it used to take a third of the screen), the value of the criterion
being set is never under it nor scrolled away, and Chinese labels do not break inside a word.
"""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, new_page  # noqa: F401  (chromium: fixture)
from tests.juror_browser_support import MINE, open_tablet, set_scores, shot, to_scoring, wait_receipt
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 390, "height": 844}
MAX_BAR_SHARE = 0.2          # of the screen's height, with the receipt line and a hint shown


@pytest.fixture
def phone(app, tmp_path, chromium):  # noqa: F811
    seeded = seed_meeting(app, jurors=3, quorum=1)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    errors: list[str] = []
    page = new_page(chromium, PHONE["width"], PHONE["height"], errors, touch=True)
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    yield page
    page.context.close()
    moderator.close()
    server.stop()
    assert errors == [], errors


def box(page, selector: str) -> dict:
    """The element's bounding box in viewport coordinates."""
    return page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect();"
                                           " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def overlaps(a: dict, b: dict) -> bool:
    return a["top"] < b["bottom"] and b["top"] < a["bottom"] and a["left"] < b["right"] and b["left"] < a["right"]


def test_the_submit_bar_stays_slim_on_a_phone_even_with_a_receipt_and_a_hint(phone):
    page = phone
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "acked", 1)
    page.wait_for_selector("#submit-hint:not(:empty)")        # "change a score to revise it"
    shot(page, "phone-01-receipt")
    bar = box(page, ".submit-bar")
    assert bar["bottom"] - bar["top"] <= MAX_BAR_SHARE * PHONE["height"], bar


@pytest.mark.parametrize("key", list(MINE))
def test_the_value_being_set_is_in_sight_and_not_under_the_submit_bar(phone, key):
    page = phone
    row = f'.crit[data-key="{key}"]'
    # The juror has scrolled on: the row's head is above the top of the screen, its keys still below it.
    page.evaluate("sel => { const r = document.querySelector(sel).getBoundingClientRect();"
                  " window.scrollBy(0, r.top + 30); }", row)
    bar = box(page, ".submit-bar")
    keys = page.locator(f"{row} button.kp-step:not(.is-void), {row} button.choice")
    target = None
    for i in range(keys.count()):
        b = keys.nth(i).bounding_box()
        if b and b["y"] > 0 and b["y"] + b["height"] < bar["top"]:
            target = (keys.nth(i), b)
            break
    assert target is not None, "no key of the row is on screen above the bar"
    node, b = target
    wanted = node.inner_text()
    page.touchscreen.tap(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)   # where it is: no scrolling first
    value = f"{row} .crit-value"
    page.wait_for_function("([sel, v]) => document.querySelector(sel).textContent === v", arg=[value, wanted])
    shown, bar = box(page, value), box(page, ".submit-bar")
    assert page.eval_on_selector(value, "e => getComputedStyle(e).visibility") == "visible"
    assert shown["top"] >= 0 and shown["bottom"] <= PHONE["height"], shown     # on screen
    assert not overlaps(shown, bar), (shown, bar)
    shot(page, f"phone-02-{key}")


def test_chinese_labels_do_not_break_inside_a_word(phone):
    page = phone
    # Each label's text on one line: no break between two of its characters.
    lines = page.eval_on_selector_all(
        ".crit-label, #submit, #submit-hint, .total-label, .round-no, .stage-pill, .cadre-name, .who",
        "els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);"
        " const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));"
        " return [e.textContent, tops.size]; }).filter(x => x[0].trim())")
    assert len(lines) >= 7, lines                       # the four criteria and the words around them
    assert [x for x in lines if x[1] != 1] == []
