"""回避 in Chromium against a real server: the recused juror's tablet says 本轮回避 and offers no
submit, the projector and the console show the recusal by category only."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.browser_support import chromium, log_in, new_page, screenshot  # noqa: F401 (fixture)
from tests.juror_browser_support import draw, open_tablet, perform, skip_verification
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECRET = "表兄弟"


@pytest.fixture
def live(app, tmp_path):
    """Seat 1 declared a relation to every cadre, so whoever is drawn, seat 1 is recused."""
    seeded = seed_meeting(app, jurors=5, quorum=4)
    from meeting.extensions import db
    from meeting.models import Cadre, Juror
    with app.app_context():
        numbers = db.session.scalars(sa.select(Cadre.number)).all()
        first = db.session.scalar(sa.select(Juror).where(Juror.meeting_id == seeded.meeting_id, Juror.seat == 1))
        first.relations = [{"number": n, "relation": SECRET} for n in numbers]
        db.session.commit()
        db.remove()
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
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


def test_the_recused_tablet_says_so_and_cannot_submit_and_the_projector_shows_the_category(live, chromium):
    seeded, server, moderator, connect = live
    errors: list[str] = []
    draw(moderator)
    perform(moderator, "start_report")
    mid = seeded.meeting_id

    tablet = new_page(chromium, 800, 1280, errors, touch=True)
    open_tablet(tablet, server, seeded.tokens[0], "report")
    tablet.wait_for_selector('#app[data-recused="declared_relation"]')
    note = tablet.locator("#stage-note").inner_text()
    assert note.startswith("本轮回避") and "申报与该干部有亲属关系" in note and SECRET not in note
    assert tablet.locator("#scoring").is_hidden()
    screenshot(tablet, "recusal", "01-tablet-report")

    perform(moderator, "start_verification")
    skip_verification(moderator)
    tablet.wait_for_selector('#app[data-stage="scoring_open"]')
    assert tablet.locator("#stage-note").inner_text().startswith("本轮回避")
    assert tablet.locator("#scoring").is_hidden() and not tablet.locator("#submit").is_visible()
    screenshot(tablet, "recusal", "02-tablet-scoring-open")
    # Even a hand-made submission from seat 1's link is refused by the server.
    seat1 = connect("juror", token=seeded.tokens[0])
    ack = seat1.call("submit_ballot", {"round_id": moderator.state["round"]["id"], "client_msg_id": "forced",
                                       "scores": {"visits": 30, "demands": 30, "satisfaction": 30, "report": 10}})
    assert not ack["ok"] and ack["error"]["code"] == "juror_recused"

    projector = new_page(chromium, 1920, 1080, errors)
    projector.goto(f"{server.url}/m/{mid}/projector")
    projector.wait_for_selector('.progress .recusals[data-recused="1:declared_relation"]')
    line = projector.inner_text(".recusals")
    assert "本轮回避" in line and "评委1" in line and "申报与该干部有亲属关系" in line and SECRET not in line
    assert projector.get_attribute(".progress", "data-progress") == "0/4"
    assert SECRET not in projector.content()
    screenshot(projector, "recusal", "03-projector-scoring")

    console = new_page(chromium, 1600, 1000, errors)
    log_in(console, server.url, *MODERATOR, f"/console/{mid}")
    console.wait_for_selector('#jurors .juror[data-seat="1"][data-recused="declared_relation"]')
    assert "回避" in console.inner_text('#jurors .juror[data-seat="1"]')
    assert SECRET not in console.content()
    screenshot(console, "recusal", "04-console")
    assert errors == [], errors


def test_the_moderator_recuses_and_lifts_from_the_console_before_scoring(live, chromium, app):
    seeded, server, moderator, connect = live
    errors: list[str] = []
    draw(moderator)
    perform(moderator, "start_report")
    mid = seeded.meeting_id
    console = new_page(chromium, 1600, 1000, errors)
    log_in(console, server.url, *MODERATOR, f"/console/{mid}")
    console.wait_for_selector('#jurors .juror[data-seat="1"][data-recused="declared_relation"]')

    console.click('#jurors .juror[data-seat="4"] button[data-recusal="add"]')
    console.select_option("#form-dialog select[name=category]", "other")
    console.fill("#form-dialog input[name=text]", "与干部是同学")
    console.click("#form-dialog button[type=submit]")
    console.wait_for_selector('#jurors .juror[data-seat="4"][data-recused="other"]')
    assert "与干部是同学" not in console.content()

    console.click('#jurors .juror[data-seat="1"] button[data-recusal="lift"]')
    console.click("#confirm-ok")
    console.wait_for_selector('#jurors .juror[data-seat="1"]:not([data-recused])')
    screenshot(console, "recusal", "05-console-added-and-lifted")
    state = moderator.wait_for(lambda s: [r["seat"] for r in s["round"]["recusals"]] == [4])
    assert state["round"]["recusals"][0]["category"] == "other"

    perform(moderator, "start_verification")
    skip_verification(moderator)
    console.wait_for_selector('#jurors .juror[data-seat="4"][data-recused="other"]')
    console.wait_for_function("() => !document.querySelector('#jurors button[data-recusal]')")
    from meeting.extensions import db
    from meeting.models import Event
    with app.app_context():
        types = [e.type for e in db.session.scalars(sa.select(Event).where(Event.meeting_id == mid)
                                                    .order_by(Event.seq))]
        db.remove()
    assert types.index("recusal_added") < types.index("recusal_lifted") < types.index("verification_skipped")
    assert errors == [], errors
