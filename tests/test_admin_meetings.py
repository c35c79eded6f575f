"""Meeting set-up pages: access rules, creating and editing a meeting, validation, the live lock, CSRF."""
from __future__ import annotations

import re

import pytest

from meeting.models import Meeting
from tests.admin_meetings_support import (TWO_CRITERIA, meeting_row, new_meeting, settings_form,
                                          staff_client)

PAGES = ("/admin/meetings/", "/admin/meetings/{id}/", "/admin/meetings/{id}/settings",
         "/admin/meetings/{id}/jurors", "/admin/meetings/{id}/jurors/print", "/admin/meetings/{id}/draw")


def stored_settings(meeting: Meeting) -> dict:
    return {k: getattr(meeting, k) for k in ("title", "date", "venue", "branch_venues", "rounds_planned", "quorum",
                                              "aggregation", "rubric", "grade_bands", "show_juror_names")}


def test_every_meeting_page_requires_a_log_in(client, session):
    mid = new_meeting(session)
    for page in PAGES + ("/admin/meetings/new",):
        response = client.get(page.format(id=mid))
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], page
    response = client.post("/admin/meetings/new", data=settings_form())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert session.query(Meeting).count() == 1


def test_a_moderator_can_look_at_every_page(client, session):
    mid = new_meeting(session)
    staff_client(client, session, role="moderator")
    for page in PAGES:
        response = client.get(page.format(id=mid))
        assert response.status_code == 200, page
    html = client.get(f"/admin/meetings/{mid}/settings").get_data(as_text=True)
    assert "only an administrator can change it" in html
    assert "Save settings" not in html and "<fieldset class=\"card\" disabled>" in html


def test_a_moderator_cannot_change_anything(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session, role="moderator")
    posts = [("/admin/meetings/new", settings_form()),
             (f"/admin/meetings/{mid}/settings", settings_form(title="改了")),
             (f"/admin/meetings/{mid}/jurors", {"name": "张三", "category": "party_rep"}),
             (f"/admin/meetings/{mid}/draw/exclusions", {"number": "1", "reason": "x"}),
             (f"/admin/meetings/{mid}/draw/plan", {"kind": "whole", "draws": "2"}),
             (f"/admin/meetings/{mid}/draw/freeze", {"confirm": "yes"}),
             (f"/admin/meetings/{mid}/draw/commit", {"confirm": "yes"})]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert session.query(Meeting).count() == 1
    assert stored_settings(meeting_row(session, mid)) == before
    assert meeting_row(session, mid).jurors == []


def test_the_new_meeting_form_starts_from_the_yishui_defaults(client, session):
    staff_client(client, session)
    html = client.get("/admin/meetings/new").get_data(as_text=True)
    assert 'name="crit_rows" value="4"' in html and 'value="走访联系户"' in html
    assert 'name="band_rows" value="4"' in html and 'value="优秀"' in html
    assert re.search(r'value="trimmed_mean" checked', html)
    assert "Full mark now: 100" in html


def test_creating_a_meeting_stores_every_setting(client, session):
    staff_client(client, session)
    response = client.post("/admin/meetings/new", data=settings_form(
        criteria=TWO_CRITERIA, aggregation="median", quorum="7", show_juror_names="1", rehearsal="1"))
    assert response.status_code == 302
    meeting = session.query(Meeting).one()
    assert response.headers["Location"].endswith(f"/admin/meetings/{meeting.id}/")
    assert meeting.title == "2026年干部作风现场直播调查大会" and meeting.date.isoformat() == "2026-05-20"
    assert meeting.venue == "县会堂" and meeting.branch_venues == ["许家湖镇分会场", "沂城街道分会场"]
    assert (meeting.rounds_planned, meeting.quorum, meeting.aggregation) == (8, 7, "median")
    assert meeting.show_juror_names and meeting.rehearsal and meeting.status == "setup"
    assert [c["key"] for c in meeting.rubric] == ["work", "voice"]
    assert meeting.rubric[1] == {**TWO_CRITERIA[1], "step": "0.5"}
    assert [b["key"] for b in meeting.grade_bands] == ["excellent", "qualified", "basically_qualified", "unqualified"]
    listing = client.get("/admin/meetings/").get_data(as_text=True)
    assert "2026年干部作风现场直播调查大会" in listing and "Rehearsal" in listing


def test_editing_the_settings_stores_the_new_values(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    bands = [{"key": "good", "label_zh": "好", "label_en": "Good", "min": "80"},
             {"key": "poor", "label_zh": "差", "label_en": "Poor", "min": "0"}]
    response = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(
        criteria=TWO_CRITERIA, bands=bands, title="新标题", venue="文化中心", date="", aggregation="mean",
        quorum="4", rounds_planned="12", branch_venues=""))
    assert response.status_code == 302
    meeting = meeting_row(session, mid)
    assert (meeting.title, meeting.venue, meeting.date, meeting.branch_venues) == ("新标题", "文化中心", None, [])
    assert (meeting.aggregation, meeting.quorum, meeting.rounds_planned) == ("mean", 4, 12)
    assert [c["key"] for c in meeting.rubric] == ["work", "voice"]
    assert meeting.grade_bands == bands
    html = client.get(f"/admin/meetings/{mid}/settings").get_data(as_text=True)
    assert 'value="新标题"' in html and 'value="群众评价"' in html and 'value="80"' in html


def test_full_width_digits_from_a_chinese_keyboard_are_read_as_numbers(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    criteria = [{**c, "max": "３０" if c["key"] == "work" else c["max"]} for c in TWO_CRITERIA]
    assert client.post(f"/admin/meetings/{mid}/settings",
                       data=settings_form(criteria=criteria, quorum="６")).status_code == 302
    meeting = meeting_row(session, mid)
    assert meeting.quorum == 6 and meeting.rubric[0]["max"] == "30"


@pytest.mark.parametrize("change, field, message", [
    ({"quorum": "0"}, "quorum", "Enter a whole number from 1 to 99."),
    ({"quorum": "五"}, "quorum", "Enter a whole number from 1 to 99."),
    ({"rounds_planned": "-3"}, "rounds_planned", "Enter a whole number from 1 to 200."),
    ({"title": "  "}, "title", "Enter a title of 1 to 200 characters."),
    ({"date": "2026-13-01"}, "date", "Enter the date as YYYY-MM-DD."),
    ({"aggregation": "max"}, None, "Choose one of the aggregation rules."),
])
def test_a_bad_basic_field_is_marked_and_nothing_is_saved(client, session, change, field, message):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    response = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(**{"title": "不该保存", **change}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and "Nothing was saved" in html
    if field:
        assert re.search(rf'name="{field}"[^>]*class="[^"]*has-error', html, re.S)
    assert stored_settings(meeting_row(session, mid)) == before


def test_weights_that_do_not_make_the_full_mark_are_refused(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    criteria = [{**TWO_CRITERIA[0], "weight": "1"}, TWO_CRITERIA[1]]  # 30 + 40 = 70
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(criteria=criteria)).get_data(as_text=True)
    assert "The full mark (the sum of weight × max) must be 100; it is now 70." in html
    assert "Full mark now: 70" in html
    assert stored_settings(meeting_row(session, mid)) == before


@pytest.mark.parametrize("row, cell, message", [
    ({"max": "0"}, "max", "Must be greater than the minimum."),
    ({"key": "Voice!"}, "key", "Use lowercase letters, digits and _, starting with a letter."),
    ({"key": "work"}, "key", "This key is used twice."),
    ({"label_zh": ""}, "label_zh", "Required."),
    ({"step": "0.3"}, "step", "Max minus min must be a whole number of steps."),
    ({"weight": "abc"}, "weight", "Not a plain number"),
])
def test_a_bad_rubric_cell_is_marked_next_to_the_table_and_nothing_is_saved(client, session, row, cell, message):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    criteria = [TWO_CRITERIA[0], {**TWO_CRITERIA[1], **row}]
    response = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(criteria=criteria, title="不该保存"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'name="crit-1-{cell}"[^>]*class="[^"]*has-error[^>]*>\s*<span class="field-error"[^>]*>'
                     rf'{re.escape(message)}', html, re.S), html[html.find("rubric-table"):][:3000]
    assert "Correct the marked cell." in html
    assert stored_settings(meeting_row(session, mid)) == before


def test_bad_grade_bands_are_refused(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    bands = [{"key": "good", "label_zh": "好", "min": "60"}, {"key": "better", "label_zh": "更好", "min": "80"},
             {"key": "poor", "label_zh": "差", "min": "0"}]
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(bands=bands)).get_data(as_text=True)
    assert "Each band must start lower than the band above it." in html
    assert re.search(r'name="band-1-min"[^>]*has-error', html)
    bands = [{"key": "good", "label_zh": "好", "min": "60"}]
    html = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(bands=bands)).get_data(as_text=True)
    assert "The lowest band must start at 0." in html
    assert stored_settings(meeting_row(session, mid)) == before


def test_adding_and_removing_rows_redraws_the_form_without_saving(client, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    form = settings_form(criteria=TWO_CRITERIA, title="未保存", op="add_crit")
    html = client.post(f"/admin/meetings/{mid}/settings", data=form).get_data(as_text=True)
    assert 'name="crit_rows" value="3"' in html and 'name="crit-2-key" value=""' in html
    assert 'value="未保存"' in html  # what was typed is kept
    html = client.post(f"/admin/meetings/{mid}/settings",
                       data={**form, "op": "remove_crit:0"}).get_data(as_text=True)
    assert 'name="crit_rows" value="1"' in html and 'name="crit-0-key" value="voice"' in html
    html = client.post(f"/admin/meetings/{mid}/settings", data={**form, "op": "add_band"}).get_data(as_text=True)
    assert 'name="band_rows" value="5"' in html
    assert stored_settings(meeting_row(session, mid)) == before


def test_empty_rubric_rows_are_ignored_on_save(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    criteria = TWO_CRITERIA + [{k: "" for k in TWO_CRITERIA[0]}]
    assert client.post(f"/admin/meetings/{mid}/settings", data=settings_form(criteria=criteria)).status_code == 302
    assert len(meeting_row(session, mid).rubric) == 2


def test_the_rubric_rule_and_quorum_are_locked_once_the_meeting_is_live(client, session):
    mid = new_meeting(session)
    meeting = meeting_row(session, mid)
    meeting.status = "live"
    session.commit()
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)

    html = client.get(f"/admin/meetings/{mid}/settings").get_data(as_text=True)
    assert "the rubric, grade bands, rule and quorum are fixed" in html
    assert html.count("<fieldset") == 2 and html.count("disabled>") == 1

    response = client.post(f"/admin/meetings/{mid}/settings",
                           data=settings_form(criteria=TWO_CRITERIA, quorum="3", aggregation="median"))
    assert response.status_code == 409
    assert "The meeting is live: the rubric, grade bands, rule and quorum can no longer change." in \
        response.get_data(as_text=True)
    assert stored_settings(meeting_row(session, mid)) == before

    basics = {k: v for k, v in settings_form(title="直播中改标题").items()
              if not k.startswith(("crit", "band")) and k not in ("quorum", "aggregation")}
    assert client.post(f"/admin/meetings/{mid}/settings", data=basics).status_code == 302
    after = meeting_row(session, mid)
    assert after.title == "直播中改标题"
    assert (after.rubric, after.quorum, after.aggregation) == \
        (before["rubric"], before["quorum"], before["aggregation"])


def test_an_unknown_meeting_is_a_404_page(client, session):
    staff_client(client, session)
    for page in PAGES[1:]:
        response = client.get(page.format(id=999))
        assert response.status_code == 404 and "There is no such meeting" in response.get_data(as_text=True)


def test_the_overview_lists_the_screens_for_the_day_on_the_public_address(client, app, session):
    app.config["PUBLIC_BASE_URL"] = "http://10.0.0.5:8000/"
    mid = new_meeting(session)
    staff_client(client, session)
    html = client.get(f"/admin/meetings/{mid}/").get_data(as_text=True)
    for path in (f"/console/{mid}", f"/m/{mid}/projector", f"/m/{mid}/viewer", f"/m/{mid}/overlay",
                 f"/m/{mid}/notice"):
        assert f'href="{path}"' in html and f"http://10.0.0.5:8000{path}" in html
    assert "<svg" in html  # the viewer's QR code
    assert "0 active jurors (quorum 3)" in html and "Not ready yet" in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, app, session):
    mid = new_meeting(session)
    before = stored_settings(meeting_row(session, mid))
    staff_client(client, session)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/admin/meetings/{mid}/settings", data=settings_form(title="伪造"))
    assert response.status_code == 400
    assert client.post("/admin/meetings/new", data=settings_form()).status_code == 400
    assert client.post(f"/admin/meetings/{mid}/jurors", data={"name": "张三", "category": "other"}).status_code == 400
    assert stored_settings(meeting_row(session, mid)) == before
    assert session.query(Meeting).count() == 1 and meeting_row(session, mid).jurors == []

    page = client.get(f"/admin/meetings/{mid}/settings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/meetings/{mid}/settings", data={**settings_form(title="真的"), "csrf_token": token})
    assert response.status_code == 302 and meeting_row(session, mid).title == "真的"
