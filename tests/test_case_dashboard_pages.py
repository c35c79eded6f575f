"""The dashboard and the case page through HTTP: filters, counts, overdue in red, paging, actions
with their refusals shown in words and nothing changed."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from meeting.models.cases import Case, CaseEvent
from meeting.services import followup
from tests.admin_meetings_support import staff_client
from tests.cases_support import county

LATER = dt.datetime(2026, 4, 1, 3, 0)


@pytest.fixture
def world(session):
    return county(session, per_township=3)


def _codes(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


def test_the_dashboard_filters_by_status_and_township_and_counts_per_status(client, session, world):
    followup.reply(session, world.codes[0], "已整改", actor="user:1", now=LATER)
    followup.reply(session, world.codes[3], "已整改", actor="user:1", now=LATER)
    staff_client(client, session, role="case_officer")
    html = client.get("/cases").get_data(as_text=True)
    assert _codes(html) == world.codes
    assert re.search(r'data-count="replied">[^<]*<strong>2</strong>', html)
    assert re.search(r'data-count="open">[^<]*<strong>4</strong>', html)
    assert _codes(client.get("/cases?status=replied").get_data(as_text=True)) == [world.codes[0], world.codes[3]]
    town = world.townships["院东头镇"].id
    assert _codes(client.get(f"/cases?status=replied&township={town}").get_data(as_text=True)) == [world.codes[3]]
    assert _codes(client.get("/cases?unit=泉庄镇党委").get_data(as_text=True)) == world.codes[:3]


def test_an_overdue_case_is_first_and_marked_red(client, session, world):
    followup.tick(session, now=dt.datetime(2026, 4, 12, 3, 0))
    followup.reply(session, world.codes[0], "已整改", actor="user:1", now=dt.datetime(2026, 4, 12, 4, 0))
    staff_client(client, session, role="admin")
    html = client.get("/cases").get_data(as_text=True)
    rows = re.findall(r'<tr class="case-row( case-row-overdue)?" data-case="([^"]+)"', html)
    # On 12 April all six are past their reply due day; the one replied (late) is no longer overdue.
    assert [code for red, code in rows if red] == world.codes[1:]
    assert [code for red, code in rows if not red] == [world.codes[0]]
    assert rows[-1][1] == world.codes[0]


def test_the_dashboard_pages_large_lists(client, session, world):
    staff_client(client, session, role="admin")
    first = client.get("/cases?per_page=4").get_data(as_text=True)
    second = client.get("/cases?per_page=4&page=2").get_data(as_text=True)
    assert _codes(first) + _codes(second) == world.codes and 'rel="next"' in first and 'rel="prev"' in second


def test_an_action_on_the_case_page_moves_the_case_and_shows_in_its_timeline(client, session, world):
    code = world.codes[0]
    staff_client(client, session, role="case_officer")
    assert client.post(f"/cases/{code}/act", data={"action": "override_close", "reason": "住户已迁出"}).status_code == 302
    html = client.get(f"/cases/{code}?lang=en").get_data(as_text=True)
    assert 'data-event="case_closed_by_override"' in html and "住户已迁出" in html
    assert 'data-action="reopen"' in html and 'data-action="reply"' not in html


@pytest.mark.parametrize("data,words,status", [
    ({"action": "override_close", "reason": ""}, "Give a reason: it is kept in the log.", 400),
    ({"action": "start_return_visit"}, "cannot do", 409),
    ({"action": "delete_everything"}, "is not an action of the case page", 400),
    ({"action": "reply", "reason": "ok", "proposed": "tomorrow"}, "must be a date (YYYY-MM-DD)", 400),
])
def test_bad_input_on_the_case_page_is_refused_in_words_and_changes_nothing(client, session, world, data, words,
                                                                             status):
    code = world.codes[0]
    staff_client(client, session, role="case_officer")
    before = session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    resp = client.post(f"/cases/{code}/act?lang=en", data=data)
    assert resp.status_code == status and words in resp.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == before
    assert session.scalar(sa.select(Case.status).where(Case.code == code)) == "open"


def test_an_unknown_case_is_a_404(client, session, world):
    staff_client(client, session, role="admin")
    assert client.get("/cases/2099-01-01-R1-01").status_code == 404
    assert client.post("/cases/2099-01-01-R1-01/act", data={"action": "reply", "reason": "x"}).status_code == 404
