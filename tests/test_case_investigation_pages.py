"""An investigation case through HTTP: the staff page shows the team and its forms, adds and removes
members, records findings, clears or confirms (opening the penalty case), accepts a penalty
case's outcome; refusals are shown in words and change nothing; the public page shows the team by
role and count only."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from meeting.models import Decision, Round
from meeting.models.cases import Case, CaseEvent
from meeting.services import followup
from tests.admin_meetings_support import staff_client
from tests.cases_support import DECIDED_AT, county

TEAM = [{"name": "刘纪检", "role": "discipline_inspector"}, {"name": "赵群众", "role": "citizen_rep"}]


@pytest.fixture
def code(session) -> str:
    """An investigation decided in the county's first round (besides its rectification case)."""
    world = county(session, per_township=1)
    rnd = session.scalar(sa.select(Round).order_by(Round.id))
    decision = Decision(round_id=rnd.id, kind="investigation", actor="moderator", created_at=DECIDED_AT,
                        detail={"reason": "走访户数不符", "team": TEAM, "report_by": None, "note": ""})
    session.add(decision)
    session.commit()
    case = followup.create_case_from_decision(session, decision.id, actor="moderator", now=DECIDED_AT)
    assert case.code not in world.codes
    return case.code


def _events(session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))


def _status(session, code: str) -> str:
    session.expire_all()
    return session.scalar(sa.select(Case.status).where(Case.code == code))


def _actions(html: str) -> list[str]:
    return re.findall(r'class="case-action" data-action="([^"]+)"', html)


def test_the_case_page_shows_the_team_with_its_forms_and_offers_record_findings(client, session, code):
    staff_client(client, session, role="case_officer")
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert 'data-member="刘纪检" data-role="discipline_inspector"' in html and "Discipline inspector" in html
    assert 'id="team-add"' in html and '<option value="cppcc_member">CPPCC member</option>' in html
    assert html.count('name="csrf_token"') >= 4
    assert _actions(html) == ["record_findings"]


def test_staff_add_and_remove_a_member_through_the_page(client, session, code):
    staff_client(client, session, role="case_officer")
    resp = client.post(f"/cases/{code}/team", data={"name": "周委员", "role": "cppcc_member"})
    assert resp.status_code == 302
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert 'data-member="周委员" data-role="cppcc_member"' in html and 'data-event="case_team_member_added"' in html
    resp = client.post(f"/cases/{code}/team", data={"op": "remove", "name": "周委员", "role": "cppcc_member"})
    assert resp.status_code == 302
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert 'data-member="周委员"' not in html and 'data-event="case_team_member_removed"' in html


@pytest.mark.parametrize("data,words,status", [
    ({"name": "", "role": "deputy"}, "Give the member&#39;s name.", 400),
    ({"name": "名" * 65, "role": "deputy"}, "at most 64 characters", 400),
    ({"name": "周委员", "role": "mayor"}, "Choose the member&#39;s role from the list.", 400),
    ({"name": "刘纪检", "role": "deputy"}, "刘纪检 is already on the team.", 400),
    ({"op": "remove", "name": "刘纪检", "role": "discipline_inspector"},
     "must keep at least one discipline inspector and one citizen representative", 400),
])
def test_a_bad_team_change_is_refused_in_words_and_changes_nothing(client, session, code, data, words, status):
    staff_client(client, session, role="admin")
    before = _events(session)
    resp = client.post(f"/cases/{code}/team", data=data)
    assert resp.status_code == status and words in resp.get_data(as_text=True)
    assert _events(session) == before
    assert session.scalar(sa.select(Case.team).where(Case.code == code)) is None


def test_findings_then_confirm_opens_the_penalty_case_and_freezes_the_team(client, session, code):
    staff_client(client, session, role="case_officer")
    assert client.post(f"/cases/{code}/act", data={"action": "record_findings",
                                                    "reason": "31 户只走访 13 户"}).status_code == 302
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert _actions(html) == ["clear", "confirm"] and "31 户只走访 13 户" in html
    assert client.post(f"/cases/{code}/act", data={"action": "confirm", "reason": "弄虚作假属实"}).status_code == 302
    assert _status(session, code) == "confirmed" and _status(session, code + "-P1") == "open"
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert _actions(html) == [] and 'id="team-add"' not in html and 'class="team-remove"' not in html
    before = _events(session)
    resp = client.post(f"/cases/{code}/team", data={"name": "周委员", "role": "cppcc_member"})
    assert resp.status_code == 409 and "can be changed only until" in resp.get_data(as_text=True)
    assert _events(session) == before


def test_findings_then_clear_closes_the_case(client, session, code):
    staff_client(client, session, role="case_officer")
    client.post(f"/cases/{code}/act", data={"action": "record_findings", "reason": "走访记录齐全"})
    assert client.post(f"/cases/{code}/act", data={"action": "clear", "reason": "反映不属实"}).status_code == 302
    assert _status(session, code) == "cleared"
    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert 'data-event="case_cleared"' in html and "反映不属实" in html


@pytest.mark.parametrize("data,words,status", [
    ({"action": "record_findings", "reason": ""}, "Give a reason: it is kept in the log.", 400),
    ({"action": "clear", "reason": "反映不属实"}, "cannot do", 409),
    ({"action": "accept_outcome", "reason": "同意"}, "cannot do", 409),
])
def test_a_bad_action_on_an_investigation_is_refused_and_changes_nothing(client, session, code, data, words, status):
    staff_client(client, session, role="case_officer")
    before = _events(session)
    resp = client.post(f"/cases/{code}/act", data=data)
    assert resp.status_code == status and words in resp.get_data(as_text=True)
    assert _events(session) == before and _status(session, code) == "team_formed"


def test_the_penalty_case_outcome_is_accepted_from_its_page(client, session, code):
    staff_client(client, session, role="admin")
    client.post(f"/cases/{code}/act", data={"action": "record_findings", "reason": "问卷代签"})
    client.post(f"/cases/{code}/act", data={"action": "confirm", "reason": "弄虚作假属实"})
    penalty = code + "-P1"
    client.post(f"/cases/{penalty}/act", data={"action": "reply", "reason": "给予党内警告处分"})
    html = client.get(f"/cases/{penalty}").get_data(as_text=True)
    assert _actions(html) == ["accept_outcome", "reopen"] and "Investigation team" not in html
    before = _events(session)
    resp = client.post(f"/cases/{penalty}/act", data={"action": "accept_outcome", "reason": " "})
    assert resp.status_code == 400 and "Give a reason" in resp.get_data(as_text=True)
    assert _events(session) == before
    assert client.post(f"/cases/{penalty}/act", data={"action": "accept_outcome",
                                                       "reason": "处分决定已送达"}).status_code == 302
    assert _status(session, penalty) == "closed"
    assert followup.verify_stream(session) is None


def test_the_public_case_page_shows_the_team_by_role_and_count_and_no_names(client, session, code):
    staff_client(client, session, role="admin")
    client.post(f"/cases/{code}/team", data={"name": "周委员", "role": "cppcc_member"})
    client.post(f"/cases/{code}/act", data={"action": "record_findings", "reason": "31 户只走访 13 户"})
    client.post(f"/cases/{code}/act", data={"action": "clear", "reason": "经核实属实整改到位"})
    public = client.get(f"/case/{code}?lang=zh_CN").get_data(as_text=True)
    team = re.search(r'<ul class="team" id="case-team">(.*?)</ul>', public, re.S).group(1)
    assert re.findall(r'data-role="([^"]+)"', team) == ["discipline_inspector", "cppcc_member", "citizen_rep"]
    assert re.search(r"政协委员\D{0,8}1", team)
    assert "31 户只走访 13 户" in public and "经核实属实整改到位" in public
    for name in ("刘纪检", "赵群众", "周委员"):
        assert name not in public
    english = client.get(f"/case/{code}?lang=en").get_data(as_text=True)
    assert "CPPCC member: 1" in english
