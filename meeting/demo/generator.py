"""Deterministic demo roster at Yishui scale: grid, cadres, households and demands.

scale=1.0 reproduces Yishui's published figures (seeds/003): 20 townships (18 + 2 zones),
135 work areas, 1,040 villages, 10,180 cadres with ~30 households each, and demands resolved
at five levels in exactly Yishui's counts (16,414 / 7,704 / 5,884 / 2,664 / 78), plus 10 % of
all demands still open. Smaller scales shrink every count proportionally (tests, quick demos).

The same (scale, seed) always gives an identical Roster: one random.Random(seed) drives
everything, draws happen in a fixed order, and nothing depends on hash() or dict order of
unordered sets.

Phone numbers are 11 digits starting with PHONE_PREFIX "104". In China's numbering plan,
subscriber mobiles are 13x–19x (140–144 are 13-digit IoT numbers); 10x is reserved for
carriers' service codes (10000, 10086, 106 SMS ports), so an 11-digit 104… number can never
ring a real subscriber. 11x and 12x are avoided because they begin with emergency numbers
(110, 119, 120, 122) that some switches match on prefix. The numbers still pass the import
validation (11 digits starting with 1).
"""
from __future__ import annotations

import random

from meeting.demo.model import GenTownship, GenVillage, GenWorkArea, Roster, Targets, apportion, targets
from meeting.demo import names_zh as zh
from meeting.demo.naming import Names, make_phones
from meeting.demo.people import make_cadres, make_demands, make_households


def generate_roster(scale: float = 1.0, seed: int = 2013) -> Roster:
    """Generate the demo roster for `scale` (1.0 = Yishui) deterministically from `seed`."""
    t = targets(scale)
    rng = random.Random(seed)
    names = Names(rng)
    townships, work_areas, villages = _grid(t, names)
    phones = make_phones(rng, t.cadres + t.households)
    cadres, links = make_cadres(rng, t, townships, villages, names, phones[: t.cadres])
    households = make_households(rng, t, townships, villages, cadres, links, names,
                                 phones[t.cadres:])
    demands = make_demands(rng, t, households, villages, townships)
    return Roster(townships, work_areas, villages, cadres, households, demands)


def _grid(t: Targets, names: Names) -> tuple[list[GenTownship], list[GenWorkArea], list[GenVillage]]:
    """Townships, their work areas and villages, apportioned by the townships' weights."""
    chosen = zh.TOWNSHIPS[: t.townships]
    weights = [w for _, _, w in chosen]
    townships = [GenTownship(f"T{i:02d}", name, kind) for i, (name, kind, _) in enumerate(chosen, 1)]
    wa_per_t = apportion(t.work_areas, weights, 1)
    v_per_t = [extra + n_wa for extra, n_wa in zip(apportion(t.villages - t.work_areas, weights), wa_per_t)]
    work_areas: list[GenWorkArea] = []
    villages: list[GenVillage] = []
    for town, n_wa, n_v in zip(townships, wa_per_t, v_per_t):
        for size in apportion(n_v, [1] * n_wa, 1):
            wa_code = f"W{len(work_areas) + 1:03d}"
            first = len(villages)
            for _ in range(size):
                villages.append(GenVillage(f"V{len(villages) + 1:04d}", names.village(), wa_code, town.code))
            work_areas.append(GenWorkArea(wa_code, villages[first].name[:-1] + "工作片", town.code))
    return townships, work_areas, villages
