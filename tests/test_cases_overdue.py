"""The overdue list per unit: the service, the staff page (/admin/cases/overdue) and `flask cases-overdue`.

On SQLite by default and on PostgreSQL with DATABASE_URL. The list assesses each case for today
with the tick's rules, so it is right before the tick has run, and it writes nothing.
"""
from __future__ import annotations

import datetime as dt

import pytest

from meeting.models import utcnow
from meeting.services import followup
from meeting.services.followup.overdue import overdue_list
from scoring.deadlines import local_date
from tests.echo_support import DECIDED_AT, build_county
from tests.helpers_roster import login, make_user

APRIL_20 = dt.datetime(2026, 4, 20)      # 08:00 in Beijing on 20 April
WATER = "县水利局"


@pytest.fixture
def county(session):
    """The echo county's case (泉庄镇党委, reply due 8 April), a pledge of the water bureau due 1 April,
    and a closed pledge of the same bureau."""
    built = build_county(session)
    pledge = followup.create_pledge_case(session, promise="年底前修好机井", responsible_person="钱局长",
                                         responsible_unit=WATER, actor="moderator", deadline=dt.date(2026, 4, 1),
                                         now=DECIDED_AT)
    done = followup.create_pledge_case(session, promise="清理水渠", responsible_person="钱局长",
                                       responsible_unit=WATER, actor="moderator", now=DECIDED_AT)
    followup.override_close(session, done.code, "农户已搬迁", actor="admin", now=DECIDED_AT)
    return {"case": built["case"], "pledge": pledge.code, "done": done.code}


def test_the_list_shows_each_overdue_case_with_days_and_level_before_any_tick_and_writes_nothing(session, county):
    before = len(followup.stream_events(session))
    data = overdue_list(session, now=APRIL_20)
    assert data.today == dt.date(2026, 4, 20) and data.units == tuple(sorted(("泉庄镇党委", WATER)))
    rows = {c.code: c for c in data.cases}
    assert set(rows) == {county["case"], county["pledge"]}          # the closed pledge is not overdue
    case, pledge = rows[county["case"]], rows[county["pledge"]]
    assert (case.reason, case.since, case.days_overdue, case.escalation) == ("reply", dt.date(2026, 4, 9), 12,
                                                                            "township")
    assert (case.promise, case.responsible_person, case.responsible_unit) == ("卫生室补齐常用药", "孙兆龙", "泉庄镇党委")
    assert (pledge.reason, pledge.days_overdue, pledge.escalation) == ("completion", 19, "county")
    assert len(followup.stream_events(session)) == before


def test_the_list_of_one_unit_has_only_its_cases_and_the_first_overdue_day_is_day_one(session, county):
    data = overdue_list(session, WATER, now=dt.datetime(2026, 4, 2))
    assert [c.code for c in data.cases] == [county["pledge"]]
    assert (data.cases[0].days_overdue, data.cases[0].escalation) == (1, "unit")
    assert overdue_list(session, WATER, now=dt.datetime(2026, 3, 31)).cases == ()
    assert overdue_list(session, "无此单位", now=APRIL_20).cases == ()


def test_a_reply_takes_the_case_off_the_list_until_its_deadline(session, county):
    followup.reply(session, county["case"], "已补齐常用药", actor="unit", now=APRIL_20)
    assert [c.code for c in overdue_list(session, "泉庄镇党委", now=APRIL_20).cases] == []
    later = overdue_list(session, "泉庄镇党委", now=dt.datetime(2026, 6, 2)).cases
    assert [(c.code, c.reason, c.escalation) for c in later] == [(county["case"], "completion", "unit")]


def test_the_level_the_tick_stored_is_kept_even_when_today_would_give_a_lower_one(session, county):
    followup.tick(session, now=dt.datetime(2026, 5, 1))               # 23 days overdue: county
    (row,) = overdue_list(session, "泉庄镇党委", now=dt.datetime(2026, 5, 1)).cases
    assert row.escalation == "county"


def test_the_staff_page_lists_a_units_overdue_cases_and_prints_on_a4(app, client, session, county):
    assert client.get("/admin/cases/overdue").status_code in (302, 401, 403)
    make_user(session, "admin")
    login(client, "admin")
    page = client.get("/admin/cases/overdue", query_string={"unit": "泉庄镇党委"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    today = local_date(utcnow())
    assert county["case"] in html and county["pledge"] not in html
    assert "卫生室补齐常用药" in html and "孙兆龙" in html
    assert f">{(today - dt.date(2026, 4, 9)).days + 1}<" in html and "level-county" in html
    assert 'media="print"' in html and "cases_overdue/print.css" in html
    css = client.get("/static/cases_overdue/print.css").get_data(as_text=True)
    assert "size: A4" in css
    every = client.get("/admin/cases/overdue").get_data(as_text=True)
    assert county["case"] in every and county["pledge"] in every and county["done"] not in every


def test_the_command_prints_the_same_list_as_text(app, session, county):
    out = app.test_cli_runner().invoke(args=["cases-overdue", "--unit", WATER, "--now", "2026-04-20T08:00:00+08:00"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == f"Overdue cases of {WATER} on 2026-04-20: 1"
    assert lines[1].split("\t") == [county["pledge"], "county", "19 days", "completion due 2026-04-01",
                                    f"钱局长 {WATER}", "年底前修好机井"]
    every = app.test_cli_runner().invoke(args=["cases-overdue", "--now", "2026-04-20T08:00:00+08:00"])
    assert "Overdue cases of all units on 2026-04-20: 2" in every.output
    bad = app.test_cli_runner().invoke(args=["cases-overdue", "--now", "soon"])
    assert bad.exit_code != 0 and "--now" in bad.output
