"""The organiser's dashboard query and the case page's actions, on SQLite and PostgreSQL.

Filters by status, township, unit and meeting; counts per status around the chosen filter;
overdue cases first; paging; each action of the case page is one unit of work, refused input
changes nothing.
"""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, UserError
from meeting.models.cases import Case, CaseEvent
from meeting.services import followup
from meeting.services.followup import dashboard as dash, staff
from meeting.services.followup.dashboard import CaseFilter
from tests.cases_support import county

LATER = dt.datetime(2026, 4, 1, 3, 0)
OVERDUE_DAY = dt.datetime(2026, 4, 12, 3, 0)    # after the reply due day (8 April)


@pytest.fixture
def world(session):
    return county(session, per_township=3)     # 6 cases: 3 in 泉庄镇, 3 in 院东头镇


def test_no_filter_lists_every_case_with_counts_per_status(session, world):
    page = dash.dashboard(session, CaseFilter())
    assert page.total == 6 and [r["code"] for r in page.rows] == world.codes
    assert page.counts["open"] == 6 and page.counts["replied"] == 0 and page.overdue == 0


def test_filters_by_status_township_unit_and_meeting(session, world):
    followup.reply(session, world.codes[0], "已整改", actor="user:1", now=LATER)
    followup.reply(session, world.codes[4], "已整改", actor="user:1", now=LATER)
    quanzhuang = world.townships["泉庄镇"].id
    replied = dash.dashboard(session, CaseFilter(status="replied"))
    assert [r["code"] for r in replied.rows] == [world.codes[0], world.codes[4]]
    # The counts are of the cases the other filters leave, whatever status is chosen.
    assert replied.counts["replied"] == 2 and replied.counts["open"] == 4
    in_town = dash.dashboard(session, CaseFilter(township_id=quanzhuang))
    assert [r["code"] for r in in_town.rows] == world.codes[:3] and in_town.counts == {
        **{s: 0 for s in dash.STATUSES}, "open": 2, "replied": 1}
    both = dash.dashboard(session, CaseFilter(status="replied", township_id=quanzhuang))
    assert [r["code"] for r in both.rows] == [world.codes[0]] and both.rows[0]["township"] == "泉庄镇"
    by_unit = dash.dashboard(session, CaseFilter(unit="院东头镇政府"))
    assert [r["code"] for r in by_unit.rows] == world.codes[3:]
    assert dash.dashboard(session, CaseFilter(meeting_id=world.meetings[0].id)).total == 6
    assert dash.dashboard(session, CaseFilter(meeting_id=world.meetings[0].id + 99)).total == 0


def test_overdue_cases_come_first_and_can_be_chosen_alone(session, world):
    for code in world.codes[:5]:
        followup.reply(session, code, "已整改", actor="user:1", now=LATER)
    followup.tick(session, now=OVERDUE_DAY)            # only the last case is still awaiting its reply
    page = dash.dashboard(session, CaseFilter())
    assert page.rows[0]["code"] == world.codes[5] and page.rows[0]["overdue_reason"] == "reply"
    assert all(r["overdue_reason"] is None for r in page.rows[1:]) and page.overdue == 1
    only = dash.dashboard(session, CaseFilter(overdue_only=True))
    assert [r["code"] for r in only.rows] == [world.codes[5]]


def test_pages_hold_per_page_rows_and_a_page_past_the_end_shows_the_last(session, world):
    first = dash.dashboard(session, CaseFilter(), page=1, per_page=4)
    second = dash.dashboard(session, CaseFilter(), page=2, per_page=4)
    assert (first.pages, len(first.rows), len(second.rows)) == (2, 4, 2)
    assert [r["code"] for r in first.rows + second.rows] == world.codes
    assert dash.dashboard(session, CaseFilter(), page=99, per_page=4).page == 2


def test_query_arguments_become_a_filter_and_nonsense_is_ignored():
    f = dash.parse_filter({"status": "replied", "township": "3", "unit": " 泉庄镇党委 ", "meeting": "x",
                           "overdue": "1"})
    assert f == CaseFilter(status="replied", township_id=3, unit="泉庄镇党委", meeting_id=None, overdue_only=True)
    assert dash.parse_filter({"status": "drop table", "township": "-1"}) == CaseFilter()
    assert dash.page_number("0") == 1 and dash.page_number("abc") == 1 and dash.page_number("3") == 3


def test_the_filter_choices_are_the_townships_units_and_meetings_that_have_cases(session, world):
    options = dash.filter_options(session)
    assert [n for _, n in options["townships"]] == ["泉庄镇", "院东头镇"]
    assert options["units"] == ["泉庄镇党委", "院东头镇政府"]
    assert [t for _, t, _ in options["meetings"]] == ["现场直播调查大会"]


def test_the_case_page_offers_the_actions_the_life_cycle_allows_now(session, world):
    code = world.codes[0]
    assert staff.case_page(session, code)["actions"] == ("reply", "override_close")
    staff.staff_act(session, code, "reply", actor="user:1", reason="代为回复", proposed="2026-05-01", now=LATER)
    page = staff.case_page(session, code)
    assert page["actions"] == ("start_return_visit", "override_close")
    assert page["case"].proposed_completion == dt.date(2026, 5, 1)
    assert [e.type for e in page["events"]] == ["case_opened", "case_replied"]
    assert page["events"][-1].payload["on_behalf"] is True and page["households"][0] == ("H010", "王**")
    staff.staff_act(session, code, "start_return_visit", actor="user:1", now=LATER)
    assert staff.case_page(session, code)["actions"] == ("record_visit", "override_close")
    staff.staff_act(session, code, "override_close", actor="user:1", reason="住户已迁出", now=LATER)
    assert staff.case_page(session, code)["actions"] == ("reopen",)
    staff.staff_act(session, code, "reopen", actor="user:1", reason="新的投诉", now=LATER)
    assert session.scalar(sa.select(Case.status).where(Case.code == code)) == "reopened"
    assert followup.verify_stream(session) is None


def test_a_return_visit_is_recorded_on_the_case_page_not_satisfied_reopens_satisfied_closes(session, world):
    code = world.codes[0]
    staff.staff_act(session, code, "reply", actor="user:1", reason="已整改", now=LATER)
    staff.staff_act(session, code, "start_return_visit", actor="user:1", now=LATER)
    with pytest.raises(UserError) as info:
        staff.staff_act(session, code, "record_visit", actor="user:1", outcome="maybe", now=LATER)
    assert info.value.code == "case_outcome_unknown"
    with pytest.raises(UserError) as info:
        staff.staff_act(session, code, "record_visit", actor="user:1", outcome="contradicting", reason="", now=LATER)
    assert info.value.code == "case_reason_required"
    case = staff.staff_act(session, code, "record_visit", actor="user:1", outcome="contradicting",
                           reason="住户说药品未补齐", now=LATER)
    assert case.status == "reopened" and case.reopen_count == 1
    assert followup.stream_events(session)[-1].payload["outcome"] == "contradicting"
    staff.staff_act(session, code, "reply", actor="user:1", reason="已补齐", now=LATER)
    staff.staff_act(session, code, "start_return_visit", actor="user:1", now=LATER)
    assert staff.staff_act(session, code, "record_visit", actor="user:1", outcome="satisfied", now=LATER).status == "closed"


@pytest.mark.parametrize("action,reason,error", [
    ("override_close", "", UserError), ("reopen", "x", Conflict), ("visit_satisfied", "", UserError),
    ("reply", "", UserError)])
def test_a_refused_action_changes_nothing(session, world, action, reason, error):
    code = world.codes[0]
    before = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    with pytest.raises(error):
        staff.staff_act(session, code, action, actor="user:1", reason=reason, now=LATER)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == before
    assert session.scalar(sa.select(Case.status).where(Case.code == code)) == "open"
