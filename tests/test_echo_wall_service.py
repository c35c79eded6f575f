"""The echo wall's read service: masked households, private demands hidden, overdue flagged, cases shown."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from meeting.errors import NotFound
from meeting.services import followup
from meeting.services.followup import echo
from tests.echo_support import DECIDED_AT, PRIVATE_TEXT, build_county

BEFORE_DUE = dt.date(2026, 4, 1)   # the reply is due on 8 April
AFTER_DUE = dt.date(2026, 4, 20)


@pytest.fixture
def county(session):
    return build_county(session)


def by_household(wall) -> dict[str, dict]:
    return {item["household"]: item for item in wall["page"].items}


def test_a_village_wall_masks_every_household_and_never_shows_a_full_name_or_phone(session, county):
    wall = echo.village_wall(session, "T05", "V0501", today=BEFORE_DUE)
    assert set(by_household(wall)) == {"王**", "欧阳**", "李**"}
    text = json.dumps(wall["page"].items, ensure_ascii=False, default=str)
    for secret in ("王小明", "欧阳春花", "李大山", "17012345678", "H0501"):
        assert secret not in text


def test_a_private_demand_shows_only_its_marker_and_none_of_its_text_or_answer(session, county):
    item = by_household(echo.village_wall(session, "T05", "V0501", today=BEFORE_DUE))["欧阳**"]
    assert item == {"household": "欧阳**", "village": "磨石沟村", "private": True}
    text = json.dumps(echo.township_wall(session, "T05", today=BEFORE_DUE)["page"].items, ensure_ascii=False)
    assert PRIVATE_TEXT not in text and "已协调临时救助" not in text


def test_a_public_demand_shows_its_level_and_public_answer(session, county):
    item = by_household(echo.village_wall(session, "T05", "V0501", today=BEFORE_DUE))["李**"]
    assert (item["text"], item["level"], item["public_answer"], item["status"]) == (
        "路灯不亮", "village", "已更换路灯", "resolved")
    assert item["case"] is None and item["overdue"] is False


def test_a_demand_in_a_case_shows_the_case_status_and_deadline(session, county):
    item = by_household(echo.village_wall(session, "T05", "V0501", today=BEFORE_DUE))["王**"]
    assert item["case"]["code"] == county["case"]
    assert (item["case"]["status"], item["case"]["deadline"], item["case"]["reply_due"]) == (
        "open", "2026-05-31", "2026-04-08")
    assert item["overdue"] is False


def test_a_case_past_its_reply_due_day_is_flagged_overdue_even_before_the_tick_runs(session, county):
    item = by_household(echo.village_wall(session, "T05", "V0501", today=AFTER_DUE))["王**"]
    assert item["overdue"] is True and item["case"]["overdue_reason"] == "reply"


def test_a_case_closed_by_override_says_so(session, county):
    followup.override_close(session, county["case"], "该户已整体搬迁", actor="organiser:李", now=DECIDED_AT)
    item = by_household(echo.village_wall(session, "T05", "V0501", today=AFTER_DUE))["王**"]
    assert item["case"]["status"] == "closed" and item["case"]["closed_by_override"] is True
    assert item["case"]["override_reason"] == "该户已整体搬迁" and item["overdue"] is False


def test_a_township_wall_covers_all_its_villages_and_is_paged(session, county):
    wall = echo.township_wall(session, "T05", per_page=3, today=BEFORE_DUE)
    assert [v["name"] for v in wall["villages"]] == ["磨石沟村", "北山村"]
    first, second = wall["page"], echo.township_wall(session, "T05", page=2, per_page=3)["page"]
    assert (first.total, first.pages, len(first.items), len(second.items)) == (4, 2, 3, 1)
    assert second.items[0]["household"] == "张**" and second.items[0]["village"] == "北山村"


def test_a_page_past_the_end_shows_the_last_page(session, county):
    assert echo.township_wall(session, "T05", page=99, per_page=3)["page"].page == 2


def test_unknown_townships_and_villages_are_not_found_including_a_village_of_another_township(session, county):
    with pytest.raises(NotFound):
        echo.township_wall(session, "T99")
    with pytest.raises(NotFound):
        echo.village_wall(session, "T06", "V0501")


def test_the_case_page_shows_promise_deadline_status_masked_households_and_a_timeline_by_role(session, county):
    followup.reply(session, county["case"], "已补齐常用药12种", actor="unit:泉庄镇卫生院张院长",
                   now=dt.datetime(2026, 4, 3, 2))
    followup.start_return_visit(session, county["case"], actor="organiser:李", now=dt.datetime(2026, 4, 4, 2))
    followup.record_return_visit(session, county["case"], "satisfied", actor="organiser:李",
                                 now=dt.datetime(2026, 4, 5, 2))
    page = echo.case_page(session, county["case"], today=AFTER_DUE)
    assert (page["promise"], page["deadline"], page["status"]) == ("卫生室补齐常用药", "2026-05-31", "closed")
    assert page["households"] == ["王**", "欧阳**"]
    assert [(e["type"], e["role"], e["on"]) for e in page["timeline"]] == [
        ("case_opened", "meeting", "2026-03-24"), ("case_replied", "responsible", "2026-04-03"),
        ("case_return_visit_started", "organiser", "2026-04-04"),
        ("case_return_visit_recorded", "household", "2026-04-05")]
    assert page["timeline"][1]["text"] == "已补齐常用药12种" and page["timeline"][3]["outcome"] == "satisfied"
    text = json.dumps(page, ensure_ascii=False)
    for secret in ("张院长", "赵主持", "organiser:李", "王小明", "17012345678", "H0501"):
        assert secret not in text


def test_a_private_case_page_shows_no_promise_households_or_texts(session, county):
    followup.reply(session, county["case"], "已补齐常用药12种", actor="unit:x", now=dt.datetime(2026, 4, 3, 2))
    case = followup.get_case(session, county["case"])
    case.private = True
    session.commit()
    page = echo.case_page(session, county["case"], today=AFTER_DUE)
    assert "promise" not in page and "deadline" not in page and page["households"] == []
    assert "已补齐常用药" not in json.dumps(page, ensure_ascii=False)


def test_an_unknown_case_code_is_not_found(session, county):
    with pytest.raises(NotFound):
        echo.case_page(session, "2099-01-01-R1-01")
