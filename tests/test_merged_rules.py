"""Where two features meet: the phone-in call to the cadre is not a verification call, a late
answer never moves a closed meeting, the minutes of a meeting with a phone-in report, the case
page's return visit drawn like every visit, and a case about a private demand kept private."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from meeting import telephony
from meeting.errors import Conflict, UserError
from meeting.extensions import db
from meeting.models import Event, Round
from meeting.models.cases import Case, CaseEvent
from meeting.services import followup
from meeting.services.calls import simulator as sim
from meeting.services.followup.minutes import minutes_data
from meeting.services.followup.staff import staff_act
from meeting.telephony.manual import ManualProvider
from meeting.telephony.simulated import SimulatedProvider
from tests.phone_in_support import drawn


def _code(v, action: str, **params) -> str:
    with pytest.raises((UserError, Conflict)) as exc:
        v.perform(action, **params)
    return exc.value.code


def _types(app, meeting_id: int) -> list[str]:
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(Event.type).where(Event.meeting_id == meeting_id)
                                           .order_by(Event.seq)))
        finally:
            db.remove()


def test_a_finished_phone_in_call_does_not_open_scoring_without_a_household_call(app):
    v = drawn(app, ManualProvider())
    v.perform("dial_cadre")
    v.perform("record_cadre_call", outcome="answered")
    v.perform("record_cadre_call", outcome="ended")  # the cadre's call has an outcome of the line
    v.perform("start_verification")
    assert _code(v, "open_scoring") == "transition_no_call_outcome"


def test_after_the_close_a_desk_phone_outcome_of_the_cadres_call_is_refused(app):
    v = drawn(app, ManualProvider())
    v.perform("dial_cadre")
    v.perform("close_meeting")
    before = _types(app, v.meeting_id)
    assert _code(v, "record_cadre_call", outcome="answered") == "not_live"
    assert _types(app, v.meeting_id) == before


def test_after_the_close_a_late_answer_of_the_cadre_moves_nothing(app):
    w = drawn(app, SimulatedProvider())
    call_id = w.perform("dial_cadre")["call"]
    w.perform("close_meeting")
    with app.test_request_context():
        try:
            sim.play(db.session, w.meeting_id, call_id, "answer", {}, telephony.context())
        finally:
            db.remove()
    with app.app_context():
        try:
            rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == w.meeting_id))
            assert rnd.stage == "draw" and rnd.report_started_at is None
        finally:
            db.remove()
    assert "report_started" not in _types(app, w.meeting_id)


def test_the_minutes_of_a_meeting_with_a_phone_in_report_list_only_the_household_calls(app):
    v = drawn(app, ManualProvider())
    v.perform("dial_cadre")
    v.perform("record_cadre_call", outcome="answered")
    v.perform("record_cadre_call", outcome="ended")
    v.perform("start_verification")
    code = v.perform("propose_calls")["households"][0]
    v.perform("record_call", household_code=code, outcome="busy")
    v.perform("close_meeting")
    with app.app_context():
        try:
            data = minutes_data(db.session, v.meeting_id)
        finally:
            db.remove()
    assert [c["household_code"] for c in data["calls"]] == [code]


def _case_with_households(app, private: bool) -> str:
    """A rectification case naming one household's demand, opened through the service."""
    from meeting.models import Demand, Household
    v = drawn(app, ManualProvider())
    with app.app_context():
        try:
            s = db.session
            household = s.scalar(sa.select(Household).order_by(Household.id).limit(1))
            demand = Demand(household_id=household.id, text="修路", private=private)
            s.add(demand)
            s.commit()
            case = followup.create_pledge_case(
                s, promise="修好村道", responsible_person="张三", responsible_unit="交通局",
                deadline=dt.date.today() + dt.timedelta(days=60), actor="test", demand_ids=[demand.id])
            return case.code
        finally:
            db.remove()


def test_a_case_about_a_private_demand_is_private(app):
    code = _case_with_households(app, private=True)
    with app.app_context():
        try:
            assert db.session.scalar(sa.select(Case.private).where(Case.code == code)) is True
        finally:
            db.remove()


def test_the_case_pages_return_visit_is_drawn_like_every_visit_and_needs_a_household(app):
    code = _case_with_households(app, private=False)  # a pledge: it names a demand, no household
    with app.app_context():
        try:
            followup.reply(db.session, code, "已修好", actor="unit:交通局")
            with pytest.raises(Conflict) as exc:
                staff_act(db.session, code, "start_return_visit", actor="user:1")
            assert exc.value.code == "visit_no_household"
            assert db.session.scalar(sa.select(Case.status).where(Case.code == code)) == "replied"
            assert "case_return_visit_started" not in list(db.session.scalars(sa.select(CaseEvent.type)))
        finally:
            db.remove()
