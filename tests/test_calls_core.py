"""scoring.calls: forward-only call states, the keypad survey, the call plan (Twilio's statuses:
test_telephony_twilio_webhooks.py)."""
from __future__ import annotations

import itertools

import pytest

from scoring import calls as core


def test_a_call_moves_forward_through_its_states():
    state = "queued"
    for incoming in ("dialling", "ringing", "answered", "ended"):
        state = core.advance(state, incoming)
        assert state == incoming


def test_a_duplicate_state_is_ignored():
    assert core.advance("ringing", "ringing") is None
    assert core.advance("ended", "ended") is None


def test_an_older_state_arriving_late_is_ignored():
    assert core.advance("answered", "ringing") is None
    assert core.advance("ringing", "dialling") is None


def test_nothing_moves_a_terminal_call():
    for terminal, incoming in itertools.product(core.TERMINAL, core.STATES):
        assert core.advance(terminal, incoming) is None, (terminal, incoming)


def test_completed_before_ringing_ends_the_call_and_the_late_ringing_changes_nothing():
    state = core.advance("dialling", "ended")
    assert state == "ended"
    assert core.advance(state, "ringing") is None


def test_a_household_that_answered_cannot_afterwards_be_busy_or_unanswered():
    assert core.advance("answered", "busy") == "ended"
    assert core.advance("answered", "no_answer") == "ended"
    assert core.advance("answered", "canceled") == "ended"
    assert core.advance("answered", "failed") == "failed"


def test_unreachable_outcomes_end_a_call_that_never_connected():
    for outcome in ("busy", "no_answer", "failed", "canceled"):
        assert core.advance("ringing", outcome) == outcome
        assert core.advance("queued", outcome) == outcome


def test_unknown_states_are_refused():
    with pytest.raises(ValueError):
        core.advance("ringing", "exploded")
    with pytest.raises(ValueError):
        core.advance("limbo", "ended")


def test_survey_keys_map_to_answers():
    assert core.parse_digit("consent", "1") == "yes" and core.parse_digit("consent", "2") == "no"
    assert core.parse_digit("visited", "1") == "yes" and core.parse_digit("visited", "2") == "no"
    assert [core.parse_digit("resolved", d) for d in "1234"] == ["yes", "partly", "no", "none"]
    assert [core.parse_digit("satisfaction", d) for d in "12345"] == [1, 2, 3, 4, 5]


def test_keys_that_mean_nothing_give_no_answer():
    assert core.parse_digit("visited", "3") is None
    assert core.parse_digit("satisfaction", "0") is None
    assert core.parse_digit("satisfaction", "6") is None
    assert core.parse_digit("resolved", "") is None
    assert core.parse_digit("resolved", None) is None
    assert core.parse_digit("visited", "1; DROP") is None
    assert core.parse_digit("visited", "1#") == "yes"  # only the first key counts
    with pytest.raises(ValueError):
        core.parse_digit("favourite_colour", "1")


def test_the_survey_asks_consent_first_then_the_three_questions():
    assert core.STEPS[0] == "consent"
    steps, step = [], "consent"
    while step:
        steps.append(step)
        step = core.next_step(step)
    assert steps == ["consent", "visited", "resolved", "satisfaction"]


def test_a_not_visited_or_unresolved_answer_contradicts_the_cadre():
    assert core.contradicts_claim({"visited": "no"})
    assert core.contradicts_claim({"visited": "yes", "resolved": "no"})
    assert not core.contradicts_claim({"visited": "yes", "resolved": "partly", "satisfaction": 1})
    assert not core.contradicts_claim({"resolved": "none"})
    assert not core.contradicts_claim({})


def test_survey_answers_leave_out_consent_and_bookkeeping():
    assert core.survey_answers({"consent": "yes", "visited": "yes", "satisfaction": 4, "x": 1}) == \
        {"visited": "yes", "satisfaction": 4}


def test_the_plan_calls_the_first_two_picks_then_a_backup_for_each_unreachable_one():
    picked = ["H1", "H2", "H3", "H4"]
    plan = core.call_plan(picked, [], 2)
    assert (plan.needed, plan.next) == (2, "H1")
    assert [h.pick for h in plan.households] == ["draw", "draw", "backup", "backup"]

    plan = core.call_plan(picked, [("H1", "ended"), ("H2", "busy")], 2)
    assert plan.needed == 3 and plan.next == "H3"
    assert [h.status for h in plan.households] == ["reached", "unreachable", "to_call", "to_call"]

    plan = core.call_plan(picked, [("H1", "ended"), ("H2", "no_answer"), ("H3", "ringing")], 2)
    assert plan.next is None and plan.households[2].status == "calling"

    plan = core.call_plan(picked, [("H1", "ended"), ("H2", "ended")], 2)
    assert plan.needed == 2 and plan.next is None


def test_the_plan_asks_for_more_picks_than_exist_when_backups_run_out():
    plan = core.call_plan(["H1", "H2"], [("H1", "failed"), ("H2", "ended")], 2)
    assert plan.needed == 3 and plan.next is None  # the service asks the draw for a third pick


def test_a_household_the_moderator_cancelled_can_be_called_again_and_a_redial_that_connects_counts():
    assert core.household_status(["canceled"]) == "to_call"
    assert core.household_status(["busy", "canceled"]) == "unreachable"
    assert core.household_status(["busy", "ended"]) == "reached"
    assert core.household_status(["busy", "ringing"]) == "calling"
    with pytest.raises(ValueError):
        core.call_plan(["H1"], [], 0)


def test_phone_numbers_become_e164():
    assert core.e164("13812345678") == "+8613812345678"
    assert core.e164("138 1234 5678") == "+8613812345678"
    assert core.e164("0539-2251234") == "+865392251234"
    assert core.e164("+1 415 555 0100") == "+14155550100"
    assert core.e164("0044 20 7946 0000") == "+442079460000"
    with pytest.raises(ValueError):
        core.e164("n/a")


def test_answers_move_forward_only_the_first_answer_stands():
    assert core.merge_answer(None, "yes") == ("yes", "recorded")
    assert core.merge_answer("yes", "yes") == ("yes", "repeated")
    assert core.merge_answer("yes", "no") == ("yes", "ignored")
    assert core.merge_answer("no", "yes") == ("no", "ignored")
    assert core.merge_answer(None, None) == (None, "none")
    assert core.merge_answer(3, None) == (3, "none")
