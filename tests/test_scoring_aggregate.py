"""Aggregation rules, rounding, grade bands and the outlier flag (scoring/aggregate.py)."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from scoring.aggregate import (BAND_MIN_RANGE, DEFAULT_BANDS, MAX_BANDS, QUORUM_RANGE, Band, BandError, QuorumNotMet,
                               aggregate, bands_from_json, bands_to_json, grade_for, outlier_checks, outliers,
                               round_half_up, tally)

PROPS = settings(max_examples=300, deadline=None, database=None, derandomize=True)


def ds(*values) -> list[D]:
    return [D(str(v)) for v in values]


# --- trimmed mean ------------------------------------------------------------------------

def test_a_trimmed_mean_of_exactly_five_drops_one_highest_and_one_lowest():
    r = aggregate(ds(80, 90, 85, 70, 95), "trimmed_mean", 5)
    assert (r.final, r.rule_applied, r.count) == (D("85.00"), "trimmed_mean", 5)
    assert (r.dropped_high_index, r.dropped_low_index) == (4, 3)


def test_a_trimmed_mean_of_four_falls_back_to_the_plain_mean_and_says_so():
    r = aggregate(ds(80, 90, 85, 70), "trimmed_mean", 3)
    assert (r.rule, r.rule_applied, r.final) == ("trimmed_mean", "mean", D("81.25"))
    assert (r.dropped_high_index, r.dropped_low_index) == (None, None)


def test_a_tie_at_the_top_drops_only_the_last_of_the_tied_highest():
    r = aggregate(ds(90, 95, 80, 95, 85), "trimmed_mean", 5)
    assert (r.dropped_high_index, r.dropped_low_index) == (3, 2)
    assert r.exact == Fraction(90 + 95 + 85, 3)


def test_a_tie_at_the_bottom_drops_only_the_first_of_the_tied_lowest():
    r = aggregate(ds(70, 80, 90, 70, 85), "trimmed_mean", 5)
    assert (r.dropped_high_index, r.dropped_low_index) == (2, 0)
    assert r.exact == Fraction(80 + 70 + 85, 3)
    assert r.final == D("78.33")


def test_all_equal_ballots_drop_two_different_rows_and_keep_the_value():
    r = aggregate(ds(88, 88, 88, 88, 88, 88), "trimmed_mean", 5)
    assert (r.dropped_high_index, r.dropped_low_index) == (5, 0)
    assert (r.final, r.raw, r.raw_is_exact) == (D("88.00"), D(88), True)


def test_the_default_quorum_of_five_with_six_ballots_trims_to_four():
    r = aggregate(ds(91, 86, 88, 79, 95, 90), "trimmed_mean", 5)
    assert r.exact == Fraction(91 + 86 + 88 + 90, 4)
    assert r.final == D("88.75")


# --- plain mean and median ---------------------------------------------------------------

def test_the_plain_mean_keeps_every_ballot():
    r = aggregate(ds(100, 0, 50, 50, 50), "mean", 5)
    assert (r.final, r.rule_applied, r.dropped_high_index) == (D("50.00"), "mean", None)


def test_the_median_of_an_odd_count_is_the_middle_value():
    assert aggregate(ds(60, 95, 88, 70, 91), "median", 5).final == D("88.00")


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    r = aggregate(ds(60, 95, 88, 70), "median", 4)
    assert r.exact == Fraction(79)
    assert aggregate(ds("87.12", "87.13", 50, 99), "median", 4).final == D("87.13")


def test_the_median_with_tied_middle_values_is_that_value():
    assert aggregate(ds(80, 85, 85, 85, 99, 10), "median", 1).final == D("85.00")


# --- rounding ----------------------------------------------------------------------------

def test_an_exact_mean_of_87_125_rounds_half_up_to_87_13():
    r = aggregate(ds(87, 87, "87.375"), "mean", 3)
    assert r.exact == Fraction("87.125")
    assert (r.final, r.raw) == (D("87.13"), D("87.125"))


def test_half_up_is_not_bankers_rounding():
    assert aggregate(ds("87.12", "87.13"), "mean", 1).final == D("87.13")
    assert aggregate(ds("87.14", "87.13"), "mean", 1).final == D("87.14")
    assert aggregate(ds(2, 3), "mean", 1, places=0).final == D(3)


def test_a_value_just_below_the_half_rounds_down():
    r = aggregate(ds("87.12", "87.129999"), "mean", 1)
    assert r.raw == D("87.1249995")
    assert r.final == D("87.12")


def test_rounding_happens_once_from_the_exact_value_never_twice():
    # Rounding 87.1249 to 3 places first would give 87.125 and then 87.13.
    r = aggregate(ds("87.1248", "87.125"), "mean", 1)
    assert r.raw == D("87.1249")
    assert r.final == D("87.12")


def test_a_repeating_mean_keeps_its_exact_fraction_and_flags_the_raw_as_inexact():
    r = aggregate(ds(1, 2, 2), "mean", 1)
    assert r.exact == Fraction(5, 3)
    assert r.raw_is_exact is False
    assert str(r.raw).startswith("1.6666666666")
    assert r.final == D("1.67")


def test_the_final_keeps_its_trailing_zeros_for_display():
    assert format(aggregate(ds(90, 90), "mean", 1).final, "f") == "90.00"
    assert format(aggregate(ds(90, 91), "mean", 1, places=1).final, "f") == "90.5"
    assert format(aggregate(ds(90, 91), "mean", 1, places=0).final, "f") == "91"


def test_ten_ballots_of_a_tenth_average_to_exactly_a_tenth():
    r = aggregate(["0.1"] * 10, "mean", 10, places=6)
    assert (r.raw, r.raw_is_exact, r.final) == (D("0.1"), True, D("0.100000"))
    assert sum([0.1] * 10) != 1.0  # what floats would have done


def test_many_identical_decimals_keep_their_exact_value():
    r = aggregate(["33.3"] * 37, "trimmed_mean", 5, places=1)
    assert (r.raw, r.final) == (D("33.3"), D("33.3"))


def test_round_half_up_handles_zero_and_negatives_symmetrically():
    assert round_half_up(Fraction(0), 2) == D("0.00")
    assert round_half_up(Fraction(-1, 1000), 2) == D("0.00") and not round_half_up(Fraction(-1, 1000), 2).is_signed()
    assert round_half_up(Fraction("-2.5"), 0) == D(-3)


# --- quorum and bad input ----------------------------------------------------------------

def test_fewer_ballots_than_the_quorum_raise_quorum_not_met():
    with pytest.raises(QuorumNotMet) as err:
        aggregate(ds(90, 91, 92, 93), "trimmed_mean", 5)
    assert (err.value.count, err.value.quorum) == (4, 5)


def test_exactly_the_quorum_is_enough():
    assert aggregate(ds(90, 91, 92, 93, 94), "trimmed_mean", 5).quorum_met is True


def test_a_provisional_aggregate_below_quorum_says_quorum_is_not_met():
    r = aggregate(ds(90, 92), "mean", 5, require_quorum=False)
    assert (r.quorum_met, r.final) == (False, D("91.00"))


def test_no_ballots_at_all_always_raise_quorum_not_met():
    for require in (True, False):
        with pytest.raises(QuorumNotMet):
            aggregate([], "mean", 1, require_quorum=require)


def test_float_totals_are_refused():
    with pytest.raises(TypeError):
        aggregate([90.5, 91], "mean", 1)


def test_totals_may_be_ints_decimals_or_decimal_strings():
    assert aggregate([90, D("91.5"), "92.5"], "mean", 1).exact == Fraction(274, 3)


@pytest.mark.parametrize("rule, quorum, places", [("average", 1, 2), ("mean", 0, 2), ("mean", True, 2),
                                                  ("mean", 1, 7), ("mean", 1, -1), ("mean", "5", 2)])
def test_a_bad_rule_quorum_or_places_is_a_value_error(rule, quorum, places):
    with pytest.raises(ValueError):
        aggregate(ds(90), rule, quorum, places)


def test_the_result_serialises_to_json_with_decimals_as_strings():
    data = aggregate(ds(1, 2, 2, 9, 0), "trimmed_mean", 5).to_json()
    assert json.loads(json.dumps(data)) == data
    assert (data["final"], data["exact"], data["raw_is_exact"]) == ("1.67", "5/3", False)
    assert (data["dropped_high_index"], data["dropped_low_index"]) == (3, 4)


# --- grade bands -------------------------------------------------------------------------

@pytest.mark.parametrize("score, key", [
    ("100", "excellent"), ("90", "excellent"), ("90.00", "excellent"), ("89.99", "qualified"),
    ("75", "qualified"), ("74.99", "basically_qualified"), ("60", "basically_qualified"),
    ("59.99", "unqualified"), ("0", "unqualified")])
def test_default_band_boundaries_are_inclusive_at_the_minimum(score, key):
    assert grade_for(D(score)).key == key


def test_the_grade_uses_the_rounded_final_that_the_hall_sees():
    r = aggregate(ds("89.99", 90), "mean", 1)
    assert r.raw == D("89.995") and r.final == D("90.00")
    assert grade_for(r.final).label_zh == "优秀"
    assert grade_for(r.raw).label_zh == "合格"  # why the raw value must not be used


def test_the_default_bands_carry_their_chinese_labels():
    assert [b.label_zh for b in DEFAULT_BANDS] == ["优秀", "合格", "基本合格", "不合格"]


def test_custom_bands_round_trip_through_json_and_grade():
    data = [{"key": "good", "label_zh": "好", "label_en": "Good", "min": "80"},
            {"key": "bad", "label_zh": "差", "min": 0}]
    bands = bands_from_json(data)
    assert bands_to_json(bands) == [data[0], {"key": "bad", "label_zh": "差", "label_en": "bad", "min": "0"}]
    assert grade_for(D("79.99"), bands).key == "bad"
    assert bands_from_json(bands_to_json(DEFAULT_BANDS)) == DEFAULT_BANDS


BAD_BANDS = [
    ("not a list", {"min": 0}, "bands", "type"),
    ("empty", [], "bands", "count"),
    ("ascending", [{"key": "a", "label_zh": "甲", "min": 0}, {"key": "b", "label_zh": "乙", "min": 60}], "bands[1].min", "order"),
    ("repeated minimum", [{"key": "a", "label_zh": "甲", "min": 60}, {"key": "b", "label_zh": "乙", "min": 60},
                          {"key": "c", "label_zh": "丙", "min": 0}], "bands[1].min", "order"),
    ("duplicate key", [{"key": "a", "label_zh": "甲", "min": 60}, {"key": "a", "label_zh": "乙", "min": 0}], "bands[1].key", "duplicate"),
    ("bottom not covered", [{"key": "a", "label_zh": "甲", "min": 60}], "bands[0].min", "bottom"),
    ("above the full mark", [{"key": "a", "label_zh": "甲", "min": 101}, {"key": "b", "label_zh": "乙", "min": 0}], "bands[0].min", "out_of_range"),
    ("negative", [{"key": "a", "label_zh": "甲", "min": -5}], "bands[0].min", "out_of_range"),
    ("missing min", [{"key": "a", "label_zh": "甲"}], "bands[0].min", "missing"),
    ("unknown field", [{"key": "a", "label_zh": "甲", "min": 0, "max": 100}], "bands[0].max", "unexpected"),
    ("blank label", [{"key": "a", "label_zh": " ", "min": 0}], "bands[0].label_zh", "label"),
    ("min not a number", [{"key": "a", "label_zh": "甲", "min": "zero"}], "bands[0].min", "format"),
]


@pytest.mark.parametrize("data, field, code", [b[1:] for b in BAD_BANDS], ids=[b[0] for b in BAD_BANDS])
def test_bad_bands_are_refused_naming_the_field_and_a_code(data, field, code):
    with pytest.raises(BandError) as err:
        bands_from_json(data)
    assert (err.value.field, err.value.code) == (field, code)


def test_grade_for_refuses_floats_and_scores_below_every_band():
    with pytest.raises(TypeError):
        grade_for(90.0)
    with pytest.raises(ValueError):
        grade_for(D(-1))


def test_grade_for_refuses_bands_that_are_not_valid():
    with pytest.raises(BandError):
        grade_for(D(50), (Band("a", "甲", "A", D(60)),))


# --- outlier flag ------------------------------------------------------------------------

def test_a_juror_far_below_the_others_is_flagged():
    assert outliers(ds(88, 90, 91, 89, 60)) == [4]


def test_the_outlier_check_explains_itself_with_the_median_and_mad_of_the_others():
    check = outlier_checks(ds(88, 90, 91, 89, 60))[4]
    assert (check.median_others, check.mad_others, check.threshold, check.distance, check.far) == (
        D("89.5"), D(1), D(15), D("29.5"), True)


def test_a_flagged_ballot_is_still_counted_by_the_aggregate():
    t = tally(ds(88, 90, 91, 89, 60), rule="mean", quorum=5)
    assert t.outliers == (4,)
    assert t.result.exact == Fraction(88 + 90 + 91 + 89 + 60, 5)
    assert t.result.count == 5


def test_close_scores_flag_nobody():
    assert outliers(ds(85, 86, 84, 87, 85, 83, 88)) == []


def test_fewer_than_four_ballots_flag_nothing():
    assert outliers(ds(90, 90, 10)) == []
    assert outliers(ds(90, 10)) == [] and outliers([]) == []


def test_four_ballots_can_flag_a_lone_outlier():
    assert outliers(ds(88, 90, 91, 40)) == [3]


def test_a_panel_split_two_against_two_flags_nobody():
    assert outliers(ds(95, 95, 60, 60)) == []


def test_a_minority_of_two_far_from_three_agreeing_jurors_is_flagged():
    assert outliers(ds(95, 60, 95, 60, 60)) == [0, 2]


def test_the_floor_keeps_unanimous_panels_from_flagging_small_differences():
    assert outliers(ds(90, 90, 90, 90, 80)) == []
    assert outliers(ds(90, 90, 90, 90, 75)) == []      # exactly the floor: not beyond it
    assert outliers(ds(90, 90, 90, 90, "74.5")) == [4]


def test_an_evenly_spread_panel_flags_nobody():
    assert outliers(ds(20, 40, 60, 80, 100)) == []


def test_k_and_floor_can_be_tuned():
    assert outliers(ds(90, 90, 90, 90, 84), floor=D(5)) == [4]
    assert outliers(ds(88, 90, 91, 89, 60), k=D(3), floor=D(30)) == []


def test_the_tally_combines_aggregate_band_and_outliers_for_the_round_result():
    data = tally(ds(88, 90, 91, 89, 60), quorum=5).to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (data["final"], data["band"]["label_zh"], data["outliers"]) == ("89.00", "合格", [4])
    assert (data["dropped_high_index"], data["dropped_low_index"]) == (2, 4)


# --- properties --------------------------------------------------------------------------

totals = st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
                  min_size=1, max_size=25)


@PROPS
@given(totals, st.sampled_from(["trimmed_mean", "mean", "median"]))
def test_any_aggregate_lies_between_the_lowest_and_highest_ballot(values, rule):
    r = aggregate(values, rule, 1)
    assert min(values) <= r.exact <= max(values)
    assert min(values) <= r.final <= max(values)  # the ballots are on the same 2-place grid


@PROPS
@given(totals, st.sampled_from(["trimmed_mean", "mean", "median"]), st.randoms(use_true_random=False))
def test_the_final_score_does_not_depend_on_the_order_of_the_ballots(values, rule, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert aggregate(values, rule, 1).final == aggregate(shuffled, rule, 1).final


@PROPS
@given(totals.filter(lambda v: len(v) >= 5))
def test_the_trimmed_rows_are_a_highest_and_a_lowest_ballot(values):
    r = aggregate(values, "trimmed_mean", 5)
    assert r.dropped_high_index != r.dropped_low_index
    assert values[r.dropped_high_index] == max(values) and values[r.dropped_low_index] == min(values)
    assert r.exact * (len(values) - 2) == sum(map(Fraction, values)) - Fraction(max(values)) - Fraction(min(values))


@PROPS
@given(st.decimals(min_value=-1000, max_value=1000, places=5, allow_nan=False, allow_infinity=False),
       st.integers(0, 4))
def test_round_half_up_agrees_with_decimal_quantize_on_terminating_values(value, places):
    expected = value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_half_up(Fraction(value), places) == expected


@PROPS
@given(totals)
def test_outliers_are_always_a_strict_minority_of_valid_indices(values):
    flagged = outliers(values)
    assert 2 * len(flagged) < len(values) or not flagged
    assert all(0 <= i < len(values) for i in flagged) and flagged == sorted(set(flagged))


@PROPS
@given(totals, st.randoms(use_true_random=False))
def test_the_outlier_flag_follows_the_ballot_not_its_position(values, rnd):
    order = list(range(len(values)))
    rnd.shuffle(order)
    shuffled = [values[i] for i in order]
    assert sorted(order[i] for i in outliers(shuffled)) == outliers(values)


# --- the ranges the set-up form shares with the core ---------------------------------------

def test_the_band_count_limit_is_max_bands_and_is_checked_before_the_rows():
    rows = [{"key": f"b{i}", "label_zh": "等", "min": MAX_BANDS - 1 - i} for i in range(MAX_BANDS)]
    assert len(bands_from_json(rows)) == MAX_BANDS
    with pytest.raises(BandError) as err:
        bands_from_json(rows + [{"key": "extra"}])
    assert (err.value.field, err.value.code) == ("bands", "count")


def test_a_band_may_start_anywhere_in_the_band_min_range_and_nowhere_else():
    low, high = BAND_MIN_RANGE
    assert bands_from_json([{"key": "a", "label_zh": "甲", "min": str(high)},
                            {"key": "b", "label_zh": "乙", "min": str(low)}])[0].min == high
    for bad in (low - 1, high + D("0.01")):
        with pytest.raises(BandError) as err:
            bands_from_json([{"key": "a", "label_zh": "甲", "min": str(bad)}, {"key": "b", "label_zh": "乙", "min": "0"}])
        assert err.value.code == "out_of_range"


def test_the_lowest_quorum_the_core_aggregates_with_is_the_bottom_of_the_quorum_range():
    assert aggregate(ds(80), "mean", QUORUM_RANGE[0]).final == D("80.00")
    with pytest.raises(ValueError):
        aggregate(ds(80), "mean", QUORUM_RANGE[0] - 1)
