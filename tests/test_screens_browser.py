"""The public screens in Chromium against a real server, the meeting driven from python.

Screenshots of every step go to test-artifacts/screens/ (look at them: this is what the hall sees).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring.masking import mask_name, mask_phone
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screens"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SCORES = [  # totals 88, 75, 95, 60, 81: 95 and 60 are dropped
    {"visits": 28, "demands": 25, "satisfaction": 27, "report": 8},
    {"visits": 22, "demands": 20, "satisfaction": 26, "report": 7},
    {"visits": 30, "demands": 28, "satisfaction": 28, "report": 9},
    {"visits": 15, "demands": 20, "satisfaction": 20, "report": 5},
    {"visits": 25, "demands": 24, "satisfaction": 25, "report": 7},
]
SCORES_2 = [  # totals 92, 90, 94, 85, 96: final 92.00
    {"visits": 28, "demands": 27, "satisfaction": 28, "report": 9},
    {"visits": 27, "demands": 27, "satisfaction": 27, "report": 9},
    {"visits": 29, "demands": 28, "satisfaction": 28, "report": 9},
    {"visits": 26, "demands": 25, "satisfaction": 26, "report": 8},
    {"visits": 30, "demands": 28, "satisfaction": 29, "report": 9},
]


@pytest.fixture
def live(app, tmp_path):
    """A seeded meeting on a real server, a logged-in moderator, and a way to open more sockets."""
    seeded = seed_meeting(app, jurors=5)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log",
                        env={"MINKAO_HEARTBEAT_SECONDS": "1"}).start()
    sockets: list[Screen] = []

    def connect(role: str, **kw) -> Screen:
        s = Screen(server.url, seeded.meeting_id, role, **kw).connect()
        sockets.append(s)
        return s

    moderator = connect("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    yield seeded, server, moderator, connect
    for s in sockets:
        s.close()
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
    page.wait_for_timeout(900)  # let entry animations settle for a faithful picture (not an assertion)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


class PageTexts:
    """Every text a page showed, so the test can check no household ever appeared in full."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def grab(self, *pages) -> None:
        for page in pages:
            self.texts.append(page.inner_text("body"))
            self.texts.append(page.content())


def _open(browser, url: str, width: int, height: int, errors: list[str]):
    page = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True).new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page


def _households_to_call(app, moderator: Screen, number: int) -> list[str]:
    """The verifiable household picks of the drawn cadre, else (picks not wired into the live
    flow yet) that cadre's households from the database."""
    picks = moderator.call("sync", {}) and moderator.state["draw"]["household_picks"].get(str(number))
    if picks:
        return picks
    import sqlalchemy as sa

    from meeting.extensions import db
    from meeting.models import Cadre, Household

    with app.app_context():
        codes = db.session.scalars(sa.select(Household.code).join(Cadre, Household.cadre_id == Cadre.id)
                                   .where(Cadre.number == number).order_by(Household.code)).all()
        db.remove()
    return list(codes)


def test_the_projector_and_viewer_follow_a_whole_round_and_never_show_a_household_in_full(app, live, browser):
    seeded, server, moderator, connect = live
    mid, errors, seen = seeded.meeting_id, [], PageTexts()
    projector = _open(browser, f"{server.url}/m/{mid}/projector", 1920, 1080, errors)
    viewer = _open(browser, f"{server.url}/m/{mid}/viewer", 390, 844, errors)

    # Welcome: title, commitment in blocks of 8, the viewer QR code.
    projector.wait_for_selector(".welcome-proof")
    commitment = moderator.state["meeting"]["commitment"]
    assert commitment[:8] in projector.inner_text(".welcome-proof")
    assert projector.eval_on_selector("img.qr", "img => img.complete && img.naturalWidth > 0")
    _shot(projector, "01-welcome")

    # Live entropy only once the meeting is live: shown on the draw screen the moment it is entered.
    _ok(moderator.perform("start_meeting"))
    projector.wait_for_selector(".draw.waiting")
    _ok(moderator.perform("enter_entropy", sources=[["骰子", "3 5 1 6 2 4"], ["体彩排列五", "7 0 3 9 1"]]))
    projector.wait_for_selector(".draw.waiting .entropy-row")
    _shot(projector, "02-draw-waiting")

    # The draw: the reels spin, then land on the number the server drew.
    drawn = _ok(moderator.perform("draw_cadre", expected_draw=1))
    number = drawn["number"]
    assert number == moderator.wait_for(lambda s: s["round"]["cadre"] is not None)["round"]["cadre"]["number"]
    projector.wait_for_selector("[data-reels][data-spinning]")
    _shot(projector, "03-draw-spinning")
    projector.wait_for_selector(".draw.landed [data-reels][data-landed]", timeout=15000)
    assert projector.get_attribute("[data-reels]", "data-landed") == str(number)
    _shot(projector, "04-drawn")
    viewer.wait_for_selector(".v-draw.landed")
    assert viewer.get_attribute("[data-reels]", "data-landed") == str(number)
    _shot(viewer, "viewer-04-drawn")

    # A reload shows the drawn number at once: no replay of the animation.
    projector.reload()
    projector.wait_for_selector("[data-reels][data-landed]")
    assert projector.get_attribute("[data-reels]", "data-spinning") is None
    assert projector.get_attribute("[data-reels]", "data-landed") == str(number)

    _ok(moderator.perform("start_report", seconds=300))
    projector.wait_for_selector(".report .timer-clock")
    projector.wait_for_function("() => /^[0-9]+:[0-9]{2}$/.test(document.querySelector('.timer-clock').textContent)")
    _shot(projector, "05-report")

    # Verification: one answered call contradicting the report, one busy line.
    _ok(moderator.perform("start_verification"))
    _ok(moderator.perform("propose_calls"))  # calls follow the draw: the picks, in the drawn order
    picks = _households_to_call(app, moderator, number)
    _ok(moderator.perform("record_call", household_code=picks[0], outcome="answered",
                          answers={"visited": "yes", "resolved": "no", "satisfaction": 2}))
    if len(picks) > 1:
        _ok(moderator.perform("record_call", household_code=picks[1], outcome="busy"))
    calls = moderator.wait_for(lambda s: len(s["round"]["calls"]) == min(len(picks), 2))["round"]["calls"]
    projector.wait_for_selector(f".call-card[data-call='{calls[-1]['id']}']")
    projector.wait_for_selector(".banner-alarm")
    viewer.wait_for_selector(f".call-card[data-call='{calls[-1]['id']}']")
    first = calls[0]["household"]
    full_name, full_phone = first["full_name"], first["full_phone"]
    for page in (projector, viewer):
        text = page.inner_text("body")
        assert mask_name(full_name) in text and mask_phone(full_phone) in text
    seen.grab(projector, viewer)
    _shot(projector, "06-verification")
    _shot(viewer, "viewer-06-verification")

    # Scoring: five jurors submit; the hall sees only the count.
    _ok(moderator.perform("open_scoring"))
    round_id = moderator.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
    jurors = [connect("juror", token=t) for t in seeded.tokens]
    projector.wait_for_selector(".progress[data-progress='0/5']")
    for i, (juror, scores) in enumerate(zip(jurors, SCORES)):
        _ok(juror.call("submit_ballot", {"round_id": round_id, "scores": scores, "client_msg_id": f"b{i}"}))
    projector.wait_for_selector(".progress[data-progress='5/5']")
    seen.grab(projector, viewer)
    _shot(projector, "07-scoring")

    # The reveal: the final score as the server computed it, highest and lowest struck through.
    _ok(moderator.perform("close_scoring"))
    _ok(moderator.perform("reveal_result"))
    final = moderator.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]["result"]["final"]
    projector.wait_for_selector(".revealed .final[data-final]")
    assert projector.get_attribute(".final", "data-final") == final
    assert projector.inner_text(".final-score") == final
    assert projector.locator(".ballot[data-dropped]").count() == 2
    assert projector.locator(".ballot[data-dropped] s").count() == 2
    assert sorted(projector.eval_on_selector_all(".ballot[data-dropped]", "ns => ns.map(n => n.dataset.dropped)")) == ["high", "low"]
    projector.wait_for_function("() => !!document.querySelector('.ballots-chart canvas')")
    _shot(projector, "08-revealed")

    # The viewer shows the same result and a heartbeat line that keeps ticking.
    viewer.wait_for_selector(".final[data-final]")
    assert viewer.inner_text(".final-score") == final
    viewer.wait_for_selector("#v-heartbeat[data-seconds].fresh")
    assert int(viewer.get_attribute("#v-heartbeat", "data-seconds")) < 12 and viewer.inner_text("#v-heartbeat").strip()
    seen.grab(projector, viewer)
    _shot(viewer, "viewer-08-revealed")

    # Decisions: a rectification and an investigation team.
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    _ok(moderator.perform("record_decision", kind="rectification", detail={
        "items": ["未解决的路灯维修诉求限期办结", "补齐联系户走访记录"], "deadline": deadline, "responsible": "乡镇党委书记"}))
    _ok(moderator.perform("record_decision", kind="investigation", detail={
        "reason": "联系户反映诉求未解决，与述职不符", "team": [
            {"name": "县纪委 刘强", "role": "discipline_inspector"}, {"name": "人大代表 王芳", "role": "deputy"},
            {"name": "群众代表 赵明", "role": "citizen_rep"}]}))
    projector.wait_for_selector(".decided [data-decision='investigation']")
    assert projector.locator("[data-decision='rectification']").count() == 1
    assert deadline in projector.inner_text(".decisions")
    viewer.wait_for_selector("[data-decision='investigation']")
    seen.grab(projector, viewer)
    _shot(projector, "09-decided")
    _shot(viewer, "viewer-09-decided")
    viewer.screenshot(path=str(ARTIFACTS / "viewer-09-decided-full.png"), full_page=True)

    # A second cadre round, quickly, then a question round for a department head.
    _ok(moderator.perform("next_round"))
    _ok(moderator.perform("draw_cadre", expected_draw=2))
    for action in ("start_report", "start_verification"):
        _ok(moderator.perform(action))
    _ok(moderator.perform("skip_verification", reason="time_limit"))  # no call this round: said and logged
    round_2 = moderator.wait_for(lambda s: s["round"]["number"] == 2 and s["round"]["stage"] == "scoring_open")["round"]["id"]
    for i, (juror, scores) in enumerate(zip(jurors, SCORES_2)):
        _ok(juror.call("submit_ballot", {"round_id": round_2, "scores": scores, "client_msg_id": f"r2-{i}"}))
    moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 5)
    for action in ("close_scoring", "reveal_result"):
        _ok(moderator.perform(action))
    _ok(moderator.perform("record_decision", kind="pass", detail={"note": "群众满意，继续保持"}))
    projector.wait_for_selector(".decided [data-decision='pass']")
    _shot(projector, "09b-decided-pass")
    _ok(moderator.perform("next_round"))
    _ok(moderator.perform("start_question", department_head="县交通运输局局长 孙建华", unit="县交通运输局",
                          demand="许家湖镇至县城的公交班次太少，群众早晚出行难，什么时候能加密班次？"))
    projector.wait_for_selector(".questioning .question-card")
    assert "孙建华" in projector.inner_text(".question-card")
    _shot(projector, "09c-question")

    _ok(moderator.perform("set_scene", scene="leaderboard"))
    projector.wait_for_selector(".board")
    assert final in projector.inner_text(".board-table") and "92.00" in projector.inner_text(".board-table")
    projector.wait_for_function("() => !!document.querySelector('.lb-chart canvas')")
    seen.grab(projector, viewer)
    _shot(projector, "10-leaderboard")

    _ok(moderator.perform("clear_all"))
    projector.wait_for_selector("body[data-scene='blank']")
    assert projector.inner_text("body").strip() == ""
    _shot(projector, "11-blank")

    everything = "\n".join(seen.texts)
    assert full_name not in everything and full_phone not in everything
    assert not errors, errors


def test_the_viewer_shows_the_bundle_link_only_once_the_seed_is_revealed(live, browser):
    seeded, server, moderator, _connect = live
    errors: list[str] = []
    viewer = _open(browser, f"{server.url}/m/{seeded.meeting_id}/viewer?lang=en", 390, 844, errors)
    viewer.wait_for_selector(".v-proof")
    assert viewer.locator(".v-bundle").count() == 0
    _ok(moderator.perform("start_meeting"))
    _ok(moderator.perform("close_meeting"))
    viewer.wait_for_selector(".v-bundle")
    assert viewer.get_attribute(".v-bundle", "href") == f"/m/{seeded.meeting_id}/bundle.json"
    assert "Round 1" in viewer.inner_text(".v-roundhead")
    _shot(viewer, "viewer-closed-en")

    # The heartbeat line turns orange, then red, as the last message gets older.
    # (The screens publish no window globals: the test imports the page's own modules.)
    assert viewer.evaluate("""async () => { const { heartbeatText } = await import('/static/screens/common.js');
                                             return [5, 20, 40].map(n => heartbeatText(n, true).cls); }""") == \
        ["fresh", "stale", "dead"]
    # A dropped connection comes back by itself and shows the same screen.
    viewer.evaluate("""async () => { const { viewer } = await import('/static/screens/viewer.js');
                                      window.__viewerLive = viewer.live; const s = viewer.live.socket; window.__dropped = false;
                                      s.once('disconnect', () => { window.__dropped = true; }); s.io.engine.close(); }""")
    viewer.wait_for_function("() => window.__dropped && window.__viewerLive.connected")
    viewer.wait_for_selector("#v-heartbeat[data-seconds].fresh")
    assert viewer.get_attribute(".v-bundle", "href") == f"/m/{seeded.meeting_id}/bundle.json"
    assert not errors, errors


def test_the_overlay_is_transparent_and_answers_the_template_functions(live, browser):
    seeded, server, moderator, _connect = live
    errors: list[str] = []
    page = _open(browser, f"{server.url}/m/{seeded.meeting_id}/overlay?manual=1", 1920, 1080, errors)
    page.wait_for_function("() => typeof window.update === 'function' && typeof window.next === 'function'")
    for selector in ("html", "body"):
        assert page.eval_on_selector(selector, "n => getComputedStyle(n).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert page.get_attribute("body", "data-on-air") == "off"

    page.evaluate("""() => { update(JSON.stringify({title: "张三", subtitle: "城关镇党委委员 · 城关镇", number: 1024,
                                                    stage: "述职"})); play(); }""")
    page.wait_for_selector("#lt.in")
    page.wait_for_function("() => getComputedStyle(document.getElementById('lt')).opacity === '1'")
    assert page.inner_text("#lt-title") == "张三" and "1024" in page.inner_text("#lt-badge")
    _backdrop(page)
    _shot(page, "overlay-lower-third")

    page.evaluate("""() => update({title: "张三", score: "81.33", grade: "合格", grade_key: "qualified",
        ballots: [{label: "评委1", total: "88"}, {label: "评委2", total: "75"}, {label: "评委3", total: "95", dropped: "high"},
                  {label: "评委4", total: "60", dropped: "low"}, {label: "评委5", total: "81"}]})""")
    page.evaluate("() => next()")
    page.wait_for_selector("#res.in")
    assert page.inner_text("#res-score") == "81.33" and page.locator("#res-ballots s").count() == 2
    _shot(page, "overlay-result")
    page.evaluate("() => next()")
    assert page.get_attribute("body", "data-on-air") == "off"
    page.evaluate("() => { play(); stop(); }")
    assert page.get_attribute("body", "data-on-air") == "off"
    # CasparCG's default XML template data works too (f0 = title).
    page.evaluate("""() => update('<templateData><componentData id="f0"><data id="text" value="李四"/></componentData></templateData>')""")
    assert page.inner_text("#lt-title") == "李四"
    assert not errors, errors


def test_the_overlay_follows_the_live_meeting_by_itself(live, browser):
    seeded, server, moderator, _connect = live
    errors: list[str] = []
    page = _open(browser, f"{server.url}/m/{seeded.meeting_id}/overlay", 1920, 1080, errors)
    _ok(moderator.perform("start_meeting"))
    _ok(moderator.perform("enter_entropy", sources="3 5 1 6 2 4"))
    page.wait_for_function("() => document.body.dataset.onAir === 'off'")
    cadre = _ok(moderator.perform("draw_cadre", expected_draw=1))
    name = moderator.wait_for(lambda s: s["round"]["cadre"] is not None)["round"]["cadre"]["name"]
    page.wait_for_selector("#lt.in")
    assert page.inner_text("#lt-title") == name and str(cadre["number"]) in page.inner_text("#lt-badge")
    _backdrop(page)
    _shot(page, "overlay-live-lower-third")
    _ok(moderator.perform("set_scene", scene="blank"))
    page.wait_for_function("() => document.body.dataset.onAir === 'off'")
    assert not errors, errors


def _backdrop(page) -> None:
    """Put a studio-like picture behind the transparent page, for the screenshot only."""
    page.evaluate("""() => { document.documentElement.style.setProperty('background',
        'linear-gradient(135deg, #5b6b7c 0%, #2f3a46 45%, #7a6a58 100%)', 'important'); }""")


def test_a_household_named_by_the_moderator_is_marked_on_the_projector_and_viewer(app, live, browser):
    import sqlalchemy as sa

    from meeting.extensions import db
    from meeting.models import Cadre, Household

    seeded, server, moderator, _connect = live
    mid, errors = seeded.meeting_id, []
    projector = _open(browser, f"{server.url}/m/{mid}/projector", 1920, 1080, errors)
    viewer = _open(browser, f"{server.url}/m/{mid}/viewer?lang=en", 390, 844, errors)
    _ok(moderator.perform("start_meeting"))
    _ok(moderator.perform("enter_entropy", sources=[["骰子", "3 5 1 6 2 4"]]))
    number = _ok(moderator.perform("draw_cadre", expected_draw=1))["number"]
    _ok(moderator.perform("start_report", seconds=300))
    _ok(moderator.perform("start_verification"))
    with app.app_context():
        mine = db.session.scalars(sa.select(Household.code).join(Cadre, Household.cadre_id == Cadre.id)
                                  .where(Cadre.number == number)).all()
        stranger = db.session.scalar(sa.select(Household.code).join(Cadre, Household.cadre_id == Cadre.id)
                                     .where(Cadre.number != number))
        db.remove()
    called: list[str] = []
    for _ in mine:  # every pick and backup unreachable: the draw is exhausted
        code = next(c for c in _ok(moderator.perform("propose_calls"))["households"] if c not in called)
        _ok(moderator.perform("record_call", household_code=code, outcome="no_answer"))
        called.append(code)
    _ok(moderator.perform("record_call", household_code=stranger, outcome="answered", reason="村主任推荐"))
    calls = moderator.wait_for(lambda s: len(s["round"]["calls"]) == len(mine) + 1)["round"]["calls"]
    named = calls[-1]
    assert named["named"] is True and not any(c["named"] for c in calls[:-1])
    projector.wait_for_selector(f".call-card[data-call='{named['id']}'] .call-named")
    assert projector.inner_text(f".call-card[data-call='{named['id']}'] .call-named") == "主持人指定"
    assert projector.locator(".call-named").count() == 1
    viewer.wait_for_selector(f".call-card[data-call='{named['id']}'] .call-named")
    assert viewer.inner_text(f".call-card[data-call='{named['id']}'] .call-named").lower() == "named by the moderator"
    _shot(projector, "named-by-the-moderator")
    assert not errors, errors
