"""The return visits' pick and survey rules (scoring.visits), pure."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from scoring import draw, visits

SEED = "0f" * 32
CODES = ["H0503", "H0501", "H0502", "H0504", "H0505"]


def test_the_pick_is_deterministic_and_orders_exactly_the_cases_households():
    first = visits.pick_order(SEED, "2026-03-24-R2-01", 1, CODES)
    again = visits.pick_order(SEED, "2026-03-24-R2-01", 1, list(reversed(CODES)))
    assert [p.code for p in first] == [p.code for p in again]
    assert sorted(p.code for p in first) == sorted(CODES)
    assert [p.slot for p in first] == [0, 1, 2, 3, 4] and [p.pool_size for p in first] == [5, 4, 3, 2, 1]


def test_each_visit_and_each_case_has_its_own_order():
    orders = {tuple(p.code for p in visits.pick_order(SEED, code, n, CODES))
              for code in ("2026-03-24-R2-01", "2026-03-24-R2-02") for n in (1, 2, 3)}
    assert len(orders) > 1
    assert (visits.visit_key(SEED, "2026-03-24-R2-01", 1) != visits.visit_key(SEED, "2026-03-24-R2-01", 2)
            != visits.visit_key(SEED, "2026-03-24-R2-02", 1))


def test_the_pick_re_derives_from_the_revealed_seed_with_the_draws_rejection_sampling():
    key = hmac.new(bytes.fromhex(SEED), b"return-visit|C-1|2", hashlib.sha256).digest()
    assert visits.visit_key(SEED, "C-1", 2) == key
    remaining = sorted(CODES)
    for pick in visits.pick_order(SEED, "C-1", 2, CODES, bits=8):
        index, attempt = draw.uniform_index(key, "visit", "", pick.slot, len(remaining), 8)
        assert (pick.index, pick.attempt) == (index, attempt)
        assert pick.code == remaining.pop(index)
    assert any(p.attempt > 0 for p in visits.pick_order(SEED, "C-1", 2, CODES, bits=8))  # rejections happened


def test_a_case_without_households_has_an_empty_order_and_visit_numbers_start_at_one():
    assert visits.pick_order(SEED, "C-1", 1, []) == []
    with pytest.raises(draw.DrawError):
        visits.visit_key(SEED, "C-1", 0)


def test_the_keypad_answers_and_what_they_mean():
    assert [visits.parse_digit("visit_resolved", d) for d in ("1", "2", "3", "4", "")] == [
        "yes", "partly", "no", None, None]
    assert [visits.parse_digit("visit_satisfaction", d) for d in ("1", "5", "6", "0", None)] == [1, 5, None, None, None]
    assert visits.next_step("visit_resolved") == "visit_satisfaction" and visits.next_step("visit_satisfaction") is None
    at = visits.SATISFIED_AT_LEAST
    assert visits.outcome({"visit_resolved": "yes", "visit_satisfaction": at}) == "satisfied"
    assert visits.outcome({"visit_resolved": "yes", "visit_satisfaction": at - 1}) == "unsatisfied"
    assert visits.outcome({"visit_resolved": "partly", "visit_satisfaction": 5}) == "unsatisfied"
    assert visits.outcome({"visit_resolved": "no", "visit_satisfaction": 5}) == "contradicting"
    assert not visits.complete({"visit_resolved": "yes"})
    with pytest.raises(ValueError):
        visits.outcome({"visit_resolved": "yes"})
    assert "satisfaction 2/5" in visits.reason(1, "H0501", {"visit_resolved": "partly", "visit_satisfaction": 2})
