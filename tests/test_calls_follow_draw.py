"""Calls follow the draw (issue #9): the attack "a household phoned is not a household picked"
reproduced against the services and refused, and what is allowed shown in the public bundle."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Household, Round
from meeting.services.calls.public import bundle_calls
from meeting.services.draw import bundle as draw_bundle
from meeting.services.draw import seed as draw_seed
from meeting.services.live.snapshot import build_state
from meeting.telephony.manual import ManualProvider
from meeting.telephony.simulated import SimulatedProvider
from scoring import bundle as bundle_mod
from scoring.verify import verify
from tests import spec_verifier
from tests.call_service_support import refused_code, report_status
from tests.telephony_support import to_verification, twilio_settings


def _households(app, meeting_id):
    """(the cadre's household codes, a household of another cadre)."""
    with app.app_context():
        try:
            rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == meeting_id))
            mine = list(db.session.scalars(sa.select(Household.code).where(Household.cadre_id == rnd.cadre_id)))
            stranger = db.session.scalar(sa.select(Household.code).where(Household.cadre_id != rnd.cadre_id))
            return mine, stranger
        finally:
            db.remove()


def _calls(app, meeting_id):
    with app.app_context():
        try:
            return bundle_calls(db.session, meeting_id)
        finally:
            db.remove()


def _manual(app):
    return to_verification(app, ManualProvider(), twilio_settings(provider="manual"))


def test_a_household_the_draw_did_not_pick_cannot_be_called_before_the_picks_are_exhausted(app):
    v = _manual(app)
    picked = v.perform("propose_calls")["households"]
    mine, stranger = _households(app, v.meeting_id)
    unpicked = next(c for c in mine if c not in picked)
    assert refused_code(v, "place_call", household_code=unpicked) == "household_not_picked"
    assert refused_code(v, "record_call", household_code=unpicked, outcome="answered") == "household_not_picked"
    assert refused_code(v, "place_call", household_code=stranger, reason="村主任推荐") == "draw_not_exhausted"
    # The attack: the drawn households recorded as "no answer" by hand, then an outside household.
    for code in picked:
        v.perform("record_call", household_code=code, outcome="no_answer")
    assert refused_code(v, "record_call", household_code=stranger, outcome="answered",
                    reason="村主任推荐") == "draw_not_exhausted"
    assert [c["household"] for c in _calls(app, v.meeting_id)] == picked


def test_picks_are_called_in_the_drawn_order_and_a_backup_only_after_a_household_was_unreachable(app):
    v = _manual(app)
    first, second = v.perform("propose_calls")["households"]
    assert refused_code(v, "record_call", household_code=second, outcome="answered") == "household_not_next"
    v.perform("record_call", household_code=first, outcome="answered")
    v.perform("record_call", household_code=second, outcome="busy")
    backup = v.perform("propose_calls")["households"][2]
    v.perform("record_call", household_code=backup, outcome="answered")
    assert [(c["household"], c["slot"]) for c in _calls(app, v.meeting_id)] == [(first, 0), (second, 1), (backup, 2)]


def test_a_moderator_cannot_enter_no_answer_for_a_call_the_provider_places(app):
    v = to_verification(app, SimulatedProvider(), twilio_settings(provider="simulated", hall_line=""))
    v.perform("propose_calls")
    call = v.perform("place_call")
    assert refused_code(v, "record_answers", call_id=call["call"], outcome="no_answer") == "call_outcome_provider"
    report_status(app, call["call"], "no-answer")
    (listed,) = _calls(app, v.meeting_id)
    assert listed["outcome"] == "no_answer" and listed["recorded_by"] == "provider"
    assert listed["provider_call_id"] and listed["started_at"] and listed["ended_at"]


def test_a_manual_outcome_is_marked_as_recorded_by_the_moderator(app):
    v = _manual(app)
    code = v.perform("propose_calls")["households"][0]
    call = v.perform("place_call", household_code=code)["call"]
    v.perform("record_answers", call_id=call, outcome="no_answer")
    (listed,) = _calls(app, v.meeting_id)
    assert listed == {**listed, "how": "picked", "slot": 0, "outcome": "no_answer", "recorded_by": "moderator",
                      "provider": "manual", "reason": ""}


def test_an_outside_household_is_called_after_the_draw_is_exhausted_with_a_reason_and_shown_as_named(app):
    v = _manual(app)
    mine, stranger = _households(app, v.meeting_id)
    called: list[str] = []
    for _ in mine:  # every drawn household unreachable, each backup drawn in turn
        code = next(c for c in v.perform("propose_calls")["households"] if c not in called)
        v.perform("record_call", household_code=code, outcome="no_answer")
        called.append(code)
    assert sorted(called) == sorted(mine)
    assert refused_code(v, "record_call", household_code=stranger, outcome="answered") == "named_reason"
    v.perform("record_call", household_code=stranger, outcome="answered", reason="  村主任  推荐 ")
    named = _calls(app, v.meeting_id)[-1]
    assert named["how"] == "named" and named["reason"] == "村主任 推荐" and named["slot"] is None
    with app.app_context():
        try:
            viewer = build_state(db.session, v.meeting_id, "viewer")
        finally:
            db.remove()
    assert viewer["round"]["calls"][-1]["named"] is True and viewer["round"]["calls"][0]["named"] is False


def test_a_bundle_with_a_named_household_after_the_exhausted_draw_verifies_and_lists_every_call(app):
    v = _manual(app)
    mine, stranger = _households(app, v.meeting_id)
    called: list[str] = []
    for _ in mine:
        code = next(c for c in v.perform("propose_calls")["households"] if c not in called)
        v.perform("record_call", household_code=code, outcome="busy")
        called.append(code)
    v.perform("record_call", household_code=stranger, outcome="answered", reason="村主任推荐")
    with app.app_context():
        try:
            draw_seed.reveal_seed(db.session, v.meeting_id, "organiser")
            data = bundle_mod.dumps(draw_bundle.build_bundle(db.session, v.meeting_id)).encode("utf-8")
        finally:
            db.remove()
    lines = verify(bundle_mod.loads(data))
    assert spec_verifier.check(data) == (0, None, "OK")
    assert f"calls       {len(mine) + 1}, in the drawn order" in lines
    assert any(f"household {stranger}  (NAMED BY THE MODERATOR: 村主任推荐)" in line for line in lines)
