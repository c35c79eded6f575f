"""The pure draw core: derivation, rejection sampling, uniformity, strata, filters, skips."""
from __future__ import annotations

import ast
import hashlib
import hmac
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

import scoring
from scoring.draw import (DrawEngine, DrawError, canonical_entropy, commitment, master_key, new_seed,
                          normalise_entropy, pick_households, step_message, uniform_index)
from scoring.pool import (PROTOCOL, REHEARSAL_PROTOCOL, WHITESPACE, make_entry, normalise_plan, plan_hash,
                          roster_hash, roster_text)

SEED = "5eed" * 16
# Known-answer vector, also printed in docs/VERIFY.md §15.1 for people writing their own verifier.
KAT_ROSTER_HASH = "3e9059848389951b52668d2e7326d1a8217a61ed722d2324b27475f6a64adb6d"
KAT_PLAN_HASH = "6ee8e0763516ed6773f27f74a96f5e59b03eba49595b3c71d5ac73cd71e902a8"
KAT_MASTER = "c95fba551e5f673d77d65fd79b2c262cf68b8be43fe4f2762081f8eee04623dd"
KAT_NUMBERS = [5, 4, 6, 3]


def kat_entries():
    return [make_entry(n, "T01" if n % 2 else "T02", "cadre", f"干部{n}", [f"H{n}-{k}" for k in range(3)])
            for n in range(1, 11)]


def master_for(entries, plan, entropy="dice: 3 5 1 6 2", protocol=PROTOCOL, seed=SEED):
    return master_key(seed, protocol, roster_hash(roster_text(entries)), plan_hash(plan), entropy)


def spec_draws(seed_hex, message, numbers, count):
    """An independent few-line reading of docs/VERIFY.md §9–10 (whole pool, no skips)."""
    master = hmac.new(bytes.fromhex(seed_hex), message, "sha256").digest()
    pool, out = sorted(numbers), []
    for slot in range(count):
        k, attempt = (len(pool) - 1).bit_length(), 0
        while True:
            msg = b"cadre\x00*\x00" + slot.to_bytes(4, "big") + attempt.to_bytes(4, "big")
            x = int.from_bytes(hmac.new(master, msg, "sha256").digest(), "big") % (2 ** k)
            if x < len(pool):
                break
            attempt += 1
        out.append(pool.pop(x))
    return master.hex(), out


def test_the_known_answer_vector_matches_the_code_and_an_independent_reading_of_the_spec():
    entries = kat_entries()
    plan = normalise_plan({"kind": "whole", "draws": 4})
    assert roster_hash(roster_text(entries)) == KAT_ROSTER_HASH
    assert plan_hash(plan) == KAT_PLAN_HASH
    master = master_for(entries, plan)
    assert master.hex() == KAT_MASTER
    engine = DrawEngine(entries, plan, master)
    assert [engine.draw().number for _ in range(4)] == KAT_NUMBERS
    message = "\x00".join([PROTOCOL, KAT_ROSTER_HASH, KAT_PLAN_HASH, "dice: 3 5 1 6 2"]).encode()
    assert spec_draws(SEED, message, range(1, 11), 4) == (KAT_MASTER, KAT_NUMBERS)


def test_the_same_inputs_always_give_the_same_draws():
    entries = kat_entries()
    plan = normalise_plan({"draws": 6})
    def run():
        engine = DrawEngine(entries, plan, master_for(entries, plan))
        return [engine.draw() for _ in range(6)]

    assert run() == run() == run()


def test_a_different_entropy_digit_or_protocol_label_changes_the_master_key():
    entries, plan = kat_entries(), normalise_plan({"draws": 2})
    keys = {master_for(entries, plan).hex(), master_for(entries, plan, "dice: 3 5 1 6 3").hex(),
            master_for(entries, plan, protocol=REHEARSAL_PROTOCOL).hex()}
    assert len(keys) == 3


def test_the_step_message_is_kind_stratum_slot_and_attempt_with_fixed_width_integers():
    assert step_message("cadre", "T01", 2, 1) == b"cadre\x00T01\x00\x00\x00\x00\x02\x00\x00\x00\x01"


def test_a_rejected_candidate_is_redrawn_with_the_next_attempt_counter():
    master = bytes(32)
    results = [uniform_index(master, "cadre", "t", slot, 3, bits=8) for slot in range(40)]
    assert any(attempt > 0 for _, attempt in results)
    for slot, (index, attempt) in enumerate(results):
        candidates = [hmac.new(master, step_message("cadre", "t", slot, a), hashlib.sha256).digest()[-1]
                      for a in range(attempt + 1)]
        assert all(c >= 3 for c in candidates[:-1]) and candidates[-1] == index < 3


def test_the_minimal_bit_width_also_rejects_sometimes_when_n_is_not_a_power_of_two():
    attempts = [uniform_index(bytes(32), "cadre", "*", slot, 5)[1] for slot in range(40)]
    assert max(attempts) >= 1


def test_a_pool_of_one_needs_no_randomness_and_an_empty_pool_is_an_error():
    assert uniform_index(bytes(32), "cadre", "*", 0, 1) == (0, 0)
    with pytest.raises(DrawError):
        uniform_index(bytes(32), "cadre", "*", 0, 0)
    with pytest.raises(DrawError):
        uniform_index(bytes(32), "cadre", "*", 0, 9, bits=3)


def _chi_square(counts: Counter, n: int, total: int) -> Fraction:
    expected = Fraction(total, n)
    return sum(((counts[i] - expected) ** 2 / expected for i in range(n)), Fraction(0))


def test_many_draws_with_a_fixed_test_seed_show_no_bias_by_chi_square():
    master = master_key(SEED, PROTOCOL, "0" * 64, "0" * 64, "chi-square")
    total, n = 20000, 10
    counts = Counter(uniform_index(master, "cadre", "*", slot, n)[0] for slot in range(total))
    assert _chi_square(counts, n, total) < Fraction("27.877")  # 9 degrees of freedom, p = 0.001


def test_the_forced_rejection_branch_is_unbiased_too():
    master = master_key(SEED, PROTOCOL, "0" * 64, "0" * 64, "chi-square narrow")
    total, n = 3000, 3
    counts = Counter(uniform_index(master, "cadre", "*", slot, n, bits=6)[0] for slot in range(total))
    assert _chi_square(counts, n, total) < Fraction("13.816")  # 2 degrees of freedom, p = 0.001


def test_a_meeting_never_draws_a_cadre_twice_and_stops_when_the_plan_is_done():
    entries = [make_entry(n, "T01", "cadre", f"c{n}", []) for n in range(1, 31)]
    plan = normalise_plan({"draws": 30})
    engine = DrawEngine(entries, plan, master_for(entries, plan), bits=7)
    numbers = [engine.draw().number for _ in range(30)]
    assert sorted(numbers) == list(range(1, 31))
    with pytest.raises(DrawError, match="every draw"):
        engine.draw()


def test_each_draw_is_the_indexed_member_of_the_remaining_list_in_roster_order():
    entries = [make_entry(n, f"T0{n % 2 + 1}", "cadre", f"c{n}", []) for n in range(1, 80, 3)]
    plan = normalise_plan({"kind": "strata", "strata": ["T02", "T01"], "per_stratum": 9})
    engine = DrawEngine(entries, plan, master_for(entries, plan), bits=9)
    while engine.next_position() is not None:
        stratum = engine.next_position()[0]
        before = engine.remaining(stratum)
        made = engine.draw()
        assert (made.number, made.pool_size) == (before[made.index], len(before))
        if made.draw % 5 == 0:
            engine.skip(made.draw, "absent")


def test_strata_are_drawn_in_plan_order_and_each_draw_comes_from_its_own_township():
    entries = [make_entry(n, f"T0{n % 3 + 1}", "cadre", f"c{n}", []) for n in range(1, 61)]
    plan = normalise_plan({"kind": "strata", "strata": ["T03", "T01", "T02"], "per_stratum": 2})
    engine = DrawEngine(entries, plan, master_for(entries, plan))
    draws = [engine.draw() for _ in range(6)]
    township = {e.number: e.stratum for e in entries}
    assert [d.stratum for d in draws] == ["T03", "T03", "T01", "T01", "T02", "T02"]
    assert all(township[d.number] == d.stratum for d in draws)
    assert [d.slot for d in draws] == [0, 1, 0, 1, 0, 1]


def test_a_filtered_plan_admits_only_its_ranks():
    from scoring.pool import admits, first_pool_error

    plan = normalise_plan({"kind": "filter", "ranks": ["county_leader"], "draws": 1})
    assert admits(plan, "T01", "county_leader") and not admits(plan, "T01", "cadre")
    entries = [make_entry(1, "T01", "cadre", "x", [])]
    assert "outside the plan" in first_pool_error(entries, plan)


def test_a_skip_keeps_the_cadre_out_and_the_next_draw_takes_the_next_slot_of_the_same_stratum():
    entries = [make_entry(n, f"T0{n % 2 + 1}", "cadre", f"c{n}", []) for n in range(1, 21)]
    plan = normalise_plan({"kind": "strata", "strata": ["T01", "T02"], "per_stratum": 1})
    engine = DrawEngine(entries, plan, master_for(entries, plan))
    first = engine.draw()
    engine.skip(first.draw, "ill")
    second = engine.draw()
    assert (second.stratum, second.slot, second.draw) == ("T01", 1, 2)
    assert second.number != first.number and second.pool_size == first.pool_size - 1
    with pytest.raises(DrawError, match="latest"):
        engine.skip(first.draw, "again")
    assert engine.draw().stratum == "T02"
    assert engine.next_position() is None


def test_a_draw_cannot_be_skipped_twice():
    entries = [make_entry(n, "", "cadre", f"c{n}", []) for n in range(1, 5)]
    plan = normalise_plan({"draws": 2})
    engine = DrawEngine(entries, plan, master_for(entries, plan))
    engine.skip(engine.draw().draw, "absent")
    with pytest.raises(DrawError, match="already"):
        engine.skip(1, "absent")


def test_skips_can_exhaust_a_stratum():
    entries = [make_entry(n, "T01", "cadre", f"c{n}", []) for n in range(1, 3)]
    plan = normalise_plan({"kind": "strata", "strata": ["T01"], "per_stratum": 1})
    engine = DrawEngine(entries, plan, master_for(entries, plan))
    for _ in range(2):
        engine.skip(engine.draw().draw, "absent")
    with pytest.raises(DrawError, match="no cadres are left in stratum T01"):
        engine.draw()


def test_household_picks_extend_without_rerolling_and_never_repeat():
    codes = [f"H{i:03d}" for i in range(30)]
    master = bytes(range(32))
    two = pick_households(master, 1234, codes, [], 2)
    more = pick_households(master, 1234, codes, [h.code for h in two], 5)
    assert [h.slot for h in more] == [2, 3, 4]
    assert pick_households(master, 1234, codes, [], 5) == two + more
    assert len({h.code for h in two + more}) == 5
    assert len(pick_households(master, 1234, codes[:3], [], 10)) == 3


def test_household_picks_do_not_depend_on_the_order_codes_are_listed_in():
    codes = [f"H{i}" for i in range(12)]
    assert pick_households(bytes(32), 7, codes, [], 4) == pick_households(bytes(32), 7, codes[::-1], [], 4)


def test_entropy_is_normalised_nfkc_with_white_space_collapsed():
    sources = [("骰子 ", " ３\u3000５\t1\n6  2 "), ("lottery", "07 12 33")]
    assert normalise_entropy(sources) == [{"label": "骰子", "value": "3 5 1 6 2"},
                                          {"label": "lottery", "value": "07 12 33"}]
    assert canonical_entropy(sources) == "骰子: 3 5 1 6 2\nlottery: 07 12 33"
    assert canonical_entropy("  3 5 1  ") == "live: 3 5 1"


@pytest.mark.parametrize("sources", [[], [("dice", "  ")], [("a:b", "1")], [("", "1")], [("dice", "1\x002")]])
def test_empty_or_ambiguous_entropy_is_refused(sources):
    with pytest.raises(DrawError):
        normalise_entropy(sources)


def test_the_documented_white_space_set_is_exactly_what_python_calls_space():
    assert set(WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_the_commitment_is_sha256_of_the_seed_bytes_and_seeds_are_256_bits():
    seed = new_seed()
    assert len(seed) == 64 and new_seed() != seed
    assert commitment(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    for bad in ("ab", "G" * 64, SEED.upper()):
        with pytest.raises(DrawError):
            commitment(bad)


def test_the_draw_core_uses_neither_the_random_module_nor_floats():
    for name in ("draw.py", "pool.py", "verify.py", "bundle.py"):
        tree = ast.parse((Path(scoring.__file__).parent / name).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert "random" not in imported, name
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)], name
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)], name
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "float"], name


def test_entropy_with_a_character_unassigned_in_unicode_is_refused_as_the_verifier_would():
    from scoring.draw import DrawError, normalise_entropy

    with pytest.raises(DrawError, match="not assigned"):
        normalise_entropy("3 5 1 \U000E0080")
