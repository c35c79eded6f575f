"""The conflict-of-interest rule (scoring.recusal) and the quorum counted against eligible jurors."""
from __future__ import annotations

import pytest

from scoring.aggregate import QuorumNotMet, aggregate, effective_quorum, tally
from scoring.recusal import (CadreAffiliation, JurorAffiliation, categories_for, clean_name, parse_relations,
                             recusals, related_numbers)

CADRE = CadreAffiliation(261, unit="县水利局", township="院东头镇", village="王庄村")


def juror(seat: int, **kw) -> JurorAffiliation:
    return JurorAffiliation(juror_id=100 + seat, seat=seat, **kw)


def test_a_juror_of_the_same_unit_is_recused_whatever_the_spaces_or_full_width_letters():
    assert categories_for(juror(1, unit=" 县 水利局 "), CADRE) == ("same_unit",)
    assert clean_name("ＡＢＣ 局") == "ABC局"
    assert categories_for(juror(1, unit="县教育局"), CADRE) == ()


def test_a_juror_of_the_same_township_is_recused_and_the_same_village_only_inside_it():
    assert categories_for(juror(1, township="院东头镇"), CADRE) == ("same_township",)
    assert categories_for(juror(1, township="院东头镇", village="王庄村"), CADRE) == ("same_village", "same_township")
    # Another township's 王庄村 is another village.
    assert categories_for(juror(1, township="马站镇", village="王庄村"), CADRE) == ()
    assert categories_for(juror(1, village="王庄村"), CADRE) == ()


def test_a_declared_relation_is_the_primary_category_and_counts_only_for_that_cadre():
    related = juror(1, unit="县水利局", related_cadres=frozenset({261, 7}))
    found = recusals([related], CADRE)
    assert [(r.seat, r.category, r.categories) for r in found] == [(1, "declared_relation",
                                                                    ("declared_relation", "same_unit"))]
    assert categories_for(juror(2, related_cadres=frozenset({262})), CADRE) == ()


def test_empty_affiliations_never_match_even_a_cadre_without_them():
    bare = CadreAffiliation(5)
    assert recusals([juror(1), juror(2, unit="", township="")], bare) == []
    assert recusals([juror(1)], CADRE) == []


def test_recusals_come_by_seat_and_leave_out_jurors_without_a_conflict():
    found = recusals([juror(3, township="院东头镇"), juror(1, unit="县水利局"), juror(2, unit="别的单位")], CADRE)
    assert [r.as_dict() for r in found] == [
        {"juror_id": 101, "seat": 1, "category": "same_unit", "categories": ["same_unit"]},
        {"juror_id": 103, "seat": 3, "category": "same_township", "categories": ["same_township"]}]


def test_declared_relations_are_typed_one_per_line_with_the_cadre_number_first():
    assert parse_relations("0261 配偶\n\n ７ 表兄弟 \n261 岳父") == [
        {"number": 261, "relation": "岳父"}, {"number": 7, "relation": "表兄弟"}]
    assert related_numbers(parse_relations("12\n13 同学")) == frozenset({12, 13})
    with pytest.raises(ValueError, match="line 2"):
        parse_relations("12 同学\n配偶 261")


def test_the_quorum_is_counted_against_the_eligible_jurors():
    assert effective_quorum(5, None) == 5
    assert effective_quorum(5, 7) == 5
    assert effective_quorum(5, 3) == 3
    assert effective_quorum(5, 0) == 1
    result = aggregate(["90", "80", "70"], "trimmed_mean", 5, eligible=3)
    assert (result.count, result.quorum, result.quorum_met, str(result.final)) == (3, 3, True, "80.00")
    with pytest.raises(QuorumNotMet):
        aggregate(["90", "80"], "mean", 5, eligible=3)
    with pytest.raises(QuorumNotMet):
        aggregate([], "mean", 5, eligible=0)
    assert tally(["90", "80", "70"], quorum=5, eligible=3).result.quorum == 3
    with pytest.raises(ValueError):
        effective_quorum(5, -1)
