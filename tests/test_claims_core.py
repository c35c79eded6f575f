"""The claims rule, pure: the cadre's claims beside the households' keypad answers."""
from __future__ import annotations

from fractions import Fraction

import pytest

from scoring.claims import Claims, ClaimsError, compare, hypergeometric_tail, validate


def _claims(visited=31, assigned=31, collected=10, resolved=10) -> Claims:
    return Claims(visited, assigned, collected, resolved)


def test_claims_default_their_assigned_households_to_the_cadres_household_count():
    got = validate({"visited": 13, "demands_collected": 4, "demands_resolved": 3}, default_assigned=31)
    assert got == Claims(13, 31, 4, 3) and got.to_json()["assigned"] == 31


@pytest.mark.parametrize("raw, code, field", [
    ([], "claims_not_object", ""),
    ({"visited": 1, "extra": 2}, "claims_unknown_fields", "extra"),
    ({"visited": "3", "demands_collected": 0, "demands_resolved": 0}, "claim_not_count", "visited"),
    ({"visited": True, "demands_collected": 0, "demands_resolved": 0}, "claim_not_count", "visited"),
    ({"visited": -1, "demands_collected": 0, "demands_resolved": 0}, "claim_out_of_range", "visited"),
    ({"visited": 32, "demands_collected": 0, "demands_resolved": 0}, "claim_visited_over_assigned", "visited"),
    ({"visited": 3, "demands_collected": 2, "demands_resolved": 3}, "claim_resolved_over_collected", "demands_resolved"),
    ({"visited": 0, "assigned": 0, "demands_collected": 0, "demands_resolved": 0}, "claim_no_households", "assigned"),
    ({"visited": 3, "demands_resolved": 0}, "claim_not_count", "demands_collected"),
])
def test_invalid_claims_are_refused_with_a_code_and_the_field(raw, code, field):
    with pytest.raises(ClaimsError) as exc:
        validate(raw, default_assigned=31)
    assert (exc.value.code, exc.value.field) == (code, field)


def test_no_answer_yet_is_pending():
    assert compare(_claims(), [{}, {"satisfaction": 4}]).level == "pending"


def test_claiming_every_household_visited_is_contradicted_by_the_first_household_saying_never():
    # Yishui: visited 13 of 31, claimed all 31.
    check = compare(_claims(), [{"visited": "yes"}, {"visited": "no"}])
    assert check.level == "contradiction" and check.codes == ("visits_all_claimed",)
    assert (check.answered, check.said_not_visited, check.said_visited) == (2, 1, 1)


def test_more_households_unvisited_than_the_cadre_admits_is_a_contradiction():
    check = compare(_claims(visited=30), [{"visited": "no"}, {"visited": "no"}])
    assert check.level == "contradiction" and check.codes == ("visits_fewer_than_claimed",)


def test_an_honest_claim_with_a_household_saying_never_visited_is_consistent():
    check = compare(_claims(visited=13), [{"visited": "no"}, {"visited": "yes"}])
    assert check.level == "consistent" and check.codes == ()
    assert check.visit_p == hypergeometric_tail(31, 18, 2, 1)


def test_an_unlikely_number_of_unvisited_answers_is_doubtful():
    # Claims 29 of 31 visited; 2 of 2 households called say never: P = C(2,2)/C(31,2) = 1/465.
    check = compare(_claims(visited=29), [{"visited": "no"}, {"visited": "no"}])
    assert check.level == "doubtful" and check.codes == ("visits_unlikely",)
    assert check.visit_p == Fraction(1, 465) and check.to_json()["visit_p"] == "0.0022"


def test_every_demand_claimed_resolved_against_an_unresolved_one_is_a_contradiction():
    check = compare(_claims(visited=13), [{"visited": "yes", "resolved": "no"}])
    assert check.level == "contradiction" and check.codes == ("demands_all_claimed_resolved",)
    assert (check.with_demand, check.said_unresolved) == (1, 1)


def test_every_demand_claimed_resolved_against_a_partly_resolved_one_is_doubtful():
    check = compare(_claims(visited=13), [{"visited": "yes", "resolved": "partly"}])
    assert check.level == "doubtful" and check.codes == ("demands_partly_resolved",)


def test_no_demand_collected_against_a_household_with_an_unresolved_demand_is_doubtful():
    check = compare(_claims(visited=13, collected=0, resolved=0), [{"resolved": "no"}, {"resolved": "none"}])
    assert check.level == "doubtful" and check.codes == ("demands_not_collected",) and check.with_demand == 1


def test_answers_agreeing_with_the_claims_are_consistent():
    check = compare(_claims(collected=5, resolved=4), [{"visited": "yes", "resolved": "no"},
                                                      {"visited": "yes", "resolved": "none"}])
    assert check.level == "consistent" and check.to_json()["level"] == "consistent"


def test_both_claims_can_fail_at_once_contradictions_first():
    check = compare(_claims(), [{"visited": "no", "resolved": "no"}])
    assert check.codes == ("visits_all_claimed", "demands_all_claimed_resolved")


def test_the_hypergeometric_tail_is_exact():
    assert hypergeometric_tail(10, 3, 2, 0) == 1
    assert hypergeometric_tail(10, 3, 2, 2) == Fraction(3, 45)
    with pytest.raises(ValueError):
        hypergeometric_tail(3, 1, 4, 1)
