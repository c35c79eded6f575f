"""An investigation case on a real database (SQLite by default, PostgreSQL with DATABASE_URL): its
team changed by staff (logged, refused once the findings are cleared or confirmed), findings,
clear or confirm (which opens the -P1 penalty case in the same transaction), and the penalty
case's outcome accepted — every step in the case stream, whose chain verifies."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, UserError
from meeting.models import Cadre, Decision, Household, Meeting, Round, Township, Village, WorkArea
from meeting.models.cases import Case, CaseEvent
from meeting.services import followup
from meeting.services.followup import echo, staff, teams
from meeting.services.followup import cases as cases_mod
from scoring.stages import DecisionError, validate_decision

DECIDED_AT = dt.datetime(2026, 3, 24, 2, 0)
LATER = dt.datetime(2026, 4, 1, 3, 0)
TEAM = [{"name": "刘纪检", "role": "discipline_inspector"}, {"name": "王代表", "role": "deputy"},
        {"name": "赵群众", "role": "citizen_rep"}]


@pytest.fixture
def code(session) -> str:
    """An investigation case opened from a decision of round 2 on 24 March 2026."""
    t = Township(code="T05", name="泉庄镇")
    w = WorkArea(code="W050", name="泉庄第一片", township=t)
    v = Village(code="V0501", name="磨石沟村", work_area=w, township=t)
    cadre = Cadre(number=88, name="孙兆龙", position="党委书记", unit="泉庄镇党委", rank="township_leader", township=t)
    homes = [Household(code=f"H05{i:02d}", name=f"村民{i}", village=v, cadre=cadre, phone="17000000000")
             for i in (1, 2)]
    meeting = Meeting(title="现场直播调查大会", date=dt.date(2026, 3, 24))
    session.add_all([t, w, v, cadre, *homes, meeting])
    session.flush()
    rnd = Round(meeting_id=meeting.id, number=2, cadre_id=cadre.id, stage="decided")
    session.add(rnd)
    session.flush()
    decision = Decision(round_id=rnd.id, kind="investigation", actor="moderator", created_at=DECIDED_AT,
                        detail={"reason": "走访户数不符", "team": TEAM, "report_by": "2026-04-20", "note": ""})
    session.add(decision)
    session.commit()
    case = followup.create_case_from_decision(session, decision.id, actor="moderator",
                                              household_ids=[h.id for h in homes], now=DECIDED_AT)
    return case.code


def _types(session) -> list[str]:
    return [e.type for e in followup.stream_events(session)]


def _count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))


def test_a_cppcc_member_is_a_team_role_of_an_investigation_decision():
    detail = {"reason": "核查", "team": [{"name": "李纪检", "role": "discipline_inspector"},
                                        {"name": "周委员", "role": "cppcc_member"},
                                        {"name": "赵群众", "role": "citizen_rep"}]}
    out = validate_decision("investigation", detail, today=dt.date(2026, 3, 24))
    assert [m["role"] for m in out["team"]] == ["discipline_inspector", "cppcc_member", "citizen_rep"]
    with pytest.raises(DecisionError):
        validate_decision("investigation", {"reason": "核查", "team": [
            {"name": "李纪检", "role": "discipline_inspector"}, {"name": "某人", "role": "mayor"},
            {"name": "赵群众", "role": "citizen_rep"}]}, today=dt.date(2026, 3, 24))


def test_the_team_starts_as_the_decision_named_it_and_the_page_offers_record_findings(session, code):
    page = staff.case_page(session, code)
    assert page["team"] == TEAM and page["team_editable"] is True
    assert page["actions"] == ("record_findings",)
    assert session.scalar(sa.select(Case.team).where(Case.code == code)) is None


def test_adding_and_removing_a_member_is_logged_and_the_decision_is_not_rewritten(session, code):
    teams.add_member(session, code, " 周委员 ", "cppcc_member", actor="user:7", now=LATER)
    teams.remove_member(session, code, "王代表", "deputy", actor="user:7", now=LATER)
    case = followup.get_case(session, code)
    assert case.team == [TEAM[0], TEAM[2], {"name": "周委员", "role": "cppcc_member"}]
    assert teams.team_of(session, case) == case.team
    decision = session.get(Decision, case.decision_id)
    assert decision.detail["team"] == TEAM
    added, removed = followup.stream_events(session)[-2:]
    assert (added.type, added.actor, added.payload["member"]) == (
        "case_team_member_added", "user:7", {"name": "周委员", "role": "cppcc_member"})
    assert removed.type == "case_team_member_removed" and removed.payload["member"] == TEAM[1]
    assert removed.payload["team"] == case.team and removed.payload["status"] == "team_formed"
    assert followup.verify_stream(session) is None


@pytest.mark.parametrize("name,role,code_", [
    ("", "deputy", "team_name_required"),
    ("   ", "deputy", "team_name_required"),
    ("名" * 65, "deputy", "team_name_too_long"),
    ("周委员", "mayor", "team_role_unknown"),
    ("周委员", None, "team_role_unknown"),
    ("刘纪检", "deputy", "team_member_duplicate"),
])
def test_a_bad_member_is_refused_and_nothing_changes(session, code, name, role, code_):
    before = _count(session)
    with pytest.raises(UserError) as info:
        teams.add_member(session, code, name, role, actor="user:7", now=LATER)
    assert info.value.code == code_
    session.expire_all()
    assert _count(session) == before and session.scalar(sa.select(Case.team).where(Case.code == code)) is None


def test_a_name_of_64_characters_is_accepted(session, code):
    teams.add_member(session, code, "名" * 64, "deputy", actor="user:7", now=LATER)
    assert followup.get_case(session, code).team[-1] == {"name": "名" * 64, "role": "deputy"}


def test_the_team_keeps_an_inspector_and_a_citizen_rep_and_removing_a_stranger_is_refused(session, code):
    for name, role, refused in (("刘纪检", "discipline_inspector", "team_role_required"),
                                ("赵群众", "citizen_rep", "team_role_required"),
                                ("王代表", "citizen_rep", "team_member_not_found"),
                                ("无此人", "deputy", "team_member_not_found")):
        with pytest.raises(UserError) as info:
            teams.remove_member(session, code, name, role, actor="user:7", now=LATER)
        assert info.value.code == refused
    assert _types(session) == ["case_opened"]


def test_the_first_inspector_answers_for_the_case_when_the_lead_leaves(session, code):
    teams.add_member(session, code, "陈纪检", "discipline_inspector", actor="user:7", now=LATER)
    teams.remove_member(session, code, "刘纪检", "discipline_inspector", actor="user:7", now=LATER)
    case = followup.get_case(session, code)
    assert case.responsible_person == "陈纪检"
    assert followup.stream_events(session)[-1].payload["responsible_person"] == "陈纪检"


def test_the_team_can_change_while_findings_await_a_conclusion_but_not_after(session, code):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="31 户只走访 13 户", now=LATER)
    teams.add_member(session, code, "周委员", "cppcc_member", actor="user:7", now=LATER)
    staff.staff_act(session, code, "clear", actor="user:7", reason="经核实走访属实", now=LATER)
    before = _count(session)
    for change in (teams.add_member, teams.remove_member):
        with pytest.raises(Conflict) as info:
            change(session, code, "周委员", "cppcc_member", actor="user:7", now=LATER)
        assert info.value.code == "team_not_editable"
    assert _count(session) == before
    assert staff.case_page(session, code)["team_editable"] is False


def test_a_case_that_is_not_an_investigation_has_no_team(session, code):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="问卷代签", now=LATER)
    staff.staff_act(session, code, "confirm", actor="user:7", reason="弄虚作假属实", now=LATER)
    with pytest.raises(Conflict) as info:
        teams.add_member(session, code + "-P1", "周委员", "cppcc_member", actor="user:7", now=LATER)
    assert info.value.code == "team_not_investigation"
    assert staff.case_page(session, code + "-P1")["team"] == []


def test_findings_then_clear_closes_the_investigation(session, code):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="走访记录齐全", now=LATER)
    assert staff.case_page(session, code)["actions"] == ("clear", "confirm")
    staff.staff_act(session, code, "clear", actor="user:7", reason="反映问题不属实", now=LATER)
    case = followup.get_case(session, code)
    assert (case.status, case.closed_on) == ("cleared", dt.date(2026, 4, 1))
    assert staff.case_page(session, code)["actions"] == ()
    assert _types(session)[-2:] == ["case_findings_recorded", "case_cleared"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
    assert followup.verify_stream(session) is None


@pytest.mark.parametrize("action", ["record_findings", "clear", "confirm", "accept_outcome"])
def test_each_new_action_needs_its_text(session, code, action):
    if action != "record_findings":
        staff.staff_act(session, code, "record_findings", actor="user:7", reason="已查明", now=LATER)
    before = _count(session)
    if action == "accept_outcome":
        with pytest.raises(Conflict):   # an investigation has no outcome to accept
            staff.staff_act(session, code, action, actor="user:7", reason="同意", now=LATER)
    else:
        with pytest.raises(UserError) as info:
            staff.staff_act(session, code, action, actor="user:7", reason="  ", now=LATER)
        assert info.value.code == "case_reason_required"
    assert _count(session) == before


def test_confirm_opens_the_penalty_case_in_the_same_transaction(session, code):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="问卷代签", now=LATER)
    staff.staff_act(session, code, "confirm", actor="user:7", reason="弄虚作假属实", now=LATER)
    penalty = followup.get_case(session, code + "-P1")
    assert (penalty.kind, penalty.status, penalty.promise) == ("penalty", "open", "弄虚作假属实")
    assert followup.get_case(session, code).status == "confirmed"
    assert _types(session)[-2:] == ["case_confirmed", "case_opened"]
    assert followup.verify_stream(session) is None


def test_a_failing_penalty_case_rolls_the_confirmation_back(session, code, monkeypatch):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="问卷代签", now=LATER)
    before = _count(session)

    def broken(*args, **kwargs):
        raise UserError("case_promise_required")
    monkeypatch.setattr(cases_mod, "_open_penalty", broken)
    with pytest.raises(UserError):
        staff.staff_act(session, code, "confirm", actor="user:7", reason="弄虚作假属实", now=LATER)
    session.expire_all()
    assert followup.get_case(session, code).status == "findings" and _count(session) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1


def test_the_penalty_case_outcome_is_accepted_and_closes_it(session, code):
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="问卷代签", now=LATER)
    staff.staff_act(session, code, "confirm", actor="user:7", reason="弄虚作假属实", now=LATER)
    penalty = code + "-P1"
    assert staff.case_page(session, penalty)["actions"] == ("reply", "override_close")
    staff.staff_act(session, penalty, "reply", actor="user:7", reason="给予党内警告处分", now=LATER)
    assert staff.case_page(session, penalty)["actions"] == ("accept_outcome", "reopen")
    staff.staff_act(session, penalty, "accept_outcome", actor="user:7", reason="处分决定已送达", now=LATER)
    case = followup.get_case(session, penalty)
    assert (case.status, case.closed_on, case.closed_by_override) == ("closed", dt.date(2026, 4, 1), False)
    assert _types(session)[-1] == "case_outcome_accepted"
    assert followup.verify_stream(session) is None


def test_the_public_page_shows_the_team_by_role_and_count_and_the_findings_never_names(session, code):
    teams.add_member(session, code, "周委员", "cppcc_member", actor="user:7", now=LATER)
    teams.add_member(session, code, "钱群众", "citizen_rep", actor="user:7", now=LATER)
    staff.staff_act(session, code, "record_findings", actor="user:7", reason="31 户只走访 13 户", now=LATER)
    staff.staff_act(session, code, "confirm", actor="user:7", reason="弄虚作假属实", now=LATER)
    view = echo.case_page(session, code, today=dt.date(2026, 4, 2))
    assert [(t["role"], t["count"]) for t in view["team"]] == [
        ("discipline_inspector", 1), ("deputy", 1), ("cppcc_member", 1), ("citizen_rep", 2)]
    assert (view["findings"], view["conclusion"]) == ("31 户只走访 13 户", "弄虚作假属实")
    for name in ("刘纪检", "王代表", "赵群众", "周委员", "钱群众"):
        assert name not in str(view)
    texts = {e["type"]: e["text"] for e in view["timeline"]}
    assert texts["case_confirmed"] == "弄虚作假属实" and texts["case_team_member_added"] == ""


def test_a_private_investigation_shows_no_team_publicly(session, code):
    case = followup.get_case(session, code)
    case.private = True
    session.commit()
    view = echo.case_page(session, code, today=dt.date(2026, 4, 2))
    assert "team" not in view and "findings" not in view
