"""Follow-up cases on a real database (SQLite by default, PostgreSQL with DATABASE_URL).

A decision opens a case; the case moves along its life cycle; the overdue tick is idempotent
and safe to run twice at once; every step is in the county's case stream and the chain verifies.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import Cadre, Decision, DrawRecord, Household, Meeting, Round, Township, Village, WorkArea
from meeting.models.cases import Case, CaseEvent, CaseStream
from meeting.services import followup
from meeting.services.followup import stream as stream_mod
from meeting.services.tx import lock_meeting
from scoring.deadlines import Policy

UTC = dt.datetime
DECIDED_AT = UTC(2026, 3, 24, 2, 0)          # 10:00 in Beijing on the meeting day
RECTIFY = {"items": ["卫生室补齐常用药", "低保复核"], "deadline": "2026-05-31", "responsible": "孙兆龙", "note": ""}
TEAM = [{"name": "刘纪检", "role": "discipline_inspector"}, {"name": "王代表", "role": "citizen_rep"}]


@pytest.fixture
def world(session):
    """A meeting on 24 March 2026, round 2 drew cadre 88, two of his households were picked."""
    t = Township(code="T05", name="泉庄镇")
    w = WorkArea(code="W050", name="泉庄第一片", township=t)
    v = Village(code="V0501", name="磨石沟村", work_area=w, township=t)
    cadre = Cadre(number=88, name="孙兆龙", position="党委书记", unit="泉庄镇党委", rank="township_leader", township=t)
    homes = [Household(code=f"H05{i:02d}", name=f"村民{i}", village=v, cadre=cadre, phone="17000000000")
             for i in range(1, 5)]
    meeting = Meeting(title="现场直播调查大会", date=dt.date(2026, 3, 24))
    session.add_all([t, w, v, cadre, *homes, meeting])
    session.flush()
    rnd = Round(meeting_id=meeting.id, number=2, cadre_id=cadre.id, stage="decided")
    session.add(rnd)
    session.flush()
    for slot, h in enumerate(homes[2:0:-1]):
        session.add(DrawRecord(meeting_id=meeting.id, round_id=rnd.id, kind="household", slot=slot,
                               cadre_id=cadre.id, household_id=h.id, detail={"code": h.code}))
    session.commit()
    return {"meeting": meeting, "round": rnd, "cadre": cadre, "homes": homes, "township": t}


def decide(session, world, kind="rectification", detail=None, at=DECIDED_AT):
    d = Decision(round_id=world["round"].id, kind=kind, detail=detail if detail is not None else RECTIFY,
                 actor="moderator", created_at=at)
    session.add(d)
    session.commit()
    return d


def types(session, case=None):
    return [e.type for e in followup.stream_events(session, case_id=case.id if case else None)]


def test_a_rectification_decision_opens_a_case_with_a_public_code_owner_households_and_deadlines(session, world):
    d = decide(session, world)
    case = followup.create_case_from_decision(session, d.id, actor="moderator")
    assert case.code == "2026-03-24-R2-01" and case.kind == "rectification" and case.status == "open"
    assert case.cadre_id == world["cadre"].id and case.township_id == world["township"].id
    assert (case.responsible_person, case.responsible_unit) == ("孙兆龙", "泉庄镇党委")
    assert case.promise == "卫生室补齐常用药; 低保复核" and case.items == RECTIFY["items"]
    assert [h.code for h in case.households] == ["H0502", "H0503"]
    assert (case.opened_on, case.reply_due, case.deadline) == (dt.date(2026, 3, 24), dt.date(2026, 4, 8),
                                                               dt.date(2026, 5, 31))
    [event] = followup.stream_events(session)
    assert event.type == "case_opened" and event.actor == "moderator" and event.seq == 1
    assert event.payload["case"] == case.code and event.payload["households"] == ["H0502", "H0503"]
    assert "村民" not in str(event.payload)        # codes in the log, never names
    assert followup.verify_stream(session) is None


def test_opening_is_idempotent_per_decision_and_numbers_the_cases_of_a_round(session, world):
    first = decide(session, world)
    a = followup.create_case_from_decision(session, first.id, actor="moderator")
    again = followup.create_case_from_decision(session, first.id, actor="moderator")
    assert again.id == a.id and len(types(session)) == 1
    inv = decide(session, world, "investigation", {"reason": "说法不一", "team": TEAM, "report_by": "2026-04-10",
                                                   "note": ""})
    b = followup.create_case_from_decision(session, inv.id, actor="moderator")
    assert b.code == "2026-03-24-R2-02" and b.status == "team_formed" and b.responsible_person == "刘纪检"
    assert (b.reply_due, b.deadline) == (None, dt.date(2026, 4, 10))
    ref = decide(session, world, "discipline", {"reason": "问卷代签", "note": ""})
    c = followup.create_case_from_decision(session, ref.id, actor="moderator", responsible_unit="县纪委")
    assert (c.code, c.kind, c.responsible_unit) == ("2026-03-24-R2-03", "penalty", "县纪委")


def test_a_pass_opens_no_case_and_an_unknown_decision_is_not_found(session, world):
    d = decide(session, world, "pass", {"note": ""})
    with pytest.raises(Conflict) as err:
        followup.create_case_from_decision(session, d.id, actor="moderator")
    assert err.value.code == "case_decision_opens_none"
    with pytest.raises(NotFound) as err:
        followup.create_case_from_decision(session, 999, actor="moderator")
    assert err.value.code == "case_decision_not_found"
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_live_service_can_open_the_case_inside_its_own_transaction(session, world):
    lock_meeting(session, world["meeting"].id)
    d = Decision(round_id=world["round"].id, kind="rectification", detail=RECTIFY, actor="moderator",
                 created_at=DECIDED_AT)
    session.add(d)
    session.flush()
    case = followup.open_case_for_decision(session, d, actor="moderator")
    session.rollback()                       # the decision fails → no case, no event
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 0
    lock_meeting(session, world["meeting"].id)
    d = Decision(round_id=world["round"].id, kind="rectification", detail=RECTIFY, actor="moderator")
    session.add(d)                           # added, not flushed: the step flushes it
    case = followup.open_case_for_decision(session, d, actor="moderator", now=DECIDED_AT)
    session.commit()
    assert case.decision_id == d.id
    assert case.code == "2026-03-24-R2-01" and followup.verify_stream(session) is None


def test_not_satisfied_reopens_and_only_a_satisfied_return_visit_closes(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    at = lambda d: UTC(2026, 4, d, 2, 0)  # noqa: E731
    followup.reply(session, code, "已补齐药品,低保已复核", actor="unit:泉庄镇", now=at(1))
    followup.start_return_visit(session, code, actor="organiser", now=at(20))
    case = followup.record_return_visit(session, code, "contradicting", "村民说药还是不全", actor="organiser", now=at(21))
    assert (case.status, case.reopen_count, case.last_reason) == ("reopened", 1, "村民说药还是不全")
    assert case.reply_due == dt.date(2026, 5, 6)
    with pytest.raises(Conflict) as err:
        followup.record_return_visit(session, code, "satisfied", actor="organiser", now=at(22))
    assert err.value.code == "case_transition_refused" and err.value.params["status"] == "reopened"
    with pytest.raises(UserError) as err:
        followup.record_return_visit(session, code, "maybe", actor="organiser", now=at(22))
    assert err.value.code == "case_outcome_unknown"
    followup.reply(session, code, "已从县医院调药", actor="unit:泉庄镇", now=at(25))
    followup.start_return_visit(session, code, actor="organiser", now=at(28))
    case = followup.record_return_visit(session, code, "satisfied", actor="organiser", now=at(29))
    assert (case.status, case.closed_on, case.closed_by_override) == ("closed", dt.date(2026, 4, 29), False)
    events = followup.stream_events(session, case_id=case.id)
    assert [e.type for e in events] == [
        "case_opened", "case_replied", "case_return_visit_started", "case_return_visit_recorded", "case_replied",
        "case_return_visit_started", "case_return_visit_recorded"]
    assert events[3].payload["outcome"] == "contradicting" and events[3].payload["status"] == "reopened"
    assert [e.actor for e in events][1] == "unit:泉庄镇"
    assert followup.verify_stream(session) is None


def test_a_refused_action_changes_nothing_and_appends_nothing(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    head = session.scalar(sa.select(CaseStream)).seq
    for call in (lambda: followup.start_return_visit(session, code, actor="organiser"),
                 lambda: followup.override_close(session, code, "  ", actor="organiser"),
                 lambda: followup.reply(session, "2026-01-01-R1-01", "x", actor="organiser")):
        with pytest.raises(UserError):
            call()
    session.expire_all()
    assert session.scalar(sa.select(CaseStream)).seq == head
    assert followup.get_case(session, code).status == "open"


def test_an_override_close_is_logged_and_shown_publicly_as_an_override(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    case = followup.override_close(session, code, "该户已整体搬迁,经镇村核实", actor="organiser:李", now=UTC(2026, 4, 2))
    view = followup.public_case(case)
    assert view["status"] == "closed" and view["closed_by_override"] is True
    assert view["override_reason"] == "该户已整体搬迁,经镇村核实"
    [_, event] = followup.stream_events(session)
    assert event.type == "case_closed_by_override" and event.actor == "organiser:李"
    assert event.payload["reason"] == "该户已整体搬迁,经镇村核实"


def test_a_private_case_shows_only_its_code_kind_and_status(session, world):
    case = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator")
    case.private = True
    assert set(followup.public_case(case)) == {"code", "kind", "status", "overdue", "closed_by_override"}


def test_a_confirmed_investigation_opens_its_penalty_case(session, world):
    inv = decide(session, world, "investigation", {"reason": "走访户数不符", "team": TEAM, "report_by": None, "note": ""})
    code = followup.create_case_from_decision(session, inv.id, actor="moderator").code
    followup.act(session, code, "record_findings", reason="31 户只走访 13 户,问卷代签", actor="team:刘纪检",
                 now=UTC(2026, 4, 3))
    followup.act(session, code, "confirm", reason="弄虚作假属实", actor="organiser", now=UTC(2026, 4, 4))
    penalty = followup.get_case(session, code + "-P1")
    assert (penalty.kind, penalty.status, penalty.promise) == ("penalty", "open", "弄虚作假属实")
    assert penalty.opened_on == dt.date(2026, 4, 4) and [h.code for h in penalty.households] == ["H0502", "H0503"]
    assert types(session)[-2:] == ["case_confirmed", "case_opened"]
    assert followup.verify_stream(session) is None


# --- the overdue tick ---------------------------------------------------------------------

def test_the_tick_marks_overdue_from_midnight_beijing_time_and_escalates(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    assert followup.tick(session, now=UTC(2026, 4, 8, 15, 59, 59)).changed == ()      # 23:59:59 on the due day
    result = followup.tick(session, now=UTC(2026, 4, 8, 16, 0, 0))                     # 00:00 on 9 April
    assert result.today == dt.date(2026, 4, 9) and result.changed == (code,)
    case = followup.get_case(session, code)
    assert (case.overdue_reason, case.overdue_since, case.escalation) == ("reply", dt.date(2026, 4, 9), "unit")
    assert followup.tick(session, now=UTC(2026, 4, 15, 16, 0)).changed == (code,)      # 16 April: day 7
    assert followup.get_case(session, code).escalation == "township"
    assert followup.tick(session, now=UTC(2026, 4, 22, 16, 0)).changed == (code,)      # 23 April: day 14
    assert followup.get_case(session, code).escalation == "county"
    assert followup.tick(session, now=UTC(2026, 4, 25, 16, 0)).changed == ()
    assert types(session) == ["case_opened", "case_overdue", "case_escalated", "case_escalated"]
    [*_, last] = followup.stream_events(session)
    assert last.payload["previous_escalation"] == "township" and last.actor == "system:cases-tick"
    assert session.scalar(sa.select(CaseStream)).last_tick_on == dt.date(2026, 4, 26)
    assert followup.verify_stream(session) is None


def test_a_late_reply_clears_the_reply_overdue_and_the_deadline_brings_it_back(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    followup.tick(session, now=UTC(2026, 4, 20))
    case = followup.reply(session, code, "已解决", actor="unit", now=UTC(2026, 4, 21))
    assert (case.status, case.overdue_reason, case.escalation) == ("replied", None, "township")
    followup.tick(session, now=UTC(2026, 6, 1))
    case = followup.get_case(session, code)
    assert (case.overdue_reason, case.overdue_since) == ("completion", dt.date(2026, 6, 1))


def test_the_policy_comes_from_config_and_the_command_runs_the_tick(app, session, world):
    from meeting.commands import cases as cases_commands

    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    app.config.update(CASES_REPLY_DAYS=3)
    assert followup.policy_from_config(app.config).reply_days == 3
    cases_commands.register(app)
    out = app.test_cli_runner().invoke(args=["cases-tick", "--now", "2026-04-09T00:00:00+08:00"])
    assert out.exit_code == 0, out.output
    assert "2026-04-09: 1 open cases checked, 1 changed" in out.output and code in out.output
    again = app.test_cli_runner().invoke(args=["cases-tick", "--now", "2026-04-09T00:00:00+08:00"])
    assert "0 changed" in again.output
    bad = app.test_cli_runner().invoke(args=["cases-tick", "--now", "yesterday"])
    assert bad.exit_code != 0 and "--now" in bad.output


def _snapshot(session):
    session.expire_all()
    cases = [(c.code, c.status, c.overdue_reason, c.overdue_since, c.escalation)
             for c in session.scalars(sa.select(Case).order_by(Case.code))]
    return cases, [(e.seq, e.type, e.payload["case"]) for e in followup.stream_events(session)]


def test_two_ticks_at_once_give_the_same_result_as_one(app, session, world):
    from meeting.extensions import db

    for i in range(6):
        followup.create_case_from_decision(session, decide(session, world).id, actor="moderator")
    now = UTC(2026, 4, 20)
    sessions = [db.new_session(), db.new_session()]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(s):
        try:
            barrier.wait(timeout=10)
            results.append(followup.tick(s, now=now))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(len(r.changed) for r in results) == [0, 6]
    after_two, events = _snapshot(session)
    assert [t for _, t, _ in events].count("case_overdue") == 6 and [s for s, _, _ in events] == list(range(1, 13))
    assert {c[2:] for c in after_two} == {("reply", dt.date(2026, 4, 9), "township")}
    assert followup.tick(session, now=now).changed == ()
    assert _snapshot(session) == (after_two, events)
    assert followup.verify_stream(session) is None


def test_a_case_change_and_a_tick_at_once_both_land_in_one_intact_chain(app, session, world):
    from meeting.extensions import db

    codes = [followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
             for _ in range(3)]
    s1, s2 = db.new_session(), db.new_session()
    barrier = threading.Barrier(2)
    errors = []

    def go(fn):
        try:
            barrier.wait(timeout=10)
            fn()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    t1 = threading.Thread(target=go, args=(lambda: followup.tick(s1, now=UTC(2026, 4, 20)),))
    t2 = threading.Thread(target=go, args=(lambda: followup.reply(s2, codes[0], "已解决", actor="unit",
                                                                    now=UTC(2026, 4, 20)),))
    for t in (t1, t2):
        t.start()
    for t in (t1, t2):
        t.join(timeout=60)
    s1.close(), s2.close()
    assert not errors, errors
    session.expire_all()
    assert followup.verify_stream(session) is None
    assert followup.get_case(session, codes[0]).status == "replied"
    assert {followup.get_case(session, c).overdue_reason for c in codes[1:]} == {"reply"}


def test_the_stream_is_created_once_even_when_two_first_changes_race(app, session):
    from meeting.extensions import db

    s1, s2 = db.new_session(), db.new_session()
    barrier = threading.Barrier(2)
    errors = []

    def go(s):
        try:
            barrier.wait(timeout=10)
            stream_mod.lock_stream(s, "沂水县")
            s.commit()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=go, args=(s,)) for s in (s1, s2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseStream)) == 1


def test_a_tampered_case_event_breaks_the_chain(session, world):
    code = followup.create_case_from_decision(session, decide(session, world).id, actor="moderator").code
    followup.reply(session, code, "已解决", actor="unit", now=UTC(2026, 4, 1))
    event = followup.stream_events(session)[0]
    event.payload = {**event.payload, "deadline": "2027-01-01"}
    session.commit()
    assert "seq 1" in followup.verify_stream(session)


def test_days_are_counted_in_the_policy_zone(session, world):
    late_evening = UTC(2026, 3, 24, 17, 30)              # 01:30 on 25 March in Beijing
    d = decide(session, world, at=late_evening)
    case = followup.create_case_from_decision(session, d.id, actor="moderator")
    assert (case.opened_on, case.reply_due) == (dt.date(2026, 3, 25), dt.date(2026, 4, 9))
    utc_case = followup.create_case_from_decision(session, decide(session, world, at=late_evening).id,
                                                  actor="moderator", policy=Policy(zone="UTC"))
    assert utc_case.opened_on == dt.date(2026, 3, 24)


def test_a_pledge_on_a_question_round_becomes_a_case_followed_like_a_rectification(session, world):
    q = Round(meeting_id=world["meeting"].id, number=3, kind="question", stage="decided")
    session.add(q)
    session.commit()
    with pytest.raises(UserError) as err:
        followup.create_pledge_case(session, promise="  ", responsible_person="刘长生", responsible_unit="县民政局",
                                    actor="moderator", round_id=q.id)
    assert err.value.code == "case_promise_required"
    case = followup.create_pledge_case(session, promise="年底前完成低保对象全面复核", responsible_person="刘长生",
                                       responsible_unit="县民政局", deadline=dt.date(2026, 12, 31), actor="moderator",
                                       round_id=q.id, now=UTC(2026, 3, 24, 3, 0, tzinfo=dt.timezone.utc))
    assert (case.code, case.kind, case.status, case.meeting_id) == ("2026-03-24-R3-01", "pledge", "open",
                                                                   world["meeting"].id)
    assert (case.reply_due, case.deadline) == (dt.date(2026, 4, 8), dt.date(2026, 12, 31))
    loose = followup.create_pledge_case(session, promise="公开答复", responsible_person="", responsible_unit="县水利局",
                                        actor="organiser", now=UTC(2026, 5, 19, 1, 0))
    assert (loose.code, loose.deadline) == ("2026-05-19-01", dt.date(2027, 5, 19))
    followup.reply(session, case.code, "已清退 3000 余户", actor="unit:县民政局", now=UTC(2026, 4, 1))
    followup.start_return_visit(session, case.code, actor="organiser", now=UTC(2026, 5, 1))
    assert followup.record_return_visit(session, case.code, "unsatisfied", "仍有不符合条件的低保户",
                                        actor="organiser", now=UTC(2026, 5, 2)).status == "reopened"
    assert followup.verify_stream(session) is None
