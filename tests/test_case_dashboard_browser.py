"""In Chromium against a real server: a case officer filters the dashboard by status and township;
the responsible unit replies through its private link (with a photo); the dashboard then shows the
case as replied. Screenshots go to test-artifacts/cases/ (look at them)."""
from __future__ import annotations

import pytest

from meeting.commands.db import ensure_user
from meeting.extensions import db
from meeting.services import followup
from meeting.services.followup import reply_links
from tests.browser_support import chromium, log_in, new_page, screenshot  # noqa: F401 - chromium is a fixture
from tests.cases_support import PNG, county
from tests.liveserver import LiveServer, free_port

pytestmark = [pytest.mark.browser, pytest.mark.server]

OFFICER = ("duban", "duban-pass-1")


@pytest.fixture
def live(app, tmp_path):
    with app.app_context():
        world = county(db.session, per_township=2)      # 泉庄镇: codes 0, 1; 院东头镇: codes 2, 3
        followup.reply(db.session, world.codes[0], "已整改", actor="user:1")
        ensure_user(*OFFICER, role="case_officer")
        token = reply_links.issue_link(db.session, world.codes[2], actor="user:1").token
        codes, town = world.codes, world.townships["院东头镇"].id
        db.remove()
    port = free_port()
    server = LiveServer(app.config["DATABASE_URL"], port=port, log_path=tmp_path / "server.log",
                        env={"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                             "MINKAO_INSTANCE_PATH": str(tmp_path / "instance")}).start()
    yield server, codes, town, token, tmp_path
    server.stop()


def _rows(page) -> list[str]:
    return page.eval_on_selector_all("tr.case-row", "rows => rows.map(r => r.dataset.case)")


def test_the_dashboard_filters_and_shows_a_reply_sent_through_the_units_link(live, chromium):  # noqa: F811
    server, codes, town, token, tmp = live
    errors: list[str] = []
    staff = new_page(chromium, 1400, 1000, errors)
    log_in(staff, server.url, *OFFICER, "/cases")
    staff.wait_for_selector("tr.case-row")
    assert sorted(_rows(staff)) == sorted(codes)
    screenshot(staff, "cases", "01-dashboard", full_page=True)

    staff.select_option("select[name=status]", "replied")
    staff.click("#case-filters button[type=submit]")
    staff.wait_for_url("**/cases?*status=replied*")
    assert _rows(staff) == [codes[0]]
    staff.select_option("select[name=status]", "")
    staff.select_option("select[name=township]", str(town))
    staff.click("#case-filters button[type=submit]")
    staff.wait_for_url(f"**/cases?*township={town}*")
    assert _rows(staff) == codes[2:]

    unit = new_page(chromium, 420, 900, errors)       # a phone, no account
    unit.goto(f"{server.url}/r/{token}")
    assert "王**" in unit.inner_text("body") and "王小明" not in unit.inner_text("body")
    unit.fill("textarea[name=reply]", "道路已硬化，路灯已安装。")
    unit.set_input_files("input[name=files]", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    screenshot(unit, "cases", "02-unit-reply-form", full_page=True)
    unit.click("#unit-reply button[type=submit]")
    unit.wait_for_selector(".flash-success")
    assert unit.locator("#unit-reply").count() == 0 and "道路已硬化" in unit.inner_text("body")
    screenshot(unit, "cases", "03-unit-replied", full_page=True)

    staff.goto(f"{server.url}/cases?status=replied")
    staff.wait_for_selector(f"tr.case-row[data-case='{codes[2]}']")
    assert sorted(_rows(staff)) == sorted([codes[0], codes[2]])
    assert staff.get_attribute(f"tr[data-case='{codes[2]}']", "data-status") == "replied"
    staff.click(f"tr[data-case='{codes[2]}'] a")
    staff.wait_for_selector("tr[data-event='case_replied']")
    assert "现场.png" in staff.inner_text("body")
    screenshot(staff, "cases", "04-case-page", full_page=True)
    assert list((tmp / "instance" / "case_files").rglob("*.png")), "the photo is stored under the instance folder"
    assert errors == []
