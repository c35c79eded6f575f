"""The round state machine and decision validation (scoring/stages.py)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from scoring.aggregate import QuorumNotMet
from scoring.stages import (ACTIONS, GUARDS, IRREVERSIBLE, NEEDS_CONFIRMATION, STAGES, DecisionError,
                            IllegalTransition, NoSubject, TransitionRefused, accepts_ballots, initial_stage,
                            legal_actions, mermaid, result_is_public, transition, validate_decision)

PROPS = settings(max_examples=300, deadline=None, database=None, derandomize=True)
DOC = Path(__file__).resolve().parent.parent / "docs" / "SCORING.md"
GUARD_DATA = {"has_subject": True, "ballots": 7, "quorum": 5, "calls_with_outcome": 1, "skip_reason": "time_limit"}

# The whole graph, written out independently of the implementation.
CADRE_EDGES = [
    ("draw", "start_report", "report"),
    ("report", "start_verification", "verification"),
    ("verification", "open_scoring", "scoring_open"),
    ("verification", "skip_verification", "scoring_open"),
    ("scoring_open", "close_scoring", "scoring_closed"),
    ("scoring_closed", "reveal_result", "revealed"),
    ("scoring_closed", "reopen_scoring", "scoring_open"),
    ("revealed", "record_decision", "decided"),
    ("decided", "next_round", "decided"),
    ("decided", "record_decision", "decided"),
]
QUESTION_EDGES = [
    ("question", "start_answer", "answer"),
    ("answer", "open_scoring", "scoring_open"),
    ("answer", "record_decision", "decided"),
] + CADRE_EDGES[4:]
EDGES = {"cadre": CADRE_EDGES, "question": QUESTION_EDGES}
ALL_EDGES = [(kind, *edge) for kind, edges in EDGES.items() for edge in edges]


@pytest.mark.parametrize("kind, stage, action, target", ALL_EDGES)
def test_every_legal_transition_goes_to_its_target_stage(kind, stage, action, target):
    assert transition(kind, stage, action, **GUARD_DATA) == target


@pytest.mark.parametrize("kind", ["cadre", "question"])
def test_every_other_stage_and_action_pair_is_illegal(kind):
    legal = {(s, a) for s, a, _ in EDGES[kind]}
    for stage in STAGES[kind]:
        for action in ACTIONS:
            if (stage, action) in legal:
                continue
            with pytest.raises(IllegalTransition) as err:
                transition(kind, stage, action, **GUARD_DATA)
            assert (err.value.kind, err.value.stage, err.value.action, err.value.code) == (kind, stage, action, "illegal")


def test_a_cadre_round_walks_from_draw_to_decided():
    stage = initial_stage("cadre")
    for action in ("start_report", "start_verification", "open_scoring", "close_scoring", "reveal_result",
                   "record_decision"):
        stage = transition("cadre", stage, action, **GUARD_DATA)
    assert (initial_stage("cadre"), stage) == ("draw", "decided")


def test_a_question_round_is_scored_like_a_cadre_round_by_default():
    stage = initial_stage("question")
    assert stage == "question"
    for action in ("start_answer", "open_scoring", "close_scoring", "reveal_result", "record_decision"):
        stage = transition("question", stage, action, **GUARD_DATA)
    assert stage == "decided"
    assert legal_actions("question", "answer")[0] == "open_scoring"


def test_a_question_round_can_go_from_the_answer_straight_to_a_decision():
    assert transition("question", "answer", "record_decision") == "decided"


def test_a_cadre_round_cannot_skip_verification_or_scoring():
    for stage, action in [("report", "open_scoring"), ("verification", "record_decision"), ("draw", "open_scoring")]:
        with pytest.raises(IllegalTransition):
            transition("cadre", stage, action, **GUARD_DATA)


@pytest.mark.parametrize("kind, stage, expected", [
    ("cadre", "draw", ("start_report",)),
    ("cadre", "report", ("start_verification",)),
    ("cadre", "verification", ("open_scoring", "skip_verification")),
    ("cadre", "scoring_open", ("close_scoring",)),
    ("cadre", "scoring_closed", ("reveal_result", "reopen_scoring")),
    ("cadre", "revealed", ("record_decision",)),
    ("cadre", "decided", ("next_round", "record_decision")),
    ("question", "question", ("start_answer",)),
    ("question", "answer", ("open_scoring", "record_decision")),
    ("question", "scoring_closed", ("reveal_result", "reopen_scoring")),
    ("question", "decided", ("next_round", "record_decision")),
])
def test_legal_actions_list_the_buttons_with_the_usual_next_step_first(kind, stage, expected):
    assert legal_actions(kind, stage) == expected


def test_the_stages_of_each_kind_are_exactly_those_of_the_graph():
    assert STAGES["cadre"] == ("draw", "report", "verification", "scoring_open", "scoring_closed", "revealed", "decided")
    assert STAGES["question"] == ("question", "answer", "scoring_open", "scoring_closed", "revealed", "decided")


def test_scoring_can_be_reopened_before_the_reveal_but_not_after():
    assert transition("cadre", "scoring_closed", "reopen_scoring") == "scoring_open"
    for stage in ("revealed", "decided"):
        with pytest.raises(IllegalTransition):
            transition("cadre", stage, "reopen_scoring")


def test_next_round_is_legal_only_from_decided_and_leaves_the_round_decided():
    assert transition("cadre", "decided", "next_round") == "decided"
    for stage in STAGES["cadre"][:-1]:
        assert "next_round" not in legal_actions("cadre", stage)


def test_closing_scoring_below_quorum_is_refused():
    with pytest.raises(QuorumNotMet) as err:
        transition("cadre", "scoring_open", "close_scoring", ballots=4, quorum=5)
    assert (err.value.count, err.value.quorum) == (4, 5)


def test_closing_scoring_at_exactly_the_quorum_is_accepted():
    assert transition("cadre", "scoring_open", "close_scoring", ballots=5, quorum=5) == "scoring_closed"


def test_a_guarded_action_without_its_data_is_a_programming_error():
    with pytest.raises(TypeError, match="ballots="):
        transition("cadre", "scoring_open", "close_scoring", quorum=5)
    with pytest.raises(TypeError, match="has_subject="):
        transition("cadre", "draw", "start_report")
    assert set(GUARDS) == {"start_report", "start_answer", "close_scoring", "skip_verification"}
    with pytest.raises(TypeError, match="calls_with_outcome="):
        transition("cadre", "verification", "open_scoring")
    with pytest.raises(TypeError, match="skip_reason="):
        transition("cadre", "verification", "skip_verification")


def test_the_report_cannot_start_before_a_cadre_is_drawn():
    with pytest.raises(NoSubject) as err:
        transition("cadre", "draw", "start_report", has_subject=False)
    assert isinstance(err.value, TransitionRefused) and err.value.code == "no_subject"
    with pytest.raises(NoSubject):
        transition("question", "question", "start_answer", has_subject=False)


def test_the_illegality_is_checked_before_any_guard():
    with pytest.raises(IllegalTransition):
        transition("cadre", "draw", "close_scoring", ballots=0, quorum=5)


def test_unknown_kinds_stages_and_actions_are_refused():
    with pytest.raises(ValueError, match="unknown round kind"):
        transition("speech", "draw", "start_report", has_subject=True)
    with pytest.raises(IllegalTransition):
        transition("cadre", "lunch", "start_report", has_subject=True)
    with pytest.raises(IllegalTransition):
        transition("cadre", "draw", "dance")
    with pytest.raises(IllegalTransition):
        transition("cadre", "question", "start_answer", has_subject=True)  # a question-round stage
    with pytest.raises(ValueError):
        legal_actions("cadre", "answer")


def test_confirmation_is_asked_for_the_irreversible_actions_and_close_scoring():
    assert IRREVERSIBLE == {"reveal_result", "record_decision", "record_pledge", "next_round"}
    assert NEEDS_CONFIRMATION == IRREVERSIBLE | {"close_scoring"}
    assert NEEDS_CONFIRMATION <= set(ACTIONS)


def test_ballots_are_accepted_only_while_scoring_is_open():
    assert [s for s in STAGES["cadre"] if accepts_ballots(s)] == ["scoring_open"]


def test_the_result_is_public_only_from_the_reveal_on():
    assert [s for s in STAGES["cadre"] if result_is_public(s)] == ["revealed", "decided"]


@pytest.mark.parametrize("kind", ["cadre", "question", "pledge"])
def test_the_diagram_in_the_docs_is_the_one_the_code_enforces(kind):
    assert f"```mermaid\n{mermaid(kind)}\n```" in DOC.read_text(encoding="utf-8")


@PROPS
@given(st.sampled_from(["cadre", "question"]), st.lists(st.sampled_from(ACTIONS), max_size=40))
def test_any_sequence_of_actions_reveals_only_after_closing_and_never_reopens_after_the_reveal(kind, actions):
    stage, history = initial_stage(kind), [initial_stage(kind)]
    for action in actions:
        try:
            stage = transition(kind, stage, action, **GUARD_DATA)
        except IllegalTransition:
            continue
        history.append(stage)
    assert set(history) <= set(STAGES[kind])
    for before, after in zip(history, history[1:]):
        if after == "revealed":
            assert before == "scoring_closed"
    if "revealed" in history:
        assert "scoring_open" not in history[history.index("revealed"):]


# --- decisions ---------------------------------------------------------------------------

TODAY = dt.date(2026, 5, 1)
TEAM = [{"name": " 李纪检 ", "role": "discipline_inspector"}, {"name": "王代表", "role": "deputy"},
        {"name": "赵群众", "role": "citizen_rep"}]


def test_a_pass_may_carry_a_note_or_nothing():
    assert validate_decision("pass", {}, today=TODAY) == {"note": ""}
    assert validate_decision("pass", {"note": " 群众满意 "}, today=TODAY) == {"note": "群众满意"}


def test_a_rectification_is_normalised_to_stripped_text_and_an_iso_date():
    detail = {"items": [" 补走访18户 ", "低保复核"], "deadline": "2026-05-16", "responsible": " 孙兆龙 "}
    assert validate_decision("rectification", detail, today=TODAY) == {
        "items": ["补走访18户", "低保复核"], "deadline": "2026-05-16", "responsible": "孙兆龙", "note": ""}


def test_a_rectification_deadline_may_be_today():
    assert validate_decision("rectification", {"items": ["x"], "deadline": "2026-05-01", "responsible": "甲"},
                             today=TODAY)["deadline"] == "2026-05-01"


def test_today_may_be_given_as_a_datetime():
    detail = {"items": ["x"], "deadline": "2026-05-01", "responsible": "甲"}
    assert validate_decision("rectification", detail, today=dt.datetime(2026, 5, 1, 23, 59))["deadline"] == "2026-05-01"


BAD_RECTIFICATIONS = [
    ("no items", {"deadline": "2026-06-01", "responsible": "甲"}, "items", "required"),
    ("empty items", {"items": [], "deadline": "2026-06-01", "responsible": "甲"}, "items", "required"),
    ("items as a string", {"items": "补走访", "deadline": "2026-06-01", "responsible": "甲"}, "items", "required"),
    ("blank item", {"items": ["ok", "  "], "deadline": "2026-06-01", "responsible": "甲"}, "items[1]", "required"),
    ("item not text", {"items": [3], "deadline": "2026-06-01", "responsible": "甲"}, "items[0]", "type"),
    ("too many items", {"items": ["x"] * 21, "deadline": "2026-06-01", "responsible": "甲"}, "items", "too_many"),
    ("overlong item", {"items": ["x" * 201], "deadline": "2026-06-01", "responsible": "甲"}, "items[0]", "too_long"),
    ("no deadline", {"items": ["x"], "responsible": "甲"}, "deadline", "required"),
    ("deadline in the past", {"items": ["x"], "deadline": "2026-04-30", "responsible": "甲"}, "deadline", "past"),
    ("slashed deadline", {"items": ["x"], "deadline": "2026/06/01", "responsible": "甲"}, "deadline", "format"),
    ("compact deadline", {"items": ["x"], "deadline": "20260601", "responsible": "甲"}, "deadline", "format"),
    ("impossible deadline", {"items": ["x"], "deadline": "2026-02-30", "responsible": "甲"}, "deadline", "format"),
    ("deadline as a date object", {"items": ["x"], "deadline": dt.date(2026, 6, 1), "responsible": "甲"}, "deadline", "format"),
    ("no responsible person", {"items": ["x"], "deadline": "2026-06-01"}, "responsible", "required"),
    ("blank responsible person", {"items": ["x"], "deadline": "2026-06-01", "responsible": " "}, "responsible", "required"),
    ("unknown field", {"items": ["x"], "deadline": "2026-06-01", "responsible": "甲", "team": []}, "team", "unexpected"),
]


@pytest.mark.parametrize("detail, field, code", [b[1:] for b in BAD_RECTIFICATIONS], ids=[b[0] for b in BAD_RECTIFICATIONS])
def test_a_bad_rectification_is_refused_naming_the_field(detail, field, code):
    with pytest.raises(DecisionError) as err:
        validate_decision("rectification", detail, today=TODAY)
    assert (err.value.field, err.value.code) == (field, code)


def test_an_investigation_with_an_inspector_a_deputy_and_a_citizen_rep_is_valid():
    out = validate_decision("investigation", {"reason": "干部与联系户说法不一", "team": TEAM, "report_by": "2026-05-15"},
                            today=TODAY)
    assert out == {"reason": "干部与联系户说法不一", "report_by": "2026-05-15", "note": "",
                   "team": [{"name": "李纪检", "role": "discipline_inspector"}, {"name": "王代表", "role": "deputy"},
                            {"name": "赵群众", "role": "citizen_rep"}]}
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out


def test_an_investigation_needs_no_deputy():
    out = validate_decision("investigation", {"reason": "r", "team": [TEAM[0], TEAM[2]]}, today=TODAY)
    assert [m["role"] for m in out["team"]] == ["discipline_inspector", "citizen_rep"] and out["report_by"] is None


BAD_INVESTIGATIONS = [
    ("no reason", {"team": TEAM}, "reason", "required"),
    ("no team", {"reason": "r"}, "team", "required"),
    ("no citizen rep", {"reason": "r", "team": TEAM[:2]}, "team", "missing_role"),
    ("no discipline inspector", {"reason": "r", "team": TEAM[1:]}, "team", "missing_role"),
    ("unknown role", {"reason": "r", "team": [*TEAM, {"name": "钱", "role": "journalist"}]}, "team[3].role", "role"),
    ("nameless member", {"reason": "r", "team": [*TEAM, {"name": "", "role": "deputy"}]}, "team[3].name", "required"),
    ("same person twice", {"reason": "r", "team": [*TEAM, {"name": "赵群众", "role": "deputy"}]}, "team[3].name", "duplicate"),
    ("member with an extra field", {"reason": "r", "team": [{**TEAM[0], "phone": "138"}]}, "team[0].phone", "unexpected"),
    ("member not an object", {"reason": "r", "team": ["李纪检"]}, "team[0]", "type"),
    ("report date in the past", {"reason": "r", "team": TEAM, "report_by": "2026-01-01"}, "report_by", "past"),
]


@pytest.mark.parametrize("detail, field, code", [b[1:] for b in BAD_INVESTIGATIONS], ids=[b[0] for b in BAD_INVESTIGATIONS])
def test_a_bad_investigation_is_refused_naming_the_field(detail, field, code):
    with pytest.raises(DecisionError) as err:
        validate_decision("investigation", detail, today=TODAY)
    assert (err.value.field, err.value.code) == (field, code)


def test_a_discipline_referral_needs_a_reason():
    assert validate_decision("discipline", {"reason": "伪造签字"}, today=TODAY) == {"reason": "伪造签字", "note": ""}
    with pytest.raises(DecisionError) as err:
        validate_decision("discipline", {"note": "x"}, today=TODAY)
    assert (err.value.field, err.value.code) == ("reason", "required")


def test_an_unknown_decision_kind_or_a_detail_that_is_not_an_object_is_refused():
    with pytest.raises(DecisionError) as err:
        validate_decision("praise", {}, today=TODAY)
    assert err.value.field == "kind"
    with pytest.raises(DecisionError):
        validate_decision("pass", ["note"], today=TODAY)  # type: ignore[arg-type]


def test_a_pass_refuses_fields_of_other_decisions():
    with pytest.raises(DecisionError) as err:
        validate_decision("pass", {"deadline": "2026-06-01"}, today=TODAY)
    assert (err.value.field, err.value.code) == ("deadline", "unexpected")
