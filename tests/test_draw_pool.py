"""The frozen pool: canonical roster bytes, exclusions and plans."""
from __future__ import annotations

import hashlib

import pytest

from scoring.pool import (PoolError, first_pool_error, households_digest, make_entry, normalise_exclusions,
                          normalise_plan, parse_line, parse_roster, plan_hash, roster_hash, roster_text)


def test_a_roster_line_is_six_tab_separated_fields_and_the_file_ends_with_lf():
    entry = make_entry(12, "T01", "cadre", " 张\t三 ", ["H2", "H1"])
    digest = hashlib.sha256(b"H1\nH2\n").hexdigest()
    assert roster_text([entry]) == f"12\tT01\tcadre\t张 三\t2\t{digest}\n"
    assert roster_hash(roster_text([entry])) == hashlib.sha256(roster_text([entry]).encode()).hexdigest()


def test_the_roster_is_sorted_numerically_not_as_text():
    entries = [make_entry(n, "", "cadre", "x", []) for n in (100, 9, 20)]
    assert [line.split("\t")[0] for line in roster_text(entries).splitlines()] == ["9", "20", "100"]


def test_parsing_gives_back_the_entries_and_rejects_anything_non_canonical():
    entries = [make_entry(n, "T01", "cadre", f"c{n}", [f"H{n}"]) for n in (1, 2, 3)]
    text = roster_text(entries)
    assert parse_roster(text) == entries
    bad = [text.rstrip("\n"), text.replace("1\t", "01\t", 1), "\n".join(reversed(text.splitlines())) + "\n",
           text.replace("c1", "c1 "), text.replace("\tcadre\t", "\tcadre\textra\t", 1), text + text]
    for variant in bad:
        with pytest.raises(PoolError):
            parse_roster(variant)


def test_duplicate_numbers_cannot_be_frozen():
    with pytest.raises(PoolError, match="twice"):
        roster_text([make_entry(5, "", "cadre", "a", []), make_entry(5, "", "cadre", "b", [])])


def test_the_household_digest_ignores_listing_order_and_refuses_blank_codes():
    assert households_digest(["b", "a"]) == households_digest(["a", "b"])
    assert households_digest([]) == hashlib.sha256(b"").hexdigest()
    with pytest.raises(PoolError):
        households_digest(["ok", " "])
    with pytest.raises(PoolError):
        parse_line("1\tT\tcadre\tx\t0\tNOTHEX")


def test_every_exclusion_needs_a_reason_and_they_are_sorted_by_number():
    assert normalise_exclusions([{"number": "9", "reason": " 病假 "}, {"number": 3, "reason": "出差"}]) == [
        {"number": 3, "reason": "出差"}, {"number": 9, "reason": "病假"}]
    for bad in ([{"number": 1}], [{"reason": "x"}], [{"number": 1, "reason": "a"}, {"number": 1, "reason": "b"}]):
        with pytest.raises(PoolError):
            normalise_exclusions(bad)


def test_plans_normalise_to_one_canonical_form_that_is_its_own_normal_form():
    whole = normalise_plan({"kind": "whole", "draws": 10})
    assert whole == {"kind": "whole", "ranks": [], "strata": [{"key": "*", "draws": 10}]}
    strata = normalise_plan({"kind": "strata", "strata": ["T02", {"key": "T01", "draws": 2}], "per_stratum": 1})
    assert strata["strata"] == [{"key": "T02", "draws": 1}, {"key": "T01", "draws": 2}]
    leaders = normalise_plan({"kind": "filter", "ranks": ["township_leader", "county_leader"], "draws": 3})
    assert leaders["kind"] == "filter" and leaders["ranks"] == ["county_leader", "township_leader"]
    for plan in (whole, strata, leaders):
        assert normalise_plan(plan) == plan
    assert plan_hash(whole) != plan_hash(normalise_plan({"draws": 11}))
    assert normalise_plan({}, default_draws=7)["strata"] == [{"key": "*", "draws": 7}]


@pytest.mark.parametrize("plan", [{}, {"draws": 0}, {"draws": True}, {"draws": "x"}, {"kind": "strata"},
                                  {"kind": "filter", "draws": 1}, {"strata": ["T1", "T1"]}, {"strata": ["*", "T1"]},
                                  {"ranks": "cadre", "draws": 1}, []])
def test_invalid_plans_are_refused(plan):
    with pytest.raises(PoolError):
        normalise_plan(plan)


def test_a_stratum_smaller_than_its_draws_or_an_excluded_cadre_in_the_roster_is_reported():
    entries = [make_entry(1, "T01", "cadre", "a", [])]
    assert "fewer" in first_pool_error(entries, normalise_plan({"strata": ["T01"], "per_stratum": 2}))
    assert "excluded" in first_pool_error(entries, normalise_plan({"draws": 1}), [{"number": 1, "reason": "x"}])
    assert first_pool_error(entries, normalise_plan({"draws": 1})) is None
