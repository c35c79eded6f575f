"""Draw-pool page: exclusions, the plan, freeze and commit (with confirmations), then the notice."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from meeting.models import Cadre, Event
from meeting.services.draw import pool as draw_pool
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster
from meeting.services.draw.sealing import secret_seed
from tests.admin_meetings_support import meeting_row, new_meeting, staff_client
from tests.helpers_roster import small_roster


@pytest.fixture
def admin(client, session):
    """A logged-in admin over the small roster: T01 城关街道 (1001, 1002), T02 许家湖镇 (1003, leader 1004)."""
    small_roster(session)
    return staff_client(client, session)


def draw_url(mid: int, step: str = "") -> str:
    return f"/admin/meetings/{mid}/draw" + (f"/{step}" if step else "")


def event_types(session, mid: int) -> list[str]:
    return list(session.scalars(sa.select(Event.type).where(Event.meeting_id == mid).order_by(Event.seq)))


def test_exclusions_are_added_with_a_reason_and_can_be_removed(admin, session):
    mid = new_meeting(session)
    response = admin.post(draw_url(mid, "exclusions"), data={"number": "1002", "reason": "病假"})
    assert response.status_code == 302
    admin.post(draw_url(mid, "exclusions"), data={"number": "１００３", "reason": "外出学习"})
    assert meeting_row(session, mid).exclusions == [{"number": 1002, "reason": "病假"},
                                                    {"number": 1003, "reason": "外出学习"}]
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    assert "李秀兰" in html and "病假" in html and "王建军" in html
    assert admin.post(draw_url(mid, "exclusions/remove"), data={"number": "1002"}).status_code == 302
    assert meeting_row(session, mid).exclusions == [{"number": 1003, "reason": "外出学习"}]
    assert event_types(session, mid) == ["exclusions_set"] * 3


@pytest.mark.parametrize("data, message", [
    ({"number": "1002", "reason": ""}, "needs a reason"),
    ({"number": "4242", "reason": "病假"}, "No cadre has the number 4242."),
    ({"number": "10x", "reason": "病假"}, "The cadre number must be digits only."),
    ({"number": "1001", "reason": "又一次"}, "Cadre 1001 is already excluded."),
])
def test_a_bad_exclusion_is_refused_and_the_list_stays(admin, session, data, message):
    mid = new_meeting(session)
    draw_pool.set_exclusions(session, mid, [{"number": 1001, "reason": "病假"}])
    response = admin.post(draw_url(mid, "exclusions"), data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert meeting_row(session, mid).exclusions == [{"number": 1001, "reason": "病假"}]


def test_a_plan_by_township_keeps_the_chosen_order_and_draws(admin, session):
    mid = new_meeting(session)
    response = admin.post(draw_url(mid, "plan"), data={
        "kind": "strata", "draws": "", "st_rows": "2",
        "st-0-code": "T01", "st-0-order": "2", "st-0-draws": "1",
        "st-1-code": "T02", "st-1-order": "1", "st-1-draws": "2"})
    assert response.status_code == 302
    assert meeting_row(session, mid).draw_plan == {
        "kind": "strata", "ranks": [], "strata": [{"key": "T02", "draws": 2}, {"key": "T01", "draws": 1}]}
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    order = re.findall(r'name="st-\d+-code" value="(T0\d)"', html)
    assert order == ["T02", "T01"]  # the form shows the saved order


def test_a_leaders_only_plan_is_a_filter_on_rank(admin, session):
    mid = new_meeting(session)
    assert admin.post(draw_url(mid, "plan"), data={"kind": "filter", "draws": "1",
                                                   "ranks": ["county_leader", "township_leader"]}).status_code == 302
    assert meeting_row(session, mid).draw_plan == {
        "kind": "filter", "ranks": ["county_leader", "township_leader"], "strata": [{"key": "*", "draws": 1}]}
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    assert "Only these ranks:" in html


@pytest.mark.parametrize("data, message", [
    ({"kind": "filter", "draws": "2"}, "Choose at least one rank to keep."),
    ({"kind": "whole", "draws": "0"}, "Enter a whole number from 1 to 1000000."),
    ({"kind": "strata", "st_rows": "1", "st-0-code": "T01", "st-0-draws": ""},
     "Give at least one township a number of draws."),
    ({"kind": "strata", "st_rows": "1", "st-0-code": "T99", "st-0-draws": "1"}, "No township has the code T99."),
    ({"kind": "lottery"}, "Choose how cadres are drawn."),
])
def test_a_bad_plan_is_refused_and_nothing_is_saved(admin, session, data, message):
    mid = new_meeting(session)
    response = admin.post(draw_url(mid, "plan"), data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert meeting_row(session, mid).draw_plan == {}


def test_the_page_warns_when_a_township_has_fewer_cadres_than_draws(admin, session):
    mid = new_meeting(session)
    admin.post(draw_url(mid, "plan"), data={"kind": "strata", "st_rows": "1", "st-0-code": "T01", "st-0-draws": "3"})
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    assert "fewer than the draws" in html
    response = admin.post(draw_url(mid, "freeze"), data={"confirm": "yes"})
    assert response.status_code == 400 and "has 2 cadres, fewer than its 3 draws" in response.get_data(as_text=True)
    assert meeting_row(session, mid).roster_hash == ""


def test_freezing_and_committing_need_a_confirmation(admin, session):
    mid = new_meeting(session)
    response = admin.post(draw_url(mid, "freeze"), data={})
    assert response.status_code == 400 and "Tick the confirmation box" in response.get_data(as_text=True)
    assert meeting_row(session, mid).roster_hash == ""
    admin.post(draw_url(mid, "freeze"), data={"confirm": "yes"})
    response = admin.post(draw_url(mid, "commit"), data={"confirm": "no"})
    assert response.status_code == 400 and meeting_row(session, mid).commitment == ""


def test_exclusions_plan_freeze_and_commit_flow_through_to_the_notice(admin, session):
    mid = new_meeting(session)
    admin.post(draw_url(mid, "exclusions"), data={"number": "1001", "reason": "病假"})
    admin.post(draw_url(mid, "plan"), data={"kind": "strata", "st_rows": "2", "st-0-code": "T01", "st-0-draws": "1",
                                            "st-1-code": "T02", "st-1-draws": "1"})
    response = admin.post(draw_url(mid, "freeze"), data={"confirm": "yes"})
    assert response.status_code == 302
    meeting = meeting_row(session, mid)
    assert meeting.roster_hash and meeting.pool_text.count("\n") == 3  # 1002, 1003, 1004
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    assert meeting.roster_hash in html and "Commit the seed" in html and 'name="st_rows"' not in html

    refused = admin.post(draw_url(mid, "exclusions"), data={"number": "1002", "reason": "迟到"})
    assert refused.status_code == 409 and "exclusions can no longer change" in refused.get_data(as_text=True)
    refused = admin.post(draw_url(mid, "plan"), data={"kind": "whole", "draws": "1"})
    assert refused.status_code == 409 and "the plan can no longer change" in refused.get_data(as_text=True)

    assert admin.post(draw_url(mid, "commit"), data={"confirm": "yes"}).status_code == 302
    meeting = meeting_row(session, mid)
    html = admin.get(draw_url(mid)).get_data(as_text=True)
    assert meeting.commitment in html and meeting.roster_hash in html
    assert f'href="/m/{mid}/notice"' in html and secret_seed(meeting) not in html
    again = admin.post(draw_url(mid, "commit"), data={"confirm": "yes"})
    assert again.status_code == 409 and meeting_row(session, mid).commitment == meeting.commitment
    assert event_types(session, mid) == ["exclusions_set", "pool_frozen", "seed_committed"]
    notice = admin.get(f"/m/{mid}/notice").get_data(as_text=True)
    assert meeting.commitment in notice and meeting.roster_hash in notice
    overview = admin.get(f"/admin/meetings/{mid}/").get_data(as_text=True)
    assert "Draw pool frozen: 3 cadres" in overview and "Seed committed" in overview


def test_a_generated_roster_is_frozen_whole_minus_the_exclusions(client, session):
    load_roster(session, generate_roster(scale=0.003, seed=7))
    staff_client(client, session)
    numbers = list(session.scalars(sa.select(Cadre.number).where(Cadre.active.is_(True)).order_by(Cadre.number)))
    mid = new_meeting(session, rounds_planned=3)
    client.post(draw_url(mid, "exclusions"), data={"number": str(numbers[0]), "reason": "借调"})
    html = client.get(draw_url(mid)).get_data(as_text=True)
    assert "No plan saved yet" in html
    assert client.post(draw_url(mid, "freeze"), data={"confirm": "yes"}).status_code == 302
    meeting = meeting_row(session, mid)
    assert meeting.draw_plan == {"kind": "whole", "ranks": [], "strata": [{"key": "*", "draws": 3}]}
    assert meeting.pool_text.count("\n") == len(numbers) - 1
    assert not meeting.pool_text.startswith(f"{numbers[0]}\t")


def test_ranks_ticked_with_the_whole_pool_make_a_filtered_pool(admin, session):
    mid = new_meeting(session)
    assert admin.post(draw_url(mid, "plan"), data={"kind": "whole", "draws": "1",
                                                   "ranks": ["county_leader"]}).status_code == 302
    assert meeting_row(session, mid).draw_plan["kind"] == "filter"
    assert re.search(r'value="filter" checked', admin.get(draw_url(mid)).get_data(as_text=True))
