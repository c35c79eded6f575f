"""Set-up for 回避 and anonymous seats: jurors' affiliations and declared relations, the setting."""
from __future__ import annotations

import pytest

from meeting.errors import UserError
from meeting.services.setup.meetings import add_juror, set_affiliations
from tests.admin_meetings_support import jurors_of, meeting_row, new_meeting, settings_form, staff_client


def test_a_juror_is_added_with_unit_township_village_and_declared_relations(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    response = client.post(f"/admin/meetings/{mid}/jurors", data={
        "name": "王志强", "category": "citizen_rep", "unit": " 县水利局 ", "township": "院东头镇",
        "village": "王庄村", "relations": "0261 配偶\n７ 表兄"})
    assert response.status_code == 302
    (juror,) = jurors_of(session, mid)
    assert (juror.unit, juror.township, juror.village) == ("县水利局", "院东头镇", "王庄村")
    assert juror.relations == [{"number": 261, "relation": "配偶"}, {"number": 7, "relation": "表兄"}]
    html = client.get(f"/admin/meetings/{mid}/jurors").get_data(as_text=True)
    assert "县水利局 · 院东头镇 · 王庄村" in html and "2 declared relation(s)" in html


@pytest.mark.parametrize("extra, message", [
    ({"village": "王庄村"}, "Give the township of the village too"),
    ({"relations": "配偶 0261"}, "Declared relations: one per line, the cadre number first"),
    ({"unit": "局" * 65}, "At most 64 characters, as in the roster."),
])
def test_bad_affiliations_are_refused_and_no_juror_is_added(client, session, extra, message):
    mid = new_meeting(session)
    staff_client(client, session)
    response = client.post(f"/admin/meetings/{mid}/jurors", data={"name": "张三", "category": "party_rep", **extra})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert jurors_of(session, mid) == []


def test_a_jurors_affiliations_can_be_changed_from_the_list(client, session):
    mid = new_meeting(session)
    juror = add_juror(session, mid, "刘桂兰", "citizen_rep")
    staff_client(client, session)
    url = f"/admin/meetings/{mid}/jurors/{juror.id}/affiliations"
    assert client.post(url, data={"unit": "县教育局", "township": "", "village": "", "relations": "12 同学"}).status_code == 302
    session.expire_all()
    (stored,) = jurors_of(session, mid)
    assert (stored.unit, stored.relations) == ("县教育局", [{"number": 12, "relation": "同学"}])
    bad = client.post(url, data={"unit": "", "township": "", "village": "王庄村", "relations": ""})
    assert bad.status_code == 400
    session.expire_all()
    assert jurors_of(session, mid)[0].unit == "县教育局"


def test_the_service_checks_affiliations_too(session):
    mid = new_meeting(session)
    juror = add_juror(session, mid, "孙丽", "citizen_rep", unit="县财政局",
                      relations=[{"number": 5, "relation": "叔侄"}])
    assert juror.relations == [{"number": 5, "relation": "叔侄"}]
    with pytest.raises(UserError) as refused:
        set_affiliations(session, juror.id, village="东庄")
    assert refused.value.code == "village_needs_township"


def test_anonymous_seats_are_set_on_the_settings_page(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    assert client.post(f"/admin/meetings/{mid}/settings", data=settings_form(anonymous_seats="1")).status_code == 302
    assert meeting_row(session, mid).anonymous_seats is True
    html = client.get(f"/admin/meetings/{mid}/settings").get_data(as_text=True)
    assert 'name="anonymous_seats" value="1" checked' in html
    assert client.post(f"/admin/meetings/{mid}/settings", data=settings_form()).status_code == 302
    session.expire_all()
    assert meeting_row(session, mid).anonymous_seats is False
