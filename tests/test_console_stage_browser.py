"""The stage on the day (issue #10), in Chromium against a real server: during 电话核实 Space is the
next call and scoring needs a call or a logged skip; once-only steps are confirmed and the entropy
is on the draw screen; a household row has one state label; one cadre number format everywhere."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Event
from tests.test_console_browser import ARTIFACTS, confirm, open_console, start_and_draw, stage, wait_stage  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]


def primary(page) -> str:
    return page.get_attribute("#actions .action-btn.is-primary", "data-action")


def actions(page) -> list[str]:
    return page.eval_on_selector_all("#actions .action-btn", "bs => bs.map(b => b.getAttribute('data-action'))")


def to_verification(page, app, seeded) -> None:
    """From the opened console: start, enter the entropy, draw, report, start verification."""
    start_and_draw(page, app, seeded)
    page.keyboard.press("Space")
    wait_stage(page, "report")
    page.keyboard.press("Space")
    wait_stage(page, "verification")


def events(app, meeting_id: int, type_: str) -> list[dict]:
    with app.app_context():
        try:
            return [e.payload for e in db.session.scalars(sa.select(Event).where(
                Event.meeting_id == meeting_id, Event.type == type_).order_by(Event.seq))]
        finally:
            db.remove()


def test_space_during_verification_is_the_next_call_and_scoring_needs_a_logged_skip_without_one(stage, app):
    seeded, server, page, screens, errors = stage
    open_console(page, server, seeded.meeting_id)
    to_verification(page, app, seeded)

    # No household picked yet: Space lets the verifiable draw pick them; 开始评分 is not offered.
    assert primary(page) == "propose_calls"
    assert "open_scoring" not in actions(page) and "skip_verification" in actions(page)
    page.keyboard.press("Space")
    page.wait_for_function("__console.state.round.call_plan.households.length > 0")
    page.wait_for_selector("#actions .action-btn.is-primary[data-action=place_call]")
    assert page.evaluate("__console.state.round.stage") == "verification"
    assert "open_scoring" not in actions(page)
    page.screenshot(path=str(ARTIFACTS / "30_verification_next_call.png"))

    # Skipping takes a reason from the list: the form does not go without one.
    page.keyboard.press(str(actions(page).index("skip_verification") + 1))
    page.wait_for_selector("#form-dialog[open] form[data-form=skip-verification]")
    page.click("#form-dialog button[type=submit]")
    assert page.locator("#form-dialog[open]").count() == 1
    assert page.evaluate("__console.state.round.stage") == "verification"
    page.select_option("#form-dialog select[name=reason]", "other")
    page.click("#form-dialog button[type=submit]")   # "other" needs words
    assert page.locator("#form-dialog[open]").count() == 1
    page.fill("#form-dialog input[name=text]", "县电信机房停电")
    page.screenshot(path=str(ARTIFACTS / "31_skip_verification_form.png"))
    page.click("#form-dialog button[type=submit]")
    wait_stage(page, "scoring_open")
    page.wait_for_selector("#verification-skip:not([hidden])")
    assert "县电信机房停电" in page.inner_text("#verification-skip")
    assert events(app, seeded.meeting_id, "verification_skipped") == [
        {"round": 1, "reason": "other: 县电信机房停电", "calls": 0}]
    assert events(app, seeded.meeting_id, "scoring_opened") == []
    page.screenshot(path=str(ARTIFACTS / "32_verification_skipped.png"))
    assert errors == []


def test_a_reached_household_has_one_label_no_red_dial_and_distinct_record_buttons(stage, app):
    seeded, server, page, screens, errors = stage
    open_console(page, server, seeded.meeting_id)
    to_verification(page, app, seeded)
    page.keyboard.press("Space")                                    # pick the households
    page.wait_for_selector("#actions .action-btn.is-primary[data-action=place_call]")
    first = page.evaluate("__console.state.round.call_plan.next")
    page.keyboard.press("Space")                                    # dial the next household
    page.wait_for_selector("#actions .action-btn.is-primary[data-action=record_answers]")
    assert page.evaluate("__console.state.round.calls.length") == 1
    assert "open_scoring" not in actions(page)                      # a call still ringing is no outcome
    page.keyboard.press("Space")                                    # record what the household said
    page.wait_for_selector("#form-dialog[open]")
    page.check("#form-dialog input[name=outcome][value=answered]")
    page.check("#form-dialog input[name=visited][value=yes]")
    page.click("#form-dialog button[type=submit]")
    row = page.locator(f".hh[data-code='{first}']")
    row.locator("[data-call-action=redial]").wait_for()

    tags = row.locator(".hh-call .tag")
    assert tags.count() == 1 and tags.first.inner_text() == "已接通"    # was "已接通 已接通"
    assert row.locator("[data-call-action=dial]").count() == 0
    assert row.locator(".btn-primary").count() == 0                    # no red dial button any more
    assert row.locator("[data-call-action=record_call]").count() == 0   # answers are edited, not re-recorded
    # The next household's row: 记录回答 (of a provider call) and 记录通话 (by hand) look different.
    page.keyboard.press("Space")                                    # dial the second household
    page.wait_for_selector("#actions .action-btn.is-primary[data-action=record_answers]")
    second = page.locator(".hh").filter(has=page.locator("[data-call-action=hangup]")).first
    answers = second.locator("[data-call-action=answers]")
    assert answers.count() == 1
    other = page.locator(".hh [data-call-action=record_call]").first
    look = "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderStyle, b.textContent.trim()]"
    assert answers.evaluate(look) != other.evaluate(look)
    assert answers.evaluate(look)[2] != other.evaluate(look)[2]

    # Calling a household that answered again needs a confirm; cancelling dials nothing.
    calls = page.evaluate("__console.state.round.calls.length")
    second.locator("[data-call-action=hangup]").click()
    page.wait_for_function("__console.state.round.calls.every(c => !['queued','dialling','ringing','answered'].includes(c.state))")
    row.locator("[data-call-action=redial]").click()
    page.wait_for_selector("#confirm[open]")
    assert "再次" in page.inner_text("#confirm-text") or "again" in page.inner_text("#confirm-text")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm", state="hidden")
    assert page.evaluate("__console.state.round.calls.length") == calls
    # A call has an outcome now: 开始评分 is offered, still not on Space.
    assert "open_scoring" in actions(page) and primary(page) != "open_scoring"
    page.screenshot(path=str(ARTIFACTS / "33_household_reached.png"))
    assert errors == []


def test_once_only_steps_are_confirmed_and_the_entropy_is_on_the_draw_screen(stage, app):
    seeded, server, page, screens, errors = stage
    projector = page.context.browser.new_page(viewport={"width": 1280, "height": 720})
    projector.on("pageerror", lambda exc: errors.append(str(exc)))
    projector.goto(f"{server.url}/m/{seeded.meeting_id}/projector?lang=zh")
    tablet = page.context.browser.new_page(viewport={"width": 800, "height": 1280})
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    open_console(page, server, seeded.meeting_id)

    page.keyboard.press("Space")                      # 开始大会: asked first, Cancel keeps the set-up
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm", state="hidden")
    assert page.evaluate("__console.state.meeting.status") == "setup"
    page.keyboard.press("Space")
    confirm(page)
    page.wait_for_selector("[data-action=enter_entropy]")

    page.keyboard.press("Space")                      # the live entropy: read back before it is sent
    page.wait_for_selector("#form-dialog[open]")
    page.fill("#form-dialog input[name=value]", "4 2 6 1 5 3")
    page.click("#form-dialog button[type=submit]")
    page.wait_for_selector("#confirm[open]")
    assert "4 2 6 1 5 3" in page.inner_text("#confirm-text")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm", state="hidden")
    assert page.locator("#form-dialog[open]").count() == 1 and page.evaluate("__console.state.entropy") is None
    page.click("#form-dialog button[type=submit]")
    confirm(page)
    page.wait_for_selector("[data-action=draw_cadre]")
    # The form promised "shown on the projector": it is, on the draw screen.
    projector.wait_for_selector(".draw.waiting .entropy .entropy-v")
    assert projector.inner_text(".draw.waiting .entropy .entropy-v") == "4 2 6 1 5 3"

    # One cadre number format on the console, the projector and the juror tablet.
    page.click("[data-action=draw_cadre]")
    page.wait_for_selector("[data-action=start_report]")
    number = page.evaluate("__console.state.round.cadre.number")
    projector.wait_for_selector(".draw.landed .cadre-card .cadre-no", state="attached")
    tablet.goto(f"{server.url}/j/{seeded.tokens[0]}")
    tablet.wait_for_function("n => document.getElementById('cadre-number').textContent === n", arg=f"{number:04d}号")
    assert page.inner_text("#subject .subject-no span") == f"{number:04d}号"
    assert projector.text_content(".cadre-card .cadre-no") == f"{number:04d}号"

    page.click("#close-meeting")                      # closing reveals the seed: asked first
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm", state="hidden")
    assert page.evaluate("__console.state.meeting.status") == "live"
    assert errors == []
