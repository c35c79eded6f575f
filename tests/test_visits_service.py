"""Return visits (回访) on a real database (SQLite by default, PostgreSQL with DATABASE_URL).

A replied case is called back: the households in the order the case's committed seed draws,
through the telephony port (the simulated provider), with the keypad survey played through
the household simulator. Unsatisfied reopens with the reason, satisfied closes and reveals the
seed; a household that cannot be reached makes way for the next; every step is in the case
stream and the chain verifies.
"""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from meeting import telephony
from meeting.errors import Conflict, UserError
from meeting.models import CallAttempt, Cadre, Decision, DrawRecord, Household, Meeting, Round, Township, Village, \
    WorkArea
from meeting.services import followup
from meeting.services.calls import simulator as sim
from meeting.services.draw.sealing import unseal_labelled
from meeting.services.followup import visits
from meeting.telephony import ProviderError, Telephony
from meeting.telephony.manual import ManualProvider
from meeting.telephony.simulated import SimulatedProvider
from scoring import draw
from scoring import visits as rules

RECTIFY = {"items": ["卫生室补齐常用药"], "deadline": "2026-05-31", "responsible": "孙兆龙", "note": ""}


class RefusingProvider(SimulatedProvider):
    """A provider that refuses to dial (and records that it was asked)."""

    def place_call(self, request):
        self.placed.append(request)
        raise ProviderError("twilio_21217", reason="twilio_21217")


@pytest.fixture
def world(session):
    """A replied rectification case of round 2 that concerns three households."""
    t = Township(code="T05", name="泉庄镇")
    w = WorkArea(code="W050", name="泉庄第一片", township=t)
    v = Village(code="V0501", name="磨石沟村", work_area=w, township=t)
    cadre = Cadre(number=88, name="孙兆龙", position="党委书记", unit="泉庄镇党委", rank="township_leader", township=t)
    homes = [Household(code=f"H05{i:02d}", name=f"村民{i}", village=v, cadre=cadre, phone=f"1700000000{i}")
             for i in range(1, 4)]
    meeting = Meeting(title="现场直播调查大会", date=dt.date(2026, 3, 24))
    session.add_all([t, w, v, cadre, *homes, meeting])
    session.flush()
    rnd = Round(meeting_id=meeting.id, number=2, cadre_id=cadre.id, stage="decided")
    session.add(rnd)
    session.flush()
    for slot, h in enumerate(homes):
        session.add(DrawRecord(meeting_id=meeting.id, round_id=rnd.id, kind="household", slot=slot,
                               cadre_id=cadre.id, household_id=h.id, detail={"code": h.code}))
    decision = Decision(round_id=rnd.id, kind="rectification", detail=RECTIFY, actor="moderator",
                        created_at=dt.datetime(2026, 3, 24, 2, 0))
    session.add(decision)
    session.commit()
    case = followup.create_case_from_decision(session, decision.id, actor="moderator")
    followup.reply(session, case.code, "药已补齐，低保已复核", actor="unit:泉庄镇党委")
    return {"meeting_id": meeting.id, "code": case.code}


@pytest.fixture
def tel(session):
    """The simulated provider, recording what it was asked (inside the session's app context)."""
    return Telephony(SimulatedProvider(), telephony.settings())


def _case(session, code):
    session.expire_all()
    return followup.get_case(session, code)


def _types(session, code):
    return [e.type for e in followup.stream_events(session, case_id=_case(session, code).id)]


def _press(session, world, tel, call_id, action, digits=""):
    return sim.play(session, world["meeting_id"], call_id, action, {"digits": digits} if digits else {}, tel)


def _answer(session, world, tel, call_id, resolved, satisfaction):
    _press(session, world, tel, call_id, "answer")
    _press(session, world, tel, call_id, "digits", resolved)
    return _press(session, world, tel, call_id, "digits", satisfaction)


def test_a_case_commits_a_sealed_seed_when_it_opens(session, world):
    case = _case(session, world["code"])
    opened = followup.stream_events(session, case_id=case.id)[0]
    assert opened.type == "case_opened" and opened.payload["seed_commitment"] == case.seed_commitment
    assert case.seed_hex is None and case.seed_sealed.startswith("v1:")
    seed = unseal_labelled(f"case:{case.id}", case.seed_sealed)
    assert draw.commitment(seed) == case.seed_commitment and seed not in case.seed_sealed


def test_starting_a_visit_publishes_the_drawn_order_of_the_cases_households(session, world, tel):
    started = visits.start_visit(session, world["code"], "staff:li")
    case = _case(session, world["code"])
    assert case.status == "return_visit" and started["visit"] == 1
    assert sorted(started["order"]) == sorted(h.code for h in case.households)
    event = followup.stream_events(session, case_id=case.id)[-1]
    assert event.type == "case_return_visit_started" and event.payload["order"] == started["order"]
    assert "seed" not in event.payload and "村民" not in str(event.payload)


def test_an_unsatisfied_household_reopens_the_case_with_the_reason(session, world, tel):
    order = visits.start_visit(session, world["code"], "staff:li")["order"]
    placed = visits.place_visit_call(session, world["code"], "staff:li", tel)
    assert placed["household"] == order[0] and placed["state"] == "dialling"
    (request,) = tel.provider.placed
    phone = session.scalar(sa.select(Household.phone).where(Household.code == order[0]))
    assert request.to == "+86" + phone and request.call_id == placed["call"]
    played = _answer(session, world, tel, placed["call"], "2", "2")
    assert played.call["state"] == "ended"
    case = _case(session, world["code"])
    assert case.status == "reopened" and case.reopen_count == 1
    assert case.last_reason == f"return visit 1, household {order[0]}: resolved partly, satisfaction 2/5"
    recorded = followup.stream_events(session, case_id=case.id)[-2]
    assert recorded.type == "case_return_visit_recorded" and recorded.payload["outcome"] == "unsatisfied"
    assert recorded.payload["answers"] == {"visit_resolved": "partly", "visit_satisfaction": 2}
    assert case.seed_hex is None  # not closed: the seed stays sealed
    assert followup.verify_stream(session) is None


def test_a_contradicting_answer_reopens_too(session, world, tel):
    visits.start_visit(session, world["code"], "staff:li")
    placed = visits.place_visit_call(session, world["code"], "staff:li", tel)
    _answer(session, world, tel, placed["call"], "3", "5")
    case = _case(session, world["code"])
    assert case.status == "reopened"
    assert [e.payload.get("outcome") for e in followup.stream_events(session, case_id=case.id)
            if e.type == "case_return_visit_recorded"] == ["contradicting"]


def test_a_satisfied_household_closes_the_case_and_the_seed_is_revealed(session, world, tel):
    visits.start_visit(session, world["code"], "staff:li")
    placed = visits.place_visit_call(session, world["code"], "staff:li", tel)
    _answer(session, world, tel, placed["call"], "1", str(rules.SATISFIED_AT_LEAST))
    case = _case(session, world["code"])
    assert case.status == "closed" and not case.closed_by_override
    assert draw.commitment(case.seed_hex) == case.seed_commitment
    closing = [e for e in followup.stream_events(session, case_id=case.id) if e.type == "case_return_visit_recorded"]
    assert closing[-1].payload["seed"] == case.seed_hex
    # Anyone can re-derive the order of visit 1 from the revealed seed.
    started = [e for e in followup.stream_events(session, case_id=case.id) if e.type == "case_return_visit_started"]
    assert started[0].payload["order"] == [p.code for p in rules.pick_order(
        case.seed_hex, case.code, 1, [h.code for h in case.households])]
    assert followup.verify_stream(session) is None


def test_an_unreachable_household_leaves_the_visit_open_and_the_next_one_is_called(session, world, tel):
    order = visits.start_visit(session, world["code"], "staff:li")["order"]
    first = visits.place_visit_call(session, world["code"], "staff:li", tel)
    _press(session, world, tel, first["call"], "no_answer")
    assert _case(session, world["code"]).status == "return_visit"
    second = visits.place_visit_call(session, world["code"], "staff:li", tel)
    assert (first["household"], second["household"]) == (order[0], order[1])
    assert second["visit"] == 1


def test_a_provider_refusal_is_recorded_and_the_visit_stays_open(session, world):
    refusing = Telephony(RefusingProvider(), telephony.settings())
    visits.start_visit(session, world["code"], "staff:li")
    with pytest.raises(visits.VisitCallFailed) as exc:
        visits.place_visit_call(session, world["code"], "staff:li", refusing)
    assert exc.value.code == "visit_call_failed"
    session.expire_all()
    (call,) = session.scalars(sa.select(CallAttempt).where(CallAttempt.kind == "visit")).all()
    assert call.state == "failed" and call.error
    states = [e.payload for e in followup.stream_events(session) if e.type == "case_visit_call_state"]
    assert states[-1]["state"] == "failed" and states[-1]["error"] == "twilio_21217"
    assert _case(session, world["code"]).status == "return_visit"


def test_refused_requests_change_nothing(session, world, tel):
    code = world["code"]
    before = _types(session, code)
    with pytest.raises(Conflict) as exc:  # no visit started yet
        visits.place_visit_call(session, code, "staff:li", tel)
    assert exc.value.code == "visit_not_now" and _types(session, code) == before
    visits.start_visit(session, code, "staff:li")
    with pytest.raises(Conflict):  # a second start: the case is in return_visit already
        visits.start_visit(session, code, "staff:li")
    placed = visits.place_visit_call(session, code, "staff:li", tel)
    middle = _types(session, code)
    with pytest.raises(Conflict) as exc:  # one call of the visit at a time
        visits.place_visit_call(session, code, "staff:li", tel)
    assert exc.value.code == "visit_call_in_progress" and _types(session, code) == middle
    _press(session, world, tel, placed["call"], "answer")
    played = _press(session, world, tel, placed["call"], "digits", "9")  # not a key of the question
    assert played.call["step"] == "visit_resolved" and _case(session, code).status == "return_visit"
    assert (session.get(CallAttempt, placed["call"]).answers or {}) == {}
    assert len(tel.provider.placed) == 1


def test_every_household_tried_means_no_household_left(session, world, tel):
    code = world["code"]
    visits.start_visit(session, code, "staff:li")
    for _ in range(3):
        placed = visits.place_visit_call(session, code, "staff:li", tel)
        _press(session, world, tel, placed["call"], "busy")
    with pytest.raises(Conflict) as exc:
        visits.place_visit_call(session, code, "staff:li", tel)
    assert exc.value.code == "visit_no_household_left"


def test_the_simulator_lists_the_meetings_return_visit_calls(session, world, tel):
    visits.start_visit(session, world["code"], "staff:li")
    placed = visits.place_visit_call(session, world["code"], "staff:li", tel)
    listed = sim.simulated_calls(session, world["meeting_id"], tel)["calls"]
    assert [(c["id"], c["kind"]) for c in listed] == [(placed["call"], "visit")]
    assert "村民" not in str(listed)
    _press(session, world, tel, placed["call"], "answer")
    view = sim.simulated_calls(session, world["meeting_id"], tel)["calls"][0]
    assert view["step"] == "visit_resolved" and any("解决" in s for s in view["prompt"]["say"])


def test_a_desk_phone_visit_is_recorded_by_staff_and_closes_when_satisfied(session, world):
    manual = Telephony(ManualProvider(), telephony.settings())
    code = world["code"]
    visits.start_visit(session, code, "staff:li")
    first = visits.place_visit_call(session, code, "staff:li", manual)
    assert first["state"] == "dialling"
    before = _types(session, code)
    with pytest.raises(UserError) as exc:  # one answer missing: nothing recorded
        visits.record_visit_call(session, code, "staff:li", "answered", resolved="yes")
    assert exc.value.code == "visit_answers_invalid" and _types(session, code) == before
    assert visits.record_visit_call(session, code, "staff:li", "busy")["outcome"] is None
    second = visits.place_visit_call(session, code, "staff:li", manual)
    assert second["household"] != first["household"]
    done = visits.record_visit_call(session, code, "staff:li", "answered", resolved="yes", satisfaction=5)
    assert done["outcome"] == "satisfied" and done["state"] == "ended"
    assert _case(session, code).status == "closed" and followup.verify_stream(session) is None


def test_the_cli_starts_the_visit_and_places_the_call(session, world, runner):
    result = runner.invoke(args=["case-visit", world["code"]])
    assert result.exit_code == 0, result.output
    assert "return visit 1 started: 3 households" in result.output and "dialling" in result.output
    again = runner.invoke(args=["case-visit", world["code"]])
    assert again.exit_code != 0 and world["code"] in again.output  # a call is still going


def test_a_cases_sealed_seed_opens_only_under_its_own_label(session, world):
    case = _case(session, world["code"])
    with pytest.raises(Conflict) as exc:
        unseal_labelled(f"case:{case.id + 1}", case.seed_sealed)
    assert exc.value.code == "seed_key_wrong"
