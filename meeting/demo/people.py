"""The people half of the generated roster: cadres, their households, the households' demands.

Called by meeting.demo.generator.generate_roster with its seeded Random; every draw happens in a
fixed order so the result depends only on (scale, seed).
"""
from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate
from typing import NamedTuple

from meeting.demo import demand_texts as texts
from meeting.demo import names_zh as zh
from meeting.demo.naming import Names
from meeting.demo.model import (DEPARTMENT_STAFF_PERCENT, HOUSEHOLDS_RANGE, OWN_VILLAGE_PERCENT, GenCadre,
                                GenDemand, GenHousehold, GenTownship, GenVillage, Targets, apportion)


# Demands were collected from January 2013; the big meetings were in February, March and May.
FIRST_DAY = dt.date(2013, 1, 7)
_DAYS = [FIRST_DAY + dt.timedelta(days=i) for i in range(240)]
RESOLVED_RAISED_DAYS = (0, 109)
OPEN_RAISED_DAYS = (80, 127)
# Days from raised to resolved, by level: the higher the level, the longer it takes.
DELAYS = {"cadre": (1, 10), "village": (3, 20), "work_area": (7, 30), "township": (10, 45),
          "county": (20, 90)}

class _Spec(NamedTuple):
    """One cadre before numbering; the link is where the cadre's households live."""

    position: str
    unit: str
    rank: str
    township: int | None  # index into townships, None for county-level cadres
    village: int | None  # index into villages: the cadre's own village, if any
    link_township: int
    link_village: int


def _villages_by_township(townships: list[GenTownship], villages: list[GenVillage]) -> list[list[int]]:
    index = {t.code: i for i, t in enumerate(townships)}
    by_town: list[list[int]] = [[] for _ in townships]
    for i, v in enumerate(villages):
        by_town[index[v.township_code]].append(i)
    return by_town


def _head_title(department: str, nth: int) -> str:
    """局长 / 部长 / 主任 / 经理 for a department's first head, 党组书记 for the second."""
    if nth > 0:
        return "党组书记"
    for ending, title in (("局", "局长"), ("部", "部长"), ("公司", "总经理"), ("委", "书记")):
        if department.endswith(ending):
            return title
    return "主任"


def make_cadres(rng: random.Random, t: Targets, townships: list[GenTownship],
                villages: list[GenVillage], names: "Names",
                phones: list[str]) -> tuple[list[GenCadre], list[tuple[int, int]]]:
    """Cadres numbered 1..N (county leaders, department heads and staff, then by township),
    and for each the (township index, village index) where its households live."""
    by_town = _villages_by_township(townships, villages)
    town_cum = list(accumulate(len(v) for v in by_town))
    town_idx = list(range(len(townships)))

    def linked_town() -> int:
        return rng.choices(town_idx, cum_weights=town_cum)[0]

    specs: list[_Spec] = []
    leaders = zh.COUNTY_LEADER_POSITIONS
    for i in range(t.county_leaders):
        position, unit = leaders[min(i, len(leaders) - 1)]
        lt = i % len(townships)  # each township has a county leader as its grid head
        specs.append(_Spec(position, unit, "county_leader", None, None, lt, rng.choice(by_town[lt])))
    depts = zh.DEPARTMENTS
    for i in range(t.department_heads):
        dept = depts[i % len(depts)]
        lt = linked_town()
        specs.append(_Spec(_head_title(dept, i // len(depts)), dept, "department_head", None, None,
                      lt, rng.choice(by_town[lt])))
    n_regular = t.cadres - t.county_leaders - t.township_leaders - t.department_heads
    n_dept_staff = n_regular * DEPARTMENT_STAFF_PERCENT // 100
    for _ in range(n_dept_staff):
        dept, position, lt = rng.choice(depts), rng.choice(zh.DEPARTMENT_STAFF_POSITIONS), linked_town()
        specs.append(_Spec(position, dept, "cadre", None, None, lt, rng.choice(by_town[lt])))
    leaders_per_town = apportion(t.township_leaders, [1] * len(townships), 1)
    staff_per_town = apportion(n_regular - n_dept_staff, [len(v) for v in by_town])
    for ti, town in enumerate(townships):
        unit = zh.township_unit(town.name, town.kind)
        head = zh.township_head_title(town.name)
        titles = (zh.ZONE_LEADER_POSITIONS if town.kind == "zone"
                  else tuple(p.format(head=head) for p in zh.TOWNSHIP_LEADER_POSITIONS))
        for k in range(leaders_per_town[ti]):
            specs.append(_Spec(titles[min(k, len(titles) - 1)], unit, "township_leader", ti, None,
                          ti, rng.choice(by_town[ti])))
        # Deal the township's villages out in turn, so every village gets its 包村 cadres.
        order = by_town[ti][:]
        rng.shuffle(order)
        for k in range(staff_per_town[ti]):
            v = order[k % len(order)]
            specs.append(_Spec(rng.choice(zh.TOWNSHIP_STAFF_POSITIONS), unit, "cadre", ti, v, ti, v))

    people = names.people(len(specs), male_percent=75)
    cadres = [
        GenCadre(i + 1, people[i], s.position, s.unit, s.rank,
                 townships[s.township].code if s.township is not None else None,
                 villages[s.village].code if s.village is not None else None, phones[i])
        for i, s in enumerate(specs)
    ]
    return cadres, [(s.link_township, s.link_village) for s in specs]


def household_counts(rng: random.Random, n_cadres: int, total: int) -> list[int]:
    """Households per cadre, each in HOUSEHOLDS_RANGE, summing exactly to `total`."""
    lo, hi = HOUSEHOLDS_RANGE
    counts = [rng.randint(lo, hi) for _ in range(n_cadres)]
    diff = total - sum(counts)
    while diff:
        i = rng.randrange(n_cadres)
        if diff > 0 and counts[i] < hi:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > lo:
            counts[i] -= 1
            diff += 1
    return counts


def make_households(rng: random.Random, t: Targets, townships: list[GenTownship],
                    villages: list[GenVillage], cadres: list[GenCadre],
                    links: list[tuple[int, int]], names: "Names",
                    phones: list[str]) -> list[GenHousehold]:
    """Each cadre's households: mostly in its own (link) village, the rest in its township."""
    by_town = _villages_by_township(townships, villages)
    counts = household_counts(rng, len(cadres), t.households)
    people = names.people(t.households, male_percent=85)
    village_codes = [v.code for v in villages]
    rand, own_share = rng.random, OWN_VILLAGE_PERCENT / 100  # random(): the hot loop
    out: list[GenHousehold] = []
    n = 0
    for cadre, (lt, lv), count in zip(cadres, links, counts):
        town_villages = by_town[lt]
        size = len(town_villages)
        number = cadre.number
        for _ in range(count):
            vi = lv if rand() < own_share else town_villages[int(rand() * size)]
            out.append(GenHousehold(f"H{n + 1:07d}", people[n], village_codes[vi], phones[n], number))
            n += 1
    return out


def make_demands(rng: random.Random, t: Targets, households: list[GenHousehold],
                 villages: list[GenVillage], townships: list[GenTownship]) -> list[GenDemand]:
    """Demands at the target counts per level plus the open ones, grouped by household."""
    village_name = {v.code: v.name for v in villages}
    town_of_village = {v.code: v.township_code for v in villages}
    township_name = {tw.code: tw.name for tw in townships}
    categories = list(texts.CATEGORIES)
    cum = list(accumulate(texts.CATEGORIES[c][0] for c in categories))
    levels: list[str | None] = [lvl for lvl, n in t.resolved.items() for _ in range(n)]
    levels += [None] * t.open
    n_households, rand = len(households), rng.random
    owners = [int(rand() * n_households) for _ in levels]
    chosen = rng.choices(categories, cum_weights=cum, k=len(levels))
    rows: list[tuple[int, GenDemand]] = []
    for level, owner, category in zip(levels, owners, chosen):
        household = households[owner]
        _, demand_texts, actions = texts.CATEGORIES[category]
        k = rng.randrange(len(demand_texts))
        vname = village_name[household.village_code]
        text = demand_texts[k].format(village=vname)
        if level is None:
            raised = _DAYS[rng.randint(*OPEN_RAISED_DAYS)]
            rows.append((owner, GenDemand(household.code, text, category, "open", None, "", raised, None)))
            continue
        day = rng.randint(*RESOLVED_RAISED_DAYS)
        resolved = _DAYS[day + rng.randint(*DELAYS[level])]
        town = township_name[town_of_village[household.village_code]]
        answer = texts.ANSWER_OPENINGS[level].format(township=town) + actions[k].format(village=vname)
        rows.append((owner, GenDemand(household.code, text, category, "resolved", level, answer,
                                      _DAYS[day], resolved)))
    rows.sort(key=lambda r: r[0])  # stable: a household's demands stay in draw order
    return [d for _, d in rows]
