"""The echo wall and the public case page in Chromium against a real server, on a phone-sized screen.

The village wall shows masked households, never a private demand's text, and marks the overdue
item visibly; printed, it becomes a poster with its QR code. The case page shows the promise, the
deadline and the timeline. Pages run under the real Content-Security-Policy.
"""
from __future__ import annotations

import datetime as dt

import pytest

from meeting.services import followup
from tests.browser_support import chromium, new_page, screenshot  # noqa: F401  (a fixture)
from tests.echo_support import PRIVATE_TEXT, build_county
from tests.liveserver import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

RED = "rgb(179, 38, 30)"
WATCH = ("document.addEventListener('securitypolicyviolation', e => {"
         " (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });")


def watched_page(browser, errors):
    """A phone-sized page under the real policy that records every violation in window.__csp."""
    page = new_page(browser, 390, 844, errors, touch=True, bypass_csp=False)
    page.add_init_script(WATCH)
    return page


@pytest.fixture
def server(database_url, session, tmp_path):
    county = build_county(session)
    followup.reply(session, county["case"], "已补齐常用药12种", actor="unit:泉庄镇卫生院张院长",
                   now=dt.datetime(2026, 4, 3, 2))
    live = LiveServer(database_url, log_path=tmp_path / "server.log").start()
    yield live, county
    live.stop()


def test_the_village_wall_masks_hides_private_text_and_marks_the_overdue_item(chromium, server):
    live, _ = server
    errors: list[str] = []
    page = watched_page(chromium, errors)
    page.goto(live.url + "/echo/T05/V0501/")
    items = page.locator("li.demand")
    items.first.wait_for()
    assert items.count() == 3
    households = page.locator(".household").all_inner_texts()
    assert households == ["王**", "欧阳**", "李**"]
    body = page.inner_text("body")
    assert "已向本人答复" in body and PRIVATE_TEXT not in body and "欧阳春花" not in body
    assert PRIVATE_TEXT not in page.content()
    overdue = page.locator("li.demand.is-overdue")
    assert overdue.count() == 1 and "王**" in overdue.inner_text()
    assert overdue.locator("[data-overdue]").is_visible()
    assert overdue.locator("[data-overdue]").evaluate("e => getComputedStyle(e).backgroundColor") == RED
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the wall scrolls sideways on a phone ({width}px)"
    assert not page.locator(".poster-qr").is_visible()
    screenshot(page, "echo", "village-phone", full_page=True)
    page.emulate_media(media="print")
    qr = page.locator(".poster-qr img")
    qr.wait_for(state="visible")
    assert page.evaluate("document.querySelector('.poster-qr img').naturalWidth") > 0
    assert not page.locator("footer").is_visible()
    assert errors == [] and page.evaluate("window.__csp || []") == []


def test_the_public_case_page_shows_the_promise_deadline_and_timeline(chromium, server):
    live, county = server
    errors: list[str] = []
    page = watched_page(chromium, errors)
    page.goto(live.url + "/echo/T05/V0501/")
    page.click(f"a[href='/case/{county['case']}']")
    page.wait_for_url(f"**/case/{county['case']}")
    assert page.inner_text("#case-promise") == "卫生室补齐常用药"
    assert page.inner_text("#case-deadline") == "2026-05-31"
    assert "已答复，待回访" in page.inner_text("#case-status")
    steps = page.locator("#case-timeline li")
    assert steps.count() == 2
    assert "立案督办" in steps.nth(0).inner_text() and "2026-03-24" in steps.nth(0).inner_text()
    reply = steps.nth(1).inner_text()
    assert "回复" in reply and "责任单位" in reply and "已补齐常用药12种" in reply
    body = page.inner_text("body")
    assert "王**" in body and "张院长" not in body and "王小明" not in body
    screenshot(page, "echo", "case-phone", full_page=True)
    assert errors == [] and page.evaluate("window.__csp || []") == []


def test_an_unknown_case_code_is_a_404_page(chromium, server):
    live, _ = server
    page = new_page(chromium, 390, 844)
    response = page.goto(live.url + "/case/2099-01-01-R1-01")
    assert response.status == 404
