"""The pure rules of follow-up cases: life cycle, deadlines, overdue, escalation (clock injected)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scoring import cases as rules
from scoring import deadlines
from scoring.cases import CaseError
from scoring.deadlines import Policy

P = Policy()
D = dt.date


def opened(kind="rectification", on=D(2026, 3, 24), deadline=D(2026, 5, 31)):
    return rules.new_case(kind, on, deadline, P)


# --- time zone and days ---------------------------------------------------------------------

def test_the_local_day_is_the_day_in_beijing_not_in_utc():
    assert deadlines.local_date(dt.datetime(2026, 3, 24, 15, 59, 59)) == D(2026, 3, 24)   # 23:59:59 in Beijing
    assert deadlines.local_date(dt.datetime(2026, 3, 24, 16, 0, 0)) == D(2026, 3, 25)     # 00:00 next day
    aware = dt.datetime(2026, 3, 25, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert deadlines.local_date(aware) == D(2026, 3, 25)
    assert deadlines.local_date(dt.datetime(2026, 3, 24, 16, 0), "UTC") == D(2026, 3, 24)


def test_the_reply_is_due_fifteen_calendar_days_after_opening_never_after_the_deadline():
    assert opened().reply_due == D(2026, 4, 8)
    assert opened(deadline=D(2026, 4, 1)).reply_due == D(2026, 4, 1)
    assert rules.new_case("rectification", D(2026, 12, 20), None, P).reply_due == D(2027, 1, 4)   # across the year
    assert rules.new_case("rectification", D(2028, 2, 20), None, P).reply_due == D(2028, 3, 6)    # leap February
    assert opened().deadline == D(2026, 5, 31)
    assert rules.new_case("rectification", D(2026, 3, 24), None, P).deadline == D(2026, 4, 23)


def test_an_investigation_has_no_reply_period_and_its_findings_are_due_by_report_by():
    case = opened("investigation", deadline=D(2026, 4, 10))
    assert case.status == "team_formed" and case.reply_due is None and case.deadline == D(2026, 4, 10)
    assert opened("investigation", deadline=None).deadline == D(2026, 4, 23)


def test_the_due_day_itself_is_on_time_and_the_next_day_is_overdue():
    case = opened()
    assert rules.assess(case, D(2026, 4, 8), P).overdue_reason is None
    late = rules.assess(case, D(2026, 4, 9), P)
    assert (late.overdue_reason, late.overdue_since, late.escalation) == ("reply", D(2026, 4, 9), "unit")


def test_the_boundary_instant_is_midnight_in_beijing():
    case = opened()
    before = deadlines.local_date(dt.datetime(2026, 4, 8, 15, 59, 59, 999000))
    after = deadlines.local_date(dt.datetime(2026, 4, 8, 16, 0, 0))
    assert rules.assess(case, before, P).overdue_reason is None
    assert rules.assess(case, after, P).overdue_reason == "reply"


# --- escalation -----------------------------------------------------------------------------

@pytest.mark.parametrize("today,level", [
    (D(2026, 4, 9), "unit"), (D(2026, 4, 15), "unit"), (D(2026, 4, 16), "township"),
    (D(2026, 4, 22), "township"), (D(2026, 4, 23), "county"), (D(2027, 1, 1), "county")])
def test_an_overdue_case_escalates_to_the_township_after_7_days_and_to_the_county_after_14(today, level):
    assert rules.assess(opened(), today, P).escalation == level


def test_escalation_intervals_are_configurable_and_checked():
    fast = Policy(township_after_days=1, county_after_days=2)
    assert rules.assess(opened(), D(2026, 4, 10), fast).escalation == "township"
    assert rules.assess(opened(), D(2026, 4, 11), fast).escalation == "county"
    with pytest.raises(ValueError):
        Policy(township_after_days=5, county_after_days=5)
    with pytest.raises(ValueError):
        Policy(reply_days=0)


def test_assessing_is_idempotent_and_the_level_never_goes_down():
    case = opened()
    once = rules.apply_assessment(case, rules.assess(case, D(2026, 4, 25), P))
    assert once.escalation == "county"
    assert rules.assess(once, D(2026, 4, 25), P) == rules.assessment_of(once)
    # A late reply clears the reply overdue but the county keeps watching.
    replied = rules.step(once, "reply", D(2026, 4, 26), P, "路灯已修好")
    assert replied.status == "replied" and replied.overdue_reason is None and replied.escalation == "county"


def test_completion_overdue_counts_from_the_deadline_even_after_a_reply():
    case = rules.step(opened(deadline=D(2026, 4, 30)), "reply", D(2026, 4, 1), P, "已安排施工")
    assert rules.assess(case, D(2026, 4, 30), P).overdue_reason is None
    late = rules.assess(case, D(2026, 5, 1), P)
    assert (late.overdue_reason, late.overdue_since) == ("completion", D(2026, 5, 1))


def test_both_overdue_counts_from_the_earlier_due_day_and_reports_completion():
    case = opened(deadline=D(2026, 4, 1))          # reply due 1 April = deadline
    late = rules.assess(case, D(2026, 4, 20), P)
    assert (late.overdue_reason, late.overdue_since, late.escalation) == ("completion", D(2026, 4, 2), "county")


def test_a_closed_case_is_never_overdue():
    case = rules.step(opened(), "override_close", D(2026, 4, 1), P, "群众已搬迁,经组织核实")
    assert rules.assess(case, D(2027, 1, 1), P).overdue_reason is None


def test_an_investigation_is_overdue_only_while_it_awaits_findings():
    case = opened("investigation", deadline=D(2026, 4, 10))
    assert rules.assess(case, D(2026, 4, 11), P).overdue_reason == "completion"
    found = rules.step(case, "record_findings", D(2026, 4, 12), P, "走访 31 户,实际 13 户")
    assert found.status == "findings" and found.overdue_reason is None


# --- life cycle -----------------------------------------------------------------------------

def test_the_usual_path_is_open_replied_return_visit_closed():
    case = opened()
    case = rules.step(case, "reply", D(2026, 4, 1), P, "已为三户办理低保复核")
    assert (case.status, case.replied_on) == ("replied", D(2026, 4, 1))
    case = rules.step(case, "start_return_visit", D(2026, 5, 1), P)
    case = rules.step(case, rules.visit_action("satisfied"), D(2026, 5, 2), P)
    assert (case.status, case.closed_on, case.closed_by_override) == ("closed", D(2026, 5, 2), False)


@pytest.mark.parametrize("outcome", ["unsatisfied", "contradicting"])
def test_not_satisfied_means_not_closed_the_case_reopens_with_a_new_reply_period(outcome):
    case = rules.step(opened(), "reply", D(2026, 4, 1), P, "已解决")
    case = rules.step(case, "start_return_visit", D(2026, 5, 1), P)
    with pytest.raises(CaseError) as err:
        rules.step(case, rules.visit_action(outcome), D(2026, 5, 2), P, "")
    assert err.value.code == "case_reason_required"
    case = rules.step(case, rules.visit_action(outcome), D(2026, 5, 2), P, "卫生室还是缺药")
    assert (case.status, case.reopen_count, case.replied_on, case.closed_on) == ("reopened", 1, None, None)
    assert case.reply_due == D(2026, 5, 17) and case.deadline == D(2026, 5, 31)
    assert rules.actions("rectification", "reopened")[0] == "reply"


def test_a_reopened_case_past_its_deadline_still_gets_a_full_reply_period_but_stays_overdue():
    case = rules.step(opened(deadline=D(2026, 4, 30)), "reply", D(2026, 4, 1), P, "已解决")
    case = rules.step(case, "start_return_visit", D(2026, 5, 5), P)
    case = rules.step(case, "visit_unsatisfied", D(2026, 5, 6), P, "没有解决")
    assert case.reply_due == D(2026, 5, 21)
    assert (case.overdue_reason, case.overdue_since) == ("completion", D(2026, 5, 1))


def test_closing_needs_a_satisfied_return_visit_or_an_override_with_a_reason():
    case = rules.step(opened(), "reply", D(2026, 4, 1), P, "已解决")
    for action in ("visit_satisfied", "accept_outcome", "close"):
        with pytest.raises(CaseError) as err:
            rules.step(case, action, D(2026, 4, 2), P, "x")
        assert err.value.code == "case_transition_refused"
    with pytest.raises(CaseError) as err:
        rules.step(case, "override_close", D(2026, 4, 2), P, "   ")
    assert err.value.code == "case_reason_required"
    closed = rules.step(case, "override_close", D(2026, 4, 2), P, "户主已去世,其子女确认")
    assert closed.status == "closed" and closed.closed_by_override
    assert rules.public_view(closed)["closed_by_override"] is True


def test_a_closed_case_can_be_reopened_and_then_is_no_longer_an_override():
    closed = rules.step(opened(), "override_close", D(2026, 4, 2), P, "核实")
    again = rules.step(closed, "reopen", D(2026, 6, 1), P, "群众投诉:问题复发")
    assert (again.status, again.closed_by_override, again.reopen_count) == ("reopened", False, 1)


def test_an_investigation_goes_to_findings_then_cleared_or_confirmed_and_stops_there():
    case = opened("investigation", deadline=D(2026, 4, 10))
    with pytest.raises(CaseError):
        rules.step(case, "reply", D(2026, 4, 1), P, "x")
    found = rules.step(case, "record_findings", D(2026, 4, 2), P, "问卷代签属实")
    assert rules.actions("investigation", "findings") == ("clear", "confirm")
    confirmed = rules.step(found, "confirm", D(2026, 4, 3), P, "弄虚作假")
    assert confirmed.status == "confirmed" and rules.actions("investigation", "confirmed") == ()
    assert rules.step(found, "clear", D(2026, 4, 3), P, "说法一致").status == "cleared"


def test_a_penalty_case_closes_when_the_organiser_accepts_the_reported_outcome():
    case = opened("penalty", deadline=None)
    assert case.deadline == D(2026, 5, 23)
    case = rules.step(case, "reply", D(2026, 4, 1), P, "给予党内警告处分")
    assert rules.step(case, "accept_outcome", D(2026, 4, 2), P, "处分决定已公开").status == "closed"
    assert rules.step(case, "reopen", D(2026, 4, 2), P, "处分过轻").status == "reopened"


def test_unknown_kinds_outcomes_and_too_long_reasons_are_refused_with_codes():
    with pytest.raises(CaseError) as err:
        rules.new_case("party", D(2026, 1, 1), None, P)
    assert err.value.code == "case_kind_unknown"
    with pytest.raises(CaseError) as err:
        rules.visit_action("maybe")
    assert err.value.code == "case_outcome_unknown"
    with pytest.raises(CaseError) as err:
        rules.step(opened(), "reply", D(2026, 4, 1), P, "长" * 501)
    assert err.value.code == "case_reason_too_long"


def test_every_decision_but_a_pass_opens_a_case():
    from scoring.stages import DECISION_KINDS

    assert set(rules.DECISION_CASE_KIND) == set(DECISION_KINDS) - {"pass"}
    assert set(rules.DECISION_CASE_KIND.values()) <= set(rules.KINDS)


def test_public_codes():
    assert rules.case_code(D(2026, 3, 24), 2, 1) == "2026-03-24-R2-01"
    assert rules.case_code(D(2026, 5, 19), None, 12) == "2026-05-19-12"
    assert rules.child_code("2026-03-24-R2-01", 1) == "2026-03-24-R2-01-P1"


def test_every_status_is_reachable_and_the_diagram_lists_every_edge():
    for kind in rules.KINDS:
        seen, todo = set(), [rules.initial_status(kind)]
        while todo:
            status = todo.pop()
            if status in seen:
                continue
            seen.add(status)
            todo += [rules.target(kind, status, a) for a in rules.actions(kind, status)]
        graph = rules._GRAPH[kind]
        assert seen == set(graph)
        assert rules.mermaid(kind).count("-->") == 1 + sum(len(edges) for edges in graph.values())


def test_states_are_plain_frozen_values():
    case = opened()
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.status = "closed"  # type: ignore[misc]


def test_the_organisers_guide_shows_the_life_cycles_the_rules_enforce():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "FOLLOWUP.md").read_text(encoding="utf-8")
    for kind in ("rectification", "penalty", "investigation"):
        assert f"```mermaid\n{rules.mermaid(kind)}\n```" in doc
