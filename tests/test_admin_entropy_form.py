"""The draw page declares the live-entropy sources (before the commitment), lists them in their
canonical form, and locks them once the seed is committed; the notice prints them."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from meeting.models import Event
from meeting.services.draw import pool as draw_pool
from tests.admin_meetings_support import meeting_row, new_meeting, staff_client
from tests.helpers_roster import small_roster

DICE = {"label": "骰子", "kind": "dice", "count": "5", "supplier": "县人大代表现场掷骰"}
LOTTERY = {"label": "福彩3D", "kind": "digits", "count": "3", "supplier": "2026年3月24日福彩3D开奖号码"}


@pytest.fixture
def frozen(client, session) -> int:
    """A logged-in admin and a meeting whose pool is frozen (seed not committed)."""
    small_roster(session)
    staff_client(client, session)
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, {"kind": "whole", "draws": 2}, [], "organiser")
    return mid


def _url(mid: int, step: str = "") -> str:
    return f"/admin/meetings/{mid}/draw" + (f"/{step}" if step else "")


def _declared_events(session, mid: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.meeting_id == mid, Event.type == "entropy_declared"))


def test_sources_are_added_in_order_and_listed_with_their_canonical_form(client, session, frozen):
    mid = frozen
    assert client.post(_url(mid, "entropy"), data=DICE).status_code == 302
    response = client.post(_url(mid, "entropy"), data={**LOTTERY, "count": "３"})  # full-width digit
    assert response.status_code == 302 and response.headers["Location"].endswith("#entropy")
    assert meeting_row(session, mid).entropy_sources == [
        {"label": "骰子", "kind": "dice", "count": 5, "supplier": "县人大代表现场掷骰"},
        {"label": "福彩3D", "kind": "digits", "count": 3, "supplier": "2026年3月24日福彩3D开奖号码"}]
    assert _declared_events(session, mid) == 2
    html = client.get(_url(mid)).get_data(as_text=True)
    assert 'id="entropy"' in html and "Entropy source 福彩3D declared." in html
    assert re.findall(r'<code class="canonical">([^<]*)</code>', html) == ["3 5 1 6 2", "7 0 3"]
    assert "5 dice: 5 digits 1–6, one space between" in html and "3 digits 0–9, one space between" in html
    assert 'action="/admin/meetings/%d/draw/entropy"' % mid in html


def test_a_source_can_be_removed_before_the_commitment(client, session, frozen):
    mid = frozen
    client.post(_url(mid, "entropy"), data=DICE)
    client.post(_url(mid, "entropy"), data=LOTTERY)
    assert client.post(_url(mid, "entropy/remove"), data={"label": "骰子"}).status_code == 302
    assert [x["label"] for x in meeting_row(session, mid).entropy_sources] == ["福彩3D"]
    unknown = client.post(_url(mid, "entropy/remove"), data={"label": "没有"})
    assert unknown.status_code == 400 and "No declared entropy source is called 没有." in unknown.get_data(as_text=True)
    last = client.post(_url(mid, "entropy/remove"), data={"label": "福彩3D"})
    assert last.status_code == 400 and "Declare at least one entropy source." in last.get_data(as_text=True)
    assert [x["label"] for x in meeting_row(session, mid).entropy_sources] == ["福彩3D"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"label": ""}, "label", "Name the source"),
    ({"kind": "coins"}, "kind", "Choose dice or digits."),
    ({"count": "0"}, "count", "Enter a whole number from 1 to 64."),
    ({"count": "65"}, "count", "Enter a whole number from 1 to 64."),
    ({"supplier": " "}, "supplier", "Say who supplies the value"),
])
def test_a_bad_field_is_marked_and_nothing_is_declared(client, session, frozen, change, field, message):
    mid = frozen
    response = client.post(_url(mid, "entropy"), data={**DICE, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert re.search(rf'name="{field}"[^>]*class="[^"]*has-error', html) or \
        re.search(rf'<select name="{field}" class="has-error"', html)
    assert meeting_row(session, mid).entropy_sources is None and _declared_events(session, mid) == 0


def test_the_service_refusal_is_shown_in_the_page(client, session, frozen):
    mid = frozen
    client.post(_url(mid, "entropy"), data=DICE)
    again = client.post(_url(mid, "entropy"), data={**DICE, "supplier": "别人"})  # the same label twice
    assert again.status_code == 400 and "labels must be distinct" in again.get_data(as_text=True)
    colon = client.post(_url(mid, "entropy"), data={**LOTTERY, "label": "a:b"})
    assert colon.status_code == 400
    assert len(meeting_row(session, mid).entropy_sources) == 1 and _declared_events(session, mid) == 1


def test_the_sources_lock_once_the_seed_is_committed_and_the_notice_prints_them(client, session, frozen):
    mid = frozen
    client.post(_url(mid, "entropy"), data=DICE)
    assert client.post(_url(mid, "commit"), data={"confirm": "yes"}).status_code == 302
    html = client.get(_url(mid)).get_data(as_text=True)
    assert "The seed is committed: these sources are fixed." in html
    assert 'action="/admin/meetings/%d/draw/entropy"' % mid not in html
    assert 'action="/admin/meetings/%d/draw/entropy/remove"' % mid not in html
    for url, data in ((_url(mid, "entropy"), LOTTERY), (_url(mid, "entropy/remove"), {"label": "骰子"})):
        refused = client.post(url, data=data)
        assert refused.status_code == 409 and "the declared entropy sources can no longer change" in \
            refused.get_data(as_text=True)
    assert [x["label"] for x in meeting_row(session, mid).entropy_sources] == ["骰子"]
    notice = client.get(f"/m/{mid}/notice?lang=en").get_data(as_text=True)
    assert "骰子" in notice and "县人大代表现场掷骰" in notice and "3 5 1 6 2" in notice


def test_a_moderator_sees_the_sources_but_may_not_declare(client, session):
    small_roster(session)
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, {"kind": "whole", "draws": 2}, [], "organiser")
    staff_client(client, session, role="moderator")
    assert client.post(_url(mid, "entropy"), data=DICE).status_code == 403
    html = client.get(_url(mid)).get_data(as_text=True)
    assert 'id="entropy"' in html and 'action="/admin/meetings/%d/draw/entropy"' % mid not in html
    assert meeting_row(session, mid).entropy_sources is None


def test_a_post_without_the_csrf_token_is_refused(client, app, session, frozen):
    mid = frozen
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(_url(mid, "entropy"), data=DICE).status_code == 400
    assert client.post(f"/admin/meetings/{mid}/moderators", data={"username": "x"}).status_code == 400
    assert meeting_row(session, mid).entropy_sources is None
    page = client.get(_url(mid)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(_url(mid, "entropy"), data={**DICE, "csrf_token": token}).status_code == 302
    assert len(meeting_row(session, mid).entropy_sources) == 1
