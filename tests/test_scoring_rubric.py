"""The rubric and ballot validation (scoring/rubric.py): exact decimals, strict input."""
from __future__ import annotations

import json
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from scoring.aggregate import BANDS, bands_from_json
from scoring.rubric import (CRITERIA, CRITERION_LABEL_EN_MAX, CRITERION_LABEL_ZH_MAX, DEFAULT_RUBRIC, MAX_CRITERIA,
                            MAX_KEY_CHARS, Criterion, Rubric, RubricError, ScoreError, ballot_total, canonical,
                            decimal_str, parse_number, rubric_from_json, rubric_to_json, scores_to_json,
                            validate_scores)

PROPS = settings(max_examples=200, deadline=None, database=None, derandomize=True)


def crit(key="a", label="甲", weight="1", lo="0", hi="100", step="1") -> dict:
    return {"key": key, "label_zh": label, "weight": weight, "min": lo, "max": hi, "step": step}


WEIGHTED = rubric_from_json([crit("visits", hi="100", weight="0.3"), crit("demands", weight="0.3"),
                             crit("satisfaction", weight="0.3"), crit("report", weight="0.1")])
HALVES = rubric_from_json([crit("a", hi="50", step="0.5"), crit("b", hi="50", step="0.5")])
TENTHS = rubric_from_json([crit("a", hi="10", step="0.1", weight="10")])


# --- the default rubric ------------------------------------------------------------------

def test_the_default_rubric_has_yishuis_four_criteria_in_order():
    assert DEFAULT_RUBRIC.keys == ("visits", "demands", "satisfaction", "report")
    assert [c.label_zh for c in DEFAULT_RUBRIC] == ["走访联系户", "诉求收集与办理", "群众满意度", "述职质量"]


def test_the_default_rubric_adds_up_to_a_full_mark_of_100_from_0():
    assert DEFAULT_RUBRIC.full_mark == 100
    assert DEFAULT_RUBRIC.lowest_total == 0
    assert [(c.min, c.max, c.step, c.weight) for c in DEFAULT_RUBRIC] == [
        (0, 30, 1, 1), (0, 30, 1, 1), (0, 30, 1, 1), (0, 10, 1, 1)]


def test_the_default_rubric_survives_a_json_round_trip_with_decimals_as_strings():
    data = rubric_to_json(DEFAULT_RUBRIC)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data[0] == {"key": "visits", "label_zh": "走访联系户", "label_en": "Visits to contact households",
                       "weight": "1", "min": "0", "max": "30", "step": "1"}
    assert rubric_from_json(data) == DEFAULT_RUBRIC


def test_a_weighted_rubric_round_trips_without_changing_any_decimal():
    assert rubric_from_json(rubric_to_json(WEIGHTED)) == WEIGHTED
    assert rubric_to_json(WEIGHTED)[3]["weight"] == "0.1"


def test_rubric_from_json_fills_in_weight_min_step_and_english_label():
    rubric = rubric_from_json([{"key": "only", "label_zh": " 唯一 ", "max": 100}])
    assert rubric.criteria == (Criterion("only", "唯一", "only", D(1), D(0), D(100), D(1)),)


def test_weights_of_a_tenth_on_0_to_100_ranges_are_accepted_because_the_full_mark_is_100():
    assert WEIGHTED.full_mark == 100


def test_a_float_weight_is_read_as_the_decimal_it_shows():
    rubric = rubric_from_json([crit("a", weight=0.3), crit("b", weight=0.7)])
    assert [c.weight for c in rubric] == [D("0.3"), D("0.7")]


def test_the_rubric_type_validates_on_construction_too():
    with pytest.raises(RubricError) as err:
        Rubric((Criterion("a", "甲", "A", D(1), D(0), D(50), D(1)),))
    assert err.value.code == "full_mark"


BAD_RUBRICS = [
    ("not a list", {"key": "a"}, "criteria", "type"),
    ("empty", [], "criteria", "count"),
    ("thirteen criteria", [crit(f"k{i}", hi="1", step="1") for i in range(13)], "criteria", "count"),
    ("not an object", ["visits"], "criteria[0]", "type"),
    ("unknown field", [{**crit(), "wieght": "1"}], "criteria[0].wieght", "unexpected"),
    ("missing max", [{"key": "a", "label_zh": "甲"}], "criteria[0].max", "missing"),
    ("missing key", [{"label_zh": "甲", "max": 100}], "criteria[0].key", "missing"),
    ("key not text", [{**crit(), "key": 7}], "criteria[0].key", "type"),
    ("key not a slug", [crit("Visits")], "criteria[0].key", "format"),
    ("chinese key", [crit("走访")], "criteria[0].key", "format"),
    ("duplicate key", [crit("a", hi="50"), crit("a", hi="50")], "criteria[1].key", "duplicate"),
    ("blank label", [crit(label="  ")], "criteria[0].label_zh", "label"),
    ("zero weight", [crit(weight="0")], "criteria[0].weight", "not_positive"),
    ("negative weight", [crit(weight="-1")], "criteria[0].weight", "not_positive"),
    ("weight not a number", [crit(weight="heavy")], "criteria[0].weight", "format"),
    ("weight a bool", [crit(weight=True)], "criteria[0].weight", "type"),
    ("negative min", [crit(lo="-10", hi="100")], "criteria[0].min", "negative"),
    ("min equals max", [crit(lo="100", hi="100")], "criteria[0].max", "empty_range"),
    ("min above max", [crit(lo="50", hi="40")], "criteria[0].max", "empty_range"),
    ("zero step", [crit(step="0")], "criteria[0].step", "not_positive"),
    ("range not a multiple of the step", [crit(step="3")], "criteria[0].step", "off_step"),
    ("too many choices", [crit(step="0.01")], "criteria[0].step", "too_many_choices"),
    ("weights not summing to the full mark", [crit("a", weight="0.5"), crit("b", weight="0.4")], "criteria", "full_mark"),
    ("ranges summing to 90", [crit("a", hi="60"), crit("b", hi="30")], "criteria", "full_mark"),
    ("max NaN", [crit(hi="NaN")], "criteria[0].max", "format"),
]


@pytest.mark.parametrize("data, field, code", [b[1:] for b in BAD_RUBRICS], ids=[b[0] for b in BAD_RUBRICS])
def test_a_bad_rubric_is_refused_naming_the_field_and_a_code(data, field, code):
    with pytest.raises(RubricError) as err:
        rubric_from_json(data)
    assert (err.value.field, err.value.code) == (field, code)
    assert isinstance(err.value, ValueError)


# --- validate_scores ---------------------------------------------------------------------

GOOD = {"visits": 28, "demands": "27", "satisfaction": 29, "report": "8"}


def test_a_valid_ballot_comes_back_as_decimals_in_rubric_order():
    scores = validate_scores(DEFAULT_RUBRIC, {"report": 8, "satisfaction": 29, "demands": "27", "visits": 28})
    assert list(scores) == ["visits", "demands", "satisfaction", "report"]
    assert scores == {"visits": D(28), "demands": D(27), "satisfaction": D(29), "report": D(8)}
    assert all(type(v) is D for v in scores.values())


def test_the_ballot_total_of_the_default_rubric_is_the_plain_sum():
    assert ballot_total(DEFAULT_RUBRIC, validate_scores(DEFAULT_RUBRIC, GOOD)) == D(92)


def test_a_weighted_total_is_exact_with_no_float_drift():
    scores = validate_scores(WEIGHTED, {"visits": 93, "demands": 90, "satisfaction": 97, "report": 81})
    assert ballot_total(WEIGHTED, scores) == D("92.1")
    assert decimal_str(ballot_total(WEIGHTED, scores)) == "92.1"


def test_the_boundaries_of_each_range_are_valid_scores():
    assert ballot_total(DEFAULT_RUBRIC, validate_scores(DEFAULT_RUBRIC, dict.fromkeys(DEFAULT_RUBRIC.keys, 0))) == 0
    top = {"visits": 30, "demands": 30, "satisfaction": 30, "report": 10}
    assert ballot_total(DEFAULT_RUBRIC, validate_scores(DEFAULT_RUBRIC, top)) == 100


def test_a_float_on_the_step_is_accepted_exactly():
    assert validate_scores(HALVES, {"a": 8.5, "b": 49.5}) == {"a": D("8.5"), "b": D("49.5")}


def test_a_float_is_read_as_the_decimal_it_shows_not_its_binary_expansion():
    assert validate_scores(TENTHS, {"a": 8.3}) == {"a": D("8.3")}
    assert ballot_total(TENTHS, {"a": D("8.3")}) == D(83)


def test_decimal_strings_with_trailing_zeros_are_canonicalised():
    assert validate_scores(HALVES, {"a": "8.50", "b": D("10.0")}) == {"a": D("8.5"), "b": D(10)}
    assert str(validate_scores(HALVES, {"a": "8.50", "b": "10.0"})["b"]) == "10"


BAD_BALLOTS = [
    ("missing criterion", {k: v for k, v in GOOD.items() if k != "demands"}, "demands", "missing"),
    ("extra key", {**GOOD, "bonus": 5}, "bonus", "unexpected"),
    ("above max", {**GOOD, "report": 11}, "report", "out_of_range"),
    ("below min", {**GOOD, "visits": -1}, "visits", "out_of_range"),
    ("half point on a whole-point rubric", {**GOOD, "visits": "28.5"}, "visits", "off_step"),
    ("float off step", {**GOOD, "visits": 28.5}, "visits", "off_step"),
    ("bool", {**GOOD, "visits": True}, "visits", "type"),
    ("None", {**GOOD, "visits": None}, "visits", "type"),
    ("list", {**GOOD, "visits": [28]}, "visits", "type"),
    ("NaN float", {**GOOD, "visits": float("nan")}, "visits", "not_finite"),
    ("infinite float", {**GOOD, "visits": float("inf")}, "visits", "not_finite"),
    ("NaN decimal", {**GOOD, "visits": D("NaN")}, "visits", "not_finite"),
    ("NaN string", {**GOOD, "visits": "NaN"}, "visits", "format"),
    ("Infinity string", {**GOOD, "visits": "Infinity"}, "visits", "format"),
    ("letters", {**GOOD, "visits": "abc"}, "visits", "format"),
    ("empty string", {**GOOD, "visits": ""}, "visits", "format"),
    ("exponent string", {**GOOD, "visits": "2e1"}, "visits", "format"),
    ("float needing an exponent", {**GOOD, "visits": 1e-05}, "visits", "format"),
    ("comma decimal", {**GOOD, "visits": "28,5"}, "visits", "format"),
    ("surrounding spaces", {**GOOD, "visits": " 28"}, "visits", "format"),
    ("full-width digits", {**GOOD, "visits": "２８"}, "visits", "format"),
    ("huge string", {**GOOD, "visits": "9" * 10_000}, "visits", "too_long"),
    ("huge int", {**GOOD, "visits": 10 ** 40}, "visits", "too_long"),
    ("decimal with too many digits", {**GOOD, "visits": D("28." + "0" * 40 + "1")}, "visits", "too_long"),
]


@pytest.mark.parametrize("raw, field, code", [b[1:] for b in BAD_BALLOTS], ids=[b[0] for b in BAD_BALLOTS])
def test_a_bad_ballot_is_refused_naming_the_field_and_a_code(raw, field, code):
    with pytest.raises(ScoreError) as err:
        validate_scores(DEFAULT_RUBRIC, raw)
    assert (err.value.field, err.value.code) == (field, code)


def test_the_first_bad_criterion_in_rubric_order_is_named_before_an_extra_key():
    with pytest.raises(ScoreError) as err:
        validate_scores(DEFAULT_RUBRIC, {"zzz": 1, "visits": 28, "demands": 99, "satisfaction": "x", "report": 8})
    assert err.value.field == "demands"


def test_a_ballot_that_is_not_an_object_is_refused():
    with pytest.raises(ScoreError) as err:
        validate_scores(DEFAULT_RUBRIC, [28, 27, 29, 8])  # type: ignore[arg-type]
    assert (err.value.field, err.value.code) == ("", "type")


def test_score_error_is_a_value_error_with_a_readable_message():
    with pytest.raises(ValueError, match="report: must be between 0 and 10"):
        validate_scores(DEFAULT_RUBRIC, {**GOOD, "report": 12})


def test_scores_to_json_gives_canonical_strings():
    assert scores_to_json({"a": D("8.50"), "b": D("1E+1")}) == {"a": "8.5", "b": "10"}


def test_decimal_text_never_uses_scientific_notation():
    assert decimal_str(D("1E+2")) == "100"
    assert decimal_str(D("0.0000001")) == "0.0000001"
    assert decimal_str(D("-0.00")) == "0"
    assert canonical(D("87.120")) == D("87.12")


# --- properties --------------------------------------------------------------------------

default_ballots = st.fixed_dictionaries({"visits": st.integers(0, 30), "demands": st.integers(0, 30),
                                         "satisfaction": st.integers(0, 30), "report": st.integers(0, 10)})


@PROPS
@given(default_ballots)
def test_any_in_range_default_ballot_is_valid_and_totals_to_its_sum(raw):
    assert ballot_total(DEFAULT_RUBRIC, validate_scores(DEFAULT_RUBRIC, raw)) == sum(raw.values())


@PROPS
@given(st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 1000))
def test_a_weighted_total_equals_the_exact_rational_sum(v, d, s, r):
    raw = {"visits": v / 10 if v % 5 == 0 else f"{v // 10}.{v % 10}", "demands": D(d) / 10,
           "satisfaction": str(D(s) / 10), "report": D(r).scaleb(-1)}
    rubric = rubric_from_json([crit("visits", weight="0.3", step="0.1"), crit("demands", weight="0.3", step="0.1"),
                               crit("satisfaction", weight="0.3", step="0.1"), crit("report", weight="0.1", step="0.1")])
    total = ballot_total(rubric, validate_scores(rubric, raw))
    assert Fraction(total) == Fraction(3, 10) * Fraction(v + d + s, 10) + Fraction(1, 10) * Fraction(r, 10)


@PROPS
@given(st.decimals(min_value=-10 ** 9, max_value=10 ** 9, places=6, allow_nan=False, allow_infinity=False))
def test_a_decimal_survives_the_trip_through_its_json_text(value):
    assert parse_number(decimal_str(value)) == value


# --- the row rules criteria and bands share ------------------------------------------------

def test_criteria_and_grade_bands_are_checked_by_one_row_validator():
    assert type(CRITERIA) is type(BANDS)
    longest = "k" * MAX_KEY_CHARS
    assert rubric_from_json([crit(longest)]).keys == (longest,)
    assert bands_from_json([{"key": longest, "label_zh": "甲", "min": 0}])[0].key == longest
    for check, item, table in ((rubric_from_json, crit(longest + "k"), "criteria"),
                               (bands_from_json, {"key": longest + "k", "label_zh": "甲", "min": 0}, "bands")):
        with pytest.raises(ValueError) as err:
            check([item])
        assert (err.value.field, err.value.code) == (f"{table}[0].key", "format")


def test_the_label_limits_of_a_criterion_are_its_row_rules():
    rubric_from_json([{**crit(label="甲" * CRITERION_LABEL_ZH_MAX), "label_en": "a" * CRITERION_LABEL_EN_MAX}])
    for item, field in (({**crit(label="甲" * (CRITERION_LABEL_ZH_MAX + 1))}, "label_zh"),
                        ({**crit(), "label_en": "a" * (CRITERION_LABEL_EN_MAX + 1)}, "label_en")):
        with pytest.raises(RubricError) as err:
            rubric_from_json([item])
        assert (err.value.field, err.value.code) == (f"criteria[0].{field}", "label")


def test_the_rubric_row_limit_is_max_criteria():
    full = [crit(f"k{i}", hi="1") for i in range(MAX_CRITERIA - 1)] + [crit("last", hi=str(101 - MAX_CRITERIA))]
    assert len(rubric_from_json(full)) == MAX_CRITERIA
    with pytest.raises(RubricError) as err:
        rubric_from_json([crit(f"k{i}", hi="1") for i in range(MAX_CRITERIA + 1)])
    assert err.value.code == "count"
