"""The set-up forms: their ranges are the ones the services and the scoring core enforce, and
every out-of-range field is marked where it is typed while nothing changes."""
from __future__ import annotations

import re

import pytest

from meeting.errors import UserError
from meeting.services.setup.meetings import add_juror, create_meeting
from meeting.views.admin_meetings.forms import JUROR_NAME_MAX, PIN_DIGITS
from meeting.views.admin_meetings.forms_draw import MAX_ORDER
from meeting.views.admin_meetings.forms_settings import ROUNDS_RANGE, TITLE_MAX
from scoring.aggregate import BAND_MIN_RANGE, MAX_BANDS, QUORUM_RANGE
from scoring.pool import MAX_DRAWS_PER_STRATUM
from scoring.rubric import MAX_CRITERIA, MAX_STEPS
from tests.admin_meetings_support import (TWO_CRITERIA, jurors_of, meeting_row, new_meeting, settings_form,
                                          staff_client)
from tests.helpers_roster import small_roster
from tests.test_admin_meetings import stored_settings


def _service_accepts(session, **settings) -> bool:
    try:
        create_meeting(session, {"title": "边界", **settings})
    except UserError:
        session.rollback()
        return False
    return True


@pytest.mark.parametrize("name, bounds", [("quorum", QUORUM_RANGE), ("rounds_planned", ROUNDS_RANGE)])
def test_the_number_ranges_of_the_settings_form_are_the_ones_the_service_enforces(app, session, name, bounds):
    low, high = bounds
    assert _service_accepts(session, **{name: low}) and _service_accepts(session, **{name: high})
    assert not _service_accepts(session, **{name: low - 1}) and not _service_accepts(session, **{name: high + 1})


def test_the_title_limit_of_the_settings_form_is_the_one_the_service_enforces(app, session):
    assert _service_accepts(session, title="题" * TITLE_MAX)
    assert not _service_accepts(session, title="题" * (TITLE_MAX + 1))


def test_the_juror_limits_of_the_juror_form_are_the_ones_the_service_enforces(app, session):
    mid = new_meeting(session)
    add_juror(session, mid, "名" * JUROR_NAME_MAX, "other", "1" * PIN_DIGITS[0])
    add_juror(session, mid, "名", "other", "1" * PIN_DIGITS[1])
    for name, pin in (("名" * (JUROR_NAME_MAX + 1), None), ("名", "1" * (PIN_DIGITS[0] - 1)),
                      ("名", "1" * (PIN_DIGITS[1] + 1))):
        with pytest.raises(UserError):
            add_juror(session, mid, name, "other", pin)
        session.rollback()
    assert len(jurors_of(session, mid)) == 2


def cell_marked(html: str, name: str, message: str) -> bool:
    """Whether the input `name` has the error class and `message` right after it."""
    return re.search(rf'name="{re.escape(name)}"[^>]*class="[^"]*has-error[^>]*>\s*<span class="field-error"[^>]*>'
                     rf'{re.escape(message)}', html, re.S) is not None


@pytest.mark.parametrize("change, field, message", [
    ({"quorum": str(QUORUM_RANGE[1] + 1)}, "quorum", f"Enter a whole number from 1 to {QUORUM_RANGE[1]}."),
    ({"rounds_planned": str(ROUNDS_RANGE[1] + 1)}, "rounds_planned",
     f"Enter a whole number from 1 to {ROUNDS_RANGE[1]}."),
    ({"title": "题" * (TITLE_MAX + 1)}, "title", "Enter a title of 1 to 200 characters."),
])
def test_each_out_of_range_setting_shows_its_error_and_changes_nothing(client, session, change, field, message):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    response = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(**change))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and cell_marked(html, field, message)
    assert stored_settings(meeting_row(session, mid)) == before


def test_a_band_starting_above_the_full_mark_is_marked_on_its_cell(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    bands = [{"key": "top", "label_zh": "顶", "min": str(BAND_MIN_RANGE[1] + 1)},
             {"key": "rest", "label_zh": "余", "min": "0"}]
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(bands=bands)).get_data(as_text=True)
    assert cell_marked(html, "band-0-min", "A number from 0 to 100.")
    assert stored_settings(meeting_row(session, mid)) == before


def test_a_step_giving_too_many_choices_names_the_core_limit(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    criteria = [{"key": "all", "label_zh": "全部", "weight": "1", "min": "0", "max": "100", "step": "0.01"}]
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(criteria=criteria)).get_data(as_text=True)
    assert cell_marked(html, "crit-0-step", f"Too many steps between min and max (at most {MAX_STEPS}).")


def test_too_many_rubric_rows_or_bands_are_refused_with_the_core_limits(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    criteria = [{"key": f"k{i}", "label_zh": "项", "max": "1"} for i in range(MAX_CRITERIA + 1)]
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(criteria=criteria)).get_data(as_text=True)
    assert f"A rubric has 1 to {MAX_CRITERIA} criteria." in html
    bands = [{"key": f"b{i}", "label_zh": "等", "min": str(MAX_BANDS - i)} for i in range(MAX_BANDS)]
    bands.append({"key": "last", "label_zh": "末", "min": "0"})
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(bands=bands)).get_data(as_text=True)
    assert f"There are 1 to {MAX_BANDS} grade bands." in html
    assert stored_settings(meeting_row(session, mid)) == before


def test_no_more_rows_are_added_than_the_core_accepts(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    criteria = [{"key": f"k{i}", "label_zh": "项", "max": "1"} for i in range(MAX_CRITERIA)]
    html = client.post(f"/admin/meetings/{mid}/settings",
                       data=settings_form(criteria=criteria, op="add_crit")).get_data(as_text=True)
    assert f'name="crit_rows" value="{MAX_CRITERIA}"' in html


def test_rubric_rows_posted_with_gaps_in_their_numbers_are_read_in_order(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    form = settings_form(criteria=TWO_CRITERIA)
    form = {re.sub(r"^crit-1-", "crit-5-", k): v for k, v in form.items()}
    assert client.post(f"/admin/meetings/{mid}/settings", data=form).status_code == 302
    assert [c["key"] for c in meeting_row(session, mid).rubric] == ["work", "voice"]


def test_removing_a_row_renumbers_the_rows_below(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    html = client.post(f"/admin/meetings/{mid}/settings",
                       data=settings_form(op="remove_band:1")).get_data(as_text=True)
    assert 'name="band_rows" value="3"' in html
    assert re.findall(r'name="band-(\d)-key" value="(\w+)"', html) == [
        ("0", "excellent"), ("1", "basically_qualified"), ("2", "unqualified")]


@pytest.mark.parametrize("cell, value, message", [
    ("order", str(MAX_ORDER + 1), f"Enter a whole number from 1 to {MAX_ORDER}."),
    ("draws", str(MAX_DRAWS_PER_STRATUM + 1), f"Enter a whole number from 0 to {MAX_DRAWS_PER_STRATUM}."),
    ("draws", "两", f"Enter a whole number from 0 to {MAX_DRAWS_PER_STRATUM}."),
])
def test_an_out_of_range_township_cell_is_marked_and_no_plan_is_saved(client, session, cell, value, message):
    small_roster(session)
    staff_client(client, session)
    mid = new_meeting(session)
    data = {"kind": "strata", "st_rows": "2", "st-0-code": "T01", "st-0-order": "1", "st-0-draws": "1",
            "st-1-code": "T02", "st-1-order": "2", "st-1-draws": "1", f"st-1-{cell}": value}
    response = client.post(f"/admin/meetings/{mid}/draw/plan", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The plan was not saved" in html
    assert re.search(rf'name="st-1-{cell}"[^>]*has-error[^>]*>\s*<span class="field-error"[^>]*>{re.escape(message)}',
                     html, re.S)
    assert meeting_row(session, mid).draw_plan == {}


def test_whole_pool_draws_above_the_core_limit_are_refused(client, session):
    staff_client(client, session)
    mid = new_meeting(session)
    response = client.post(f"/admin/meetings/{mid}/draw/plan",
                           data={"kind": "whole", "draws": str(MAX_DRAWS_PER_STRATUM + 1)})
    assert response.status_code == 400
    assert cell_marked(response.get_data(as_text=True), "draws",
                       f"Enter a whole number from 1 to {MAX_DRAWS_PER_STRATUM}.")
    assert meeting_row(session, mid).draw_plan == {}


@pytest.mark.parametrize("data, field, message", [
    ({"name": "名" * (JUROR_NAME_MAX + 1), "category": "other"}, "name",
     "Enter the name of the juror (1 to 64 characters)."),
    ({"name": "张三", "category": "other", "pin": "1" * (PIN_DIGITS[1] + 1)}, "pin", "A PIN is 4 to 8 digits."),
])
def test_a_bad_juror_field_is_marked_and_the_category_stays_chosen(client, session, data, field, message):
    staff_client(client, session)
    mid = new_meeting(session)
    response = client.post(f"/admin/meetings/{mid}/jurors", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and cell_marked(html, field, message)
    assert 'value="other" selected' in html
    assert jurors_of(session, mid) == []


def test_a_live_meeting_checks_only_the_basics_it_was_sent_and_shows_the_fixed_rubric(client, session):
    mid = new_meeting(session)
    meeting = meeting_row(session, mid)
    meeting.status = "live"
    session.commit()
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    basics = {k: v for k, v in settings_form(rounds_planned=str(ROUNDS_RANGE[1] + 1)).items()
              if not k.startswith(("crit", "band")) and k not in ("quorum", "aggregation")}
    response = client.post(f"/admin/meetings/{mid}/settings", data=basics)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert cell_marked(html, "rounds_planned", f"Enter a whole number from 1 to {ROUNDS_RANGE[1]}.")
    assert 'value="走访联系户"' in html and f'name="quorum" value="{before["quorum"]}"' in html
    assert "Correct the marked cell." not in html
    assert stored_settings(meeting_row(session, mid)) == before
