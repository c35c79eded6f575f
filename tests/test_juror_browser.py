"""The juror's tablet in Chromium against a real server: score, submit, revise, lose the network, reload.

The meeting is driven from python as the moderator (rtclient.Screen); the tablet is the page.
Screenshots go to test-artifacts/juror/ (portrait 800×1280, one landscape 1280×800).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.browser_support import expose_page_hooks
from tests.juror_browser_support import (LANDSCAPE, MINE, PORTRAIT, ballots_of, draw, open_tablet, others_submit,
                                         outbox, perform, set_score, set_scores, shot, skip_verification, texts,
                                         to_scoring, wait_receipt)
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5, quorum=4)   # 4: scoring can close while one tablet is offline
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    screens: list[Screen] = []

    def screen(role: str, **kw) -> Screen:
        s = Screen(server.url, seeded.meeting_id, role, **kw).connect()
        screens.append(s)
        return s

    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    yield seeded, server, moderator, screen
    for s in screens:
        s.close()
    server.stop()


@pytest.fixture
def tablet(browser):
    """A fresh browser context (its own localStorage) with a portrait tablet page."""
    context = browser.new_context(viewport=PORTRAIT, device_scale_factor=1, has_touch=True, locale="zh-CN",
                                  bypass_csp=True)
    page = context.new_page()
    expose_page_hooks(page)   # the tablet's module state as window.__juror (the page publishes no globals)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], errors


def test_a_juror_scores_revises_and_sees_the_result_only_after_the_reveal(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    draw(moderator)
    perform(moderator, "start_report")
    open_tablet(page, server, seeded.tokens[0], "report")
    t = texts(page)
    cadre = moderator.state["round"]["cadre"]
    assert page.locator("#cadre-name").inner_text() == cadre["name"]
    assert page.locator("#meeting-title").inner_text() == moderator.state["meeting"]["title"]
    set_score(page, "report", 7)    # a juror may note scores during the report, but not submit yet
    assert page.locator("#submit").is_disabled()
    shot(page, "01-report-portrait")

    perform(moderator, "start_verification")
    skip_verification(moderator)
    page.wait_for_selector('#app[data-stage="scoring_open"]')
    assert page.locator(".crit .crit-value").first.inner_text() == t["not_scored"]
    assert page.locator("#submit").is_disabled()   # every criterion must be set explicitly first
    assert page.locator("#submit-hint").inner_text() == t["remaining"].replace("{n}", "3")
    set_scores(page, {k: v for k, v in MINE.items() if k != "report"})
    assert page.locator("#submit").is_enabled()    # the report score noted earlier counts
    set_score(page, "report", MINE["report"])
    assert page.locator("#total").inner_text() == "88"
    assert page.locator("#submit").is_enabled()
    shot(page, "02-scores-set-portrait")

    page.locator("#submit").dblclick()   # an impatient double tap still makes one ballot
    wait_receipt(page, "acked", 1)
    assert page.locator("#receipt-main").inner_text() == t["acked"].replace("{version}", "1").replace("{total}", "88")
    assert page.locator("#submit").is_disabled()     # unchanged scores: nothing new to submit
    shot(page, "03-submitted-v1-portrait")

    set_score(page, "report", 9)
    assert page.locator("#total").inner_text() == "89"
    page.locator("#submit").tap()
    wait_receipt(page, "acked", 2)
    assert page.locator("#receipt").get_attribute("data-total") == "89"
    assert [(v, total) for v, total, _ in ballots_of(app, seeded, 1)] == [(1, "88"), (2, "89")]
    assert moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 1)

    page.set_viewport_size(LANDSCAPE)
    shot(page, "04-submitted-v2-landscape")
    page.set_viewport_size(PORTRAIT)

    set_score(page, "report", 3)      # changed but never submitted: once scoring closes it must not show
    round_id = moderator.state["round"]["id"]
    others_submit(seeded, screen, round_id)
    page.wait_for_function("window.__juror?.live.state.round.progress.submitted === 5")
    assert page.locator("#result").is_hidden()
    perform(moderator, "close_scoring")
    page.wait_for_selector('#app[data-stage="scoring_closed"]')
    assert page.locator("#result").is_hidden()          # no scores of anybody before the reveal
    assert page.evaluate("window.__juror?.live.state.round.result") is None
    assert page.locator('.crit[data-key="visits"] button.kp-group').first.is_disabled()
    assert page.locator('.crit[data-key="report"] .crit-value').inner_text() == "9"   # the counted version 2
    assert page.locator("#submit").is_disabled()
    shot(page, "05-scoring-closed-portrait")

    perform(moderator, "reveal_result")
    page.wait_for_selector("#result:not([hidden])")
    final = moderator.state["round"]["result"]["final"]
    assert page.locator("#result-final").inner_text() == final
    assert page.locator(".rb-mine .rb-total").inner_text() == "89"
    assert page.locator(".rb").count() == 5
    shot(page, "06-revealed-portrait")
    page.set_viewport_size(LANDSCAPE)
    shot(page, "06b-revealed-landscape")


def test_a_ballot_made_offline_is_kept_shown_as_pending_and_counted_once_after_reconnect(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    t = texts(page)

    page.evaluate("window.__juror?.live.socket.disconnect()")
    page.wait_for_selector('#banner[data-kind="offline"]:not([hidden])')
    assert page.locator("#banner .banner-head").inner_text() == t["offline"].split("—")[0].strip()
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "pending")
    assert page.locator("#receipt-main").inner_text() == t["pending"]
    kept = outbox(page)
    assert len(kept) == 1 and kept[0]["scores"] == {k: str(v) for k, v in MINE.items()}
    shot(page, "07-offline-pending-portrait")
    assert moderator.call("sync", {})["ok"]
    assert moderator.wait_for(lambda s: True)["round"]["progress"]["submitted"] == 0

    page.evaluate("window.__juror?.live.socket.connect()")
    wait_receipt(page, "acked", 1)
    assert page.locator("#banner").get_attribute("data-kind") == "online"
    assert outbox(page) == []
    assert moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 1)["round"]["progress"] == {
        "submitted": 1, "expected": 5}
    shot(page, "08-back-online-portrait")

    # The acknowledgement got lost (simulated: the same message back in the outbox) and the page reloads:
    # the resend carries the same client_msg_id, so the server answers with the first receipt.
    page.evaluate("item => { const k = window.__juror?.outbox.key;"
                  " localStorage.setItem(k, JSON.stringify([item])); }", kept[0])
    page.reload()
    wait_receipt(page, "acked", 1)
    page.wait_for_function("window.__juror?.outbox.items().length === 0")
    assert ballots_of(app, seeded, 1) == [(1, "88", kept[0]["client_msg_id"])]

    others_submit(seeded, screen, moderator.state["round"]["id"])
    perform(moderator, "close_scoring")
    result = moderator.wait_for(lambda s: s["round"]["stage"] == "scoring_closed")["round"]["result"]
    mine = [b for b in result["ballots"] if b["seat"] == 1]
    assert len(mine) == 1 and mine[0]["total"] == "88"
    assert result["count"] == 5


def test_a_pending_ballot_survives_a_reload_and_is_sent_once_when_connected(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    page.evaluate("window.__juror?.live.socket.disconnect()")
    page.wait_for_selector('#banner[data-kind="offline"]')
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "pending")
    msg_id = outbox(page)[0]["client_msg_id"]

    page.reload()   # the page comes back (the network too): the kept ballot goes out by itself
    wait_receipt(page, "acked", 1)
    assert outbox(page) == []
    assert page.locator("#total").inner_text() == "88"
    assert ballots_of(app, seeded, 1) == [(1, "88", msg_id)]
    assert moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 1)
    assert moderator.state["round"]["submitted_jurors"] == [moderator.state["jurors"][0]["id"]]


def test_after_a_reload_the_tablet_shows_the_stored_ballot_from_the_snapshot(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "acked", 1)
    page.evaluate("localStorage.clear()")   # nothing local left: only the server knows the ballot
    page.reload()
    wait_receipt(page, "acked", 1)
    assert page.evaluate("window.__juror?.live.state.my_ballot.version") == 1
    assert page.locator("#total").inner_text() == "88"
    assert page.locator("#submit").is_disabled()


def test_a_ballot_refused_by_the_server_leaves_the_outbox_and_says_why(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    page.evaluate("window.__juror?.live.socket.disconnect()")
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "pending")
    others_submit(seeded, screen, moderator.state["round"]["id"])
    perform(moderator, "close_scoring")      # scoring closes while the tablet is offline
    page.evaluate("window.__juror?.live.socket.connect()")
    wait_receipt(page, "error")
    assert page.locator("#receipt-main").inner_text() == texts(page)["err_scoring_not_open"]
    assert outbox(page) == []
    assert ballots_of(app, seeded, 1) == []
    shot(page, "09-refused-after-close-portrait")


def test_a_juror_with_a_pin_is_refused_with_a_wrong_pin_and_let_in_with_the_right_one(live, tablet, app):
    seeded, server, moderator, screen = live
    from meeting.extensions import db
    from meeting.services.setup.meetings import add_juror

    with app.app_context():
        token = add_juror(db.session, seeded.meeting_id, "评委六", "citizen_rep", pin="2468").token
        db.remove()
    page = tablet
    page.goto(f"{server.url}/j/{token}")
    page.wait_for_selector("#pin:not([hidden])")
    shot(page, "10-pin-portrait")
    for key in "1357":
        page.locator(f'.key[data-key="{key}"]').tap()
    page.locator("#pin-go").tap()
    page.wait_for_selector("#pin:not([hidden])")
    page.wait_for_function("document.getElementById('pin-error').textContent === JSON.parse(document.getElementById('juror-i18n').textContent).pin_wrong")
    shot(page, "11-pin-wrong-portrait")
    for key in "2468":
        page.locator(f'.key[data-key="{key}"]').tap()
    page.locator("#pin-go").tap()
    page.wait_for_function("!!(window.__juror?.live && window.__juror?.live.state)")
    assert page.locator("#pin").is_hidden()
    assert page.locator("#round-no").inner_text() != "" or moderator.state["round"] is None
    page.reload()   # the PIN is remembered for this tab: no second prompt
    page.wait_for_function("!!(window.__juror?.live && window.__juror?.live.state)")
    assert page.locator("#pin").is_hidden()


def test_the_english_tablet_uses_the_english_rubric_labels(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    page.goto(f"{server.url}/j/{seeded.tokens[0]}?lang=en")
    page.wait_for_function("!!(window.__juror?.live && window.__juror?.live.state && window.__juror?.live.state.round)")
    labels = page.locator(".crit-label").all_inner_texts()
    assert labels == [c["label_en"] for c in moderator.state["rubric"]]
    assert page.evaluate("JSON.parse(document.getElementById('juror-config').textContent).lang") == "en"
    shot(page, "12-english-portrait")


def test_a_question_round_shows_the_department_head_and_the_question(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    perform(moderator, "start_meeting")
    ack = moderator.perform("start_question", department_head="王局长", unit="县住建局",
                            demand="东村自来水管网改造何时完工？")
    assert ack["ok"], ack
    perform(moderator, "start_answer", "open_scoring")
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    assert page.locator("#subject-question").is_visible() and page.locator("#subject-cadre").is_hidden()
    assert page.locator("#question-head").inner_text() == "王局长"
    assert page.locator("#question-demand").inner_text() == "东村自来水管网改造何时完工？"
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "acked", 1)
    shot(page, "13-question-round-portrait")


def test_a_ballot_made_while_the_server_is_down_is_sent_when_it_is_back(live, tablet, app, tmp_path):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    server.kill()   # the pulled power cord: the page notices on its own, nobody tells it
    page.wait_for_selector('#banner[data-kind="offline"]:not([hidden])', timeout=20000)
    set_scores(page, MINE)
    page.locator("#submit").tap()
    wait_receipt(page, "pending")
    back = LiveServer(seeded.database_url, port=server.port, log_path=tmp_path / "server2.log").start()
    try:
        wait_receipt(page, "acked", 1, timeout=20000)   # Socket.IO reconnects by itself; the outbox resends
        assert outbox(page) == []
        console = Screen(back.url, seeded.meeting_id, "moderator", cookie=staff_cookie(back.url, *MODERATOR)).connect()
        try:
            assert console.wait_for(lambda s: s["round"]["progress"]["submitted"] == 1)
        finally:
            console.close()
        assert [(v, total) for v, total, _ in ballots_of(app, seeded, 1)] == [(1, "88")]
    finally:
        back.stop()


def test_a_link_revoked_during_the_meeting_is_refused_at_the_next_connect(live, tablet, app):
    seeded, server, moderator, screen = live
    from meeting.extensions import db
    from meeting.models import Juror
    from meeting.services.setup.meetings import revoke_juror

    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    with app.app_context():
        juror_id = db.session.scalar(sa.select(Juror.id).where(Juror.token == seeded.tokens[0]))
        revoke_juror(db.session, juror_id)
        db.remove()
    page.evaluate("window.__juror?.live.socket.disconnect(); window.__juror?.live.socket.connect()")
    page.wait_for_selector("#fatal:not([hidden])")
    assert page.locator("#fatal-text").inner_text() == texts(page)["refused"]


def test_the_tablet_adds_decimal_scores_exactly(live, tablet, app):
    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    got = page.evaluate("""async () => {
      const { Rubric } = await import('/static/juror/rubric.js');   // the page's own module
      const r = new Rubric([
        {key: "a", label_zh: "甲", min: "0", max: "10", step: "0.5", weight: "2"},
        {key: "b", label_zh: "乙", min: "0.1", max: "79.9", step: "0.1", weight: "1"},
        {key: "c", label_zh: "丙", min: "0", max: "0.3", step: "0.1", weight: "0.5"}], "zh");
      const picks = r.picksFrom({a: "7.5", b: "0.2", c: "0.1"});
      return {picks, total: r.total(picks), full: r.fullMark(), scores: r.scores(picks),
              choices: r.criteria.map(c => c.choices), bad: r.picksFrom({a: "7.25", b: "80", c: "x"})};
    }""")
    assert got["picks"] == {"a": 15, "b": 1, "c": 1}
    assert got["total"] == "15.25"            # 2*7.5 + 0.2 + 0.5*0.1, with no float dust
    assert got["full"] == "100.05"
    assert got["scores"] == {"a": "7.5", "b": "0.2", "c": "0.1"}
    assert got["choices"] == [21, 799, 4]
    assert got["bad"] == {"a": None, "b": None, "c": None}


def test_a_revision_beyond_the_cap_is_refused_and_the_tablet_says_so(live, tablet, app):
    from meeting.extensions import db
    from meeting.models import Juror
    from meeting.services.live import ballots

    seeded, server, moderator, screen = live
    page = tablet
    to_scoring(moderator)
    round_id = moderator.state["round"]["id"]
    with app.app_context():   # the same database as the server: 20 versions already stored
        juror_id = db.session.scalar(sa.select(Juror.id).where(Juror.token == seeded.tokens[0]))
        for n in range(1, ballots.MAX_REVISIONS + 1):
            scores = dict(MINE) if n == ballots.MAX_REVISIONS else {**MINE, "report": n % 10}
            ballots.submit_ballot(db.session, seeded.meeting_id, juror_id, round_id, scores, f"pre-{n}")
        db.remove()
    open_tablet(page, server, seeded.tokens[0], "scoring_open")
    wait_receipt(page, "acked", ballots.MAX_REVISIONS)
    set_score(page, "report", 7)
    page.locator("#submit").tap()
    wait_receipt(page, "error")
    assert page.locator("#receipt-main").inner_text() == texts(page)["err_too_many_revisions"]
    assert str(ballots.MAX_REVISIONS) in page.locator("#receipt-extra").inner_text()  # the version that stands
    assert outbox(page) == []
    assert len(ballots_of(app, seeded, 1)) == ballots.MAX_REVISIONS
    shot(page, "10-too-many-revisions-portrait")
