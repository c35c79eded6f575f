"""The generated demo roster: deterministic, Yishui-shaped, safe phone numbers, fast bulk load."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict
from meeting.models import LEVELS, RANKS, Cadre, Demand, Household, Township, Village, WorkArea
from meeting.demo.names_zh import TOWNSHIPS
from meeting.demo.model import HOUSEHOLDS_RANGE, PHONE_PATTERN, YISHUI_RESOLVED, targets
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster

ROOT = Path(__file__).resolve().parent.parent
# What the roster import accepts: a mobile (11 digits from 1) or a landline 0xxx-xxxxxxx.
IMPORT_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-\d{7,8})$")


@pytest.fixture(scope="module")
def small():
    return generate_roster(scale=0.02, seed=2013)


def _digest(roster) -> str:
    return hashlib.sha256(repr(roster).encode()).hexdigest()


def test_the_same_scale_and_seed_give_an_identical_roster():
    assert generate_roster(0.01, seed=7) == generate_roster(0.01, seed=7)


def test_a_different_seed_gives_a_different_roster():
    a, b = generate_roster(0.01, seed=7), generate_roster(0.01, seed=8)
    assert a.cadres != b.cadres and a.households != b.households and a.demands != b.demands


def test_the_roster_does_not_depend_on_the_interpreters_hash_seed():
    code = ("from meeting.demo.generator import generate_roster; import hashlib; "
            "print(hashlib.sha256(repr(generate_roster(0.01, seed=5)).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {_digest(generate_roster(0.01, seed=5))}


def test_full_scale_targets_are_yishuis_published_figures():
    t = targets(1.0)
    assert (t.townships, t.work_areas, t.villages, t.cadres) == (20, 135, 1040, 10180)
    assert (t.county_leaders, t.township_leaders, t.department_heads) == (10, 100, 60)
    assert t.households == 305_400
    assert t.resolved == {"cadre": 16414, "village": 7704, "work_area": 5884, "township": 2664, "county": 78}
    assert t.open == 3638  # 10 % of 36,382


def test_counts_at_a_small_scale_match_the_scaled_targets():
    roster = generate_roster(0.01)
    assert roster.counts() == {"townships": 1, "work_areas": 1, "villages": 10, "cadres": 102,
                               "households": 3060, "demands": 164 + 77 + 59 + 27 + 1 + 36}
    levels = Counter(d.level for d in roster.demands)
    assert levels == {"cadre": 164, "village": 77, "work_area": 59, "township": 27, "county": 1, None: 36}


def test_a_tiny_scale_still_has_a_whole_grid_and_every_rank():
    roster = generate_roster(0.0001)
    assert len(roster.townships) == len(roster.work_areas) == len(roster.villages) == 1
    assert {c.rank for c in roster.cadres} == set(RANKS)


def test_the_township_table_has_yishuis_eighteen_townships_and_two_zones():
    kinds = Counter(kind for _, kind, _ in TOWNSHIPS)
    assert kinds == {"township": 18, "zone": 2}
    assert len({name for name, _, _ in TOWNSHIPS}) == 20


def test_demand_levels_follow_yishuis_proportions(small):
    resolved = [d.level for d in small.demands if d.status == "resolved"]
    total = sum(YISHUI_RESOLVED.values())
    shares = Counter(resolved)
    for level, n in YISHUI_RESOLVED.items():
        assert abs(shares[level] / len(resolved) - n / total) < 0.01, level


def test_about_ten_percent_of_demands_are_still_open_without_a_level(small):
    open_ = [d for d in small.demands if d.status == "open"]
    assert 0.09 < len(open_) / len(small.demands) < 0.11
    assert all(d.level is None and d.resolved_on is None and d.public_answer == "" for d in open_)


def test_resolved_demands_have_a_level_a_public_answer_and_a_later_resolution_date(small):
    resolved = [d for d in small.demands if d.status == "resolved"]
    assert {d.level for d in resolved} <= set(LEVELS)
    assert all(d.public_answer and d.resolved_on > d.raised_on for d in resolved)


def test_public_answers_never_name_the_household(small):
    names = {h.code: h.name for h in small.households}
    assert not any(names[d.household_code] in d.public_answer + d.text for d in small.demands)


def test_every_household_has_an_existing_cadre_and_a_village_in_the_cadres_grid(small):
    cadres = {c.number: c for c in small.cadres}
    villages = {v.code: v for v in small.villages}
    own_village = Counter()
    for h in small.households:
        cadre = cadres[h.cadre_number]
        village = villages[h.village_code]
        if cadre.township_code:
            assert village.township_code == cadre.township_code
        if cadre.village_code:
            own_village[h.village_code == cadre.village_code] += 1
    assert own_village[True] > 3 * own_village[False]  # mostly the cadre's own village


def test_every_demand_belongs_to_an_existing_household(small):
    codes = {h.code for h in small.households}
    assert all(d.household_code in codes for d in small.demands)


def test_each_cadre_has_between_25_and_35_households_and_30_on_average(small):
    per_cadre = Counter(h.cadre_number for h in small.households)
    assert set(per_cadre) == {c.number for c in small.cadres}
    assert all(HOUSEHOLDS_RANGE[0] <= n <= HOUSEHOLDS_RANGE[1] for n in per_cadre.values())
    assert len(small.households) == 30 * len(small.cadres)


def test_phone_numbers_are_unique_unassignable_and_accepted_by_the_import(small):
    phones = [c.phone for c in small.cadres] + [h.phone for h in small.households]
    assert len(set(phones)) == len(phones)
    assert all(PHONE_PATTERN.match(p) and IMPORT_PHONE.match(p) for p in phones)


def test_county_leaders_township_leaders_and_department_heads_exist(small):
    ranks = Counter(c.rank for c in small.cadres)
    assert ranks["county_leader"] >= 1 and ranks["township_leader"] >= 1 and ranks["department_head"] >= 1
    for c in small.cadres:
        if c.rank in ("county_leader", "department_head"):
            assert c.township_code is None and c.village_code is None
        if c.rank == "township_leader":
            assert c.township_code is not None and c.village_code is None


def test_cadre_numbers_run_from_one_and_codes_are_unique(small):
    assert [c.number for c in small.cadres] == list(range(1, len(small.cadres) + 1))
    for rows in (small.townships, small.work_areas, small.villages, small.households):
        assert len({r.code for r in rows}) == len(rows)
    assert len({t.name for t in small.townships}) == len(small.townships)
    assert small.households[0].code == "H0000001"


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        targets(0)


def _table_counts(session) -> dict[str, int]:
    models = {"townships": Township, "work_areas": WorkArea, "villages": Village, "cadres": Cadre,
              "households": Household, "demands": Demand}
    return {name: session.scalar(sa.select(sa.func.count()).select_from(m)) for name, m in models.items()}


def test_load_roster_writes_the_counts_it_returns(session, monkeypatch):
    from meeting.demo import load as roster_loader

    monkeypatch.setattr(roster_loader, "CHUNK", 700)  # several chunks per table
    roster = generate_roster(0.01, seed=3)
    counts = load_roster(session, roster)
    assert counts == roster.counts() == _table_counts(session)
    first = roster.households[0]
    row = session.scalar(sa.select(Household).where(Household.code == first.code))
    assert (row.name, row.phone, row.cadre.number, row.village.code) == (
        first.name, first.phone, first.cadre_number, first.village_code)
    demand = roster.demands[-1]
    stored = session.scalars(sa.select(Demand).order_by(Demand.id.desc())).first()
    assert (stored.household.code, stored.level, stored.raised_on, stored.resolved_on) == (
        demand.household_code, demand.level, demand.raised_on, demand.resolved_on)


def test_the_insert_path_without_positional_rows_fills_the_defaults_left_out(session):
    from meeting.demo.load import _executemany

    _executemany(session.connection(), Township.__table__, ("id", "code", "name"), [(1, "T01", "沂城街道")])
    session.commit()
    assert session.scalar(sa.select(Township.kind)) == "township"


def test_rows_added_after_a_load_get_fresh_ids(session):
    counts = load_roster(session, generate_roster(0.01, seed=3))
    town = Township(code="TX", name="新建乡镇")
    session.add(town)
    session.commit()
    assert town.id == counts["townships"] + 1


def test_load_roster_refuses_a_roster_that_is_not_empty_and_writes_nothing(session):
    session.add(Township(code="T99", name="已有乡镇"))
    session.commit()
    with pytest.raises(Conflict):
        load_roster(session, generate_roster(0.01))
    assert _table_counts(session)["townships"] == 1 and _table_counts(session)["cadres"] == 0


def test_prepare_demo_data_loads_once_and_then_leaves_the_data_alone(session):
    from meeting.demo.prepare import prepare_demo_data

    first = prepare_demo_data(scale=0.01, seed=1)
    assert first["cadres"] == 102
    assert prepare_demo_data(scale=0.01, seed=1) == {}
    assert _table_counts(session) == first


def test_the_generate_roster_command_loads_and_then_refuses_a_second_time(runner):
    result = runner.invoke(args=["generate-roster", "--scale", "0.01", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert re.search(r"cadres\s+102\b", result.output) and "households" in result.output
    again = runner.invoke(args=["generate-roster", "--scale", "0.01"])
    assert again.exit_code != 0 and "not empty" in again.output


def test_the_generate_roster_command_rejects_a_scale_of_zero(runner):
    assert runner.invoke(args=["generate-roster", "--scale", "0"]).exit_code == 2
