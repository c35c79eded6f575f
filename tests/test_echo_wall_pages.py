"""The public echo pages through the app: masked, private text absent, overdue marked, 404 for unknown codes."""
from __future__ import annotations

import datetime as dt

import pytest

from meeting.services import followup
from tests.echo_support import PRIVATE_TEXT, build_county


@pytest.fixture
def county(session):
    return build_county(session)


def test_the_village_wall_shows_masked_households_and_answers_but_no_private_text_or_phone(client, county):
    page = client.get("/echo/T05/V0501/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "王**" in html and "欧阳**" in html and "李**" in html
    assert "已更换路灯" in html and "已向本人答复" in html
    for secret in ("王小明", "欧阳春花", PRIVATE_TEXT, "已协调临时救助", "17012345678", "H0501"):
        assert secret not in html


def test_an_overdue_case_is_marked_on_the_wall(client, county):
    # The case opened on 24 March 2026 with a deadline of 31 May; the pages use the real date, later.
    html = client.get("/echo/T05/V0501/").get_data(as_text=True)
    assert html.count("is-overdue") == 1 and "data-overdue" in html and "办结逾期" in html


def test_the_township_wall_lists_its_villages_and_prints_with_a_qr_code_to_itself(client, county):
    html = client.get("/echo/T05/").get_data(as_text=True)
    assert "磨石沟村" in html and "北山村" in html and "张**" in html and "已向本人答复" in html
    assert PRIVATE_TEXT not in html and "已协调临时救助" not in html and "张卫国" not in html
    assert 'src="/echo/T05/qr.svg"' in html and "echo/print.css" in html
    qr = client.get("/echo/T05/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_the_wall_is_in_english_on_request(client, county):
    html = client.get("/echo/T05/V0501/?lang=en").get_data(as_text=True)
    assert "Answered to the household in person" in html and "Completion overdue" in html


def test_the_case_page_shows_promise_deadline_status_and_a_timeline_without_staff_names(client, session, county):
    followup.reply(session, county["case"], "已补齐常用药12种",
                   actor="unit:泉庄镇卫生院张院长", now=dt.datetime(2026, 4, 3, 2))
    html = client.get(f"/case/{county['case']}").get_data(as_text=True)
    assert "卫生室补齐常用药" in html and "2026-05-31" in html and "已补齐常用药12种" in html
    assert "王**" in html and "责任单位" in html
    for secret in ("张院长", "赵主持", "王小明", "17012345678"):
        assert secret not in html


def test_a_case_closed_by_override_is_shown_as_such_with_its_reason(client, session, county):
    followup.override_close(session, county["case"], "该户已整体搬迁", actor="organiser:李",
                            now=dt.datetime(2026, 4, 2))
    html = client.get(f"/case/{county['case']}").get_data(as_text=True)
    assert "组织方批准结案" in html and "该户已整体搬迁" in html


def test_unknown_codes_are_not_found(client, county):
    assert client.get("/case/2099-01-01-R1-01").status_code == 404
    assert client.get("/echo/T99/").status_code == 404
    assert client.get("/echo/T05/V9999/").status_code == 404
