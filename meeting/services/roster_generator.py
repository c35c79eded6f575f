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

import datetime as dt
import random
import re
from dataclasses import dataclass
from itertools import accumulate

from meeting.services import names_zh as zh
from meeting.services.roster_loader import load_roster, roster_is_empty

__all__ = [
    "GenTownship", "GenWorkArea", "GenVillage", "GenCadre", "GenHousehold", "GenDemand", "Roster",
    "Targets", "targets", "generate_roster", "load_roster", "roster_is_empty", "PHONE_PATTERN",
]

PHONE_PREFIX = "104"
PHONE_PATTERN = re.compile(r"^104\d{8}$")

# Yishui, 2013 (seeds/003).
YISHUI_WORK_AREAS = 135
YISHUI_VILLAGES = 1040
YISHUI_CADRES = 10180
YISHUI_COUNTY_LEADERS = 10
YISHUI_TOWNSHIP_LEADERS = 100
YISHUI_DEPARTMENT_HEADS = 60
HOUSEHOLDS_PER_CADRE = 30
HOUSEHOLDS_RANGE = (25, 35)
YISHUI_RESOLVED = {"cadre": 16414, "village": 7704, "work_area": 5884, "township": 2664, "county": 78}
OPEN_SHARE_PERCENT = 10
# Share of ordinary cadres working in county departments (the rest work in townships).
DEPARTMENT_STAFF_PERCENT = 35
# Share of a cadre's households in the cadre's own village (the rest: elsewhere in the township).
OWN_VILLAGE_PERCENT = 80


@dataclass(frozen=True, slots=True)
class GenTownship:
    """A township (乡镇/街道) or a zone (开发区/景区)."""

    code: str
    name: str
    kind: str  # "township" | "zone"


@dataclass(frozen=True, slots=True)
class GenWorkArea:
    """A work area (工作片) of a township."""

    code: str
    name: str
    township_code: str


@dataclass(frozen=True, slots=True)
class GenVillage:
    """An administrative village (行政村); township_code is the work area's township."""

    code: str
    name: str
    work_area_code: str
    township_code: str


@dataclass(frozen=True, slots=True)
class GenCadre:
    """A cadre (干部); number is the public draw number, 1..N."""

    number: int
    name: str
    position: str
    unit: str
    rank: str
    township_code: str | None
    village_code: str | None
    phone: str


@dataclass(frozen=True, slots=True)
class GenHousehold:
    """A contact household (联系户) of one cadre."""

    code: str
    name: str
    village_code: str
    phone: str
    cadre_number: int


@dataclass(frozen=True, slots=True)
class GenDemand:
    """A demand (诉求); level and resolved_on are None while it is open."""

    household_code: str
    text: str
    category: str
    status: str
    level: str | None
    public_answer: str
    raised_on: dt.date
    resolved_on: dt.date | None


@dataclass
class Roster:
    """A generated roster, in insertion order (parents before children)."""

    townships: list[GenTownship]
    work_areas: list[GenWorkArea]
    villages: list[GenVillage]
    cadres: list[GenCadre]
    households: list[GenHousehold]
    demands: list[GenDemand]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {"townships": len(self.townships), "work_areas": len(self.work_areas),
                "villages": len(self.villages), "cadres": len(self.cadres),
                "households": len(self.households), "demands": len(self.demands)}


@dataclass(frozen=True)
class Targets:
    """How many of everything a scale asks for."""

    townships: int
    work_areas: int
    villages: int
    cadres: int
    county_leaders: int
    township_leaders: int
    department_heads: int
    households: int
    resolved: dict[str, int]
    open: int


def targets(scale: float) -> Targets:
    """Counts for `scale` (1.0 = Yishui), keeping at least one of each grid level and rank."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    n_t = min(len(zh.TOWNSHIPS), max(1, round(len(zh.TOWNSHIPS) * scale)))
    n_wa = max(n_t, round(YISHUI_WORK_AREAS * scale))
    n_v = max(n_wa, round(YISHUI_VILLAGES * scale))
    n_cl = max(1, round(YISHUI_COUNTY_LEADERS * scale))
    n_tl = max(n_t, round(YISHUI_TOWNSHIP_LEADERS * scale))
    n_dh = max(1, round(YISHUI_DEPARTMENT_HEADS * scale))
    n_c = max(n_cl + n_tl + n_dh + 2, round(YISHUI_CADRES * scale))
    resolved = {level: round(n * scale) for level, n in YISHUI_RESOLVED.items()}
    total_resolved = sum(resolved.values())
    n_open = round(total_resolved * OPEN_SHARE_PERCENT / (100 - OPEN_SHARE_PERCENT))
    return Targets(n_t, n_wa, n_v, n_c, n_cl, n_tl, n_dh, n_c * HOUSEHOLDS_PER_CADRE, resolved, n_open)


def apportion(total: int, weights: list[int], minimum: int = 0) -> list[int]:
    """Split `total` by integer `weights` (largest remainder), each part at least `minimum`."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError("total too small for the minimum")
    wsum = sum(weights) or 1
    parts = [spare * w // wsum for w in weights]
    remainders = [spare * w % wsum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class _Names:
    """Person and village names drawn from the built-in tables."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in zh.SURNAMES]
        self.cum = list(accumulate(w for _, w in zh.SURNAMES))
        self.used_villages: set[str] = set()

    def people(self, n: int, male_percent: int) -> list[str]:
        """`n` full names; given names of one or two characters."""
        # rng.random() rather than randrange/choice: this loop runs ~300,000 times at scale 1.
        rand = self.rng.random
        surnames = self.rng.choices(self.surnames, cum_weights=self.cum, k=n)
        male, female, p_male = zh.GIVEN_MALE, zh.GIVEN_FEMALE, male_percent / 100
        out = []
        for surname in surnames:
            chars = male if rand() < p_male else female
            size = len(chars)
            if rand() < 0.25:
                out.append(surname + chars[int(rand() * size)])
            else:
                out.append(surname + chars[int(rand() * size)] + chars[int(rand() * size)])
        return out

    def village(self) -> str:
        """A village name not used before in this roster."""
        rng = self.rng
        for _ in range(30):
            stem = rng.choice(zh.VILLAGE_PREFIXES) + rng.choice(zh.VILLAGE_ROOTS) + rng.choice(zh.VILLAGE_SUFFIXES)
            name = stem if stem.endswith("村") else stem + "村"
            if name not in self.used_villages:
                break
        else:  # the tables are exhausted only far above scale 1
            name = f"{stem}{len(self.used_villages)}村"
        self.used_villages.add(name)
        return name


def _phones(rng: random.Random, count: int) -> list[str]:
    """`count` distinct 104xxxxxxxx numbers, scattered by an affine bijection mod 10^8."""
    modulus = 10**8
    step = rng.randrange(10**6, 10**7) * 10 + rng.choice((1, 3, 7, 9))  # coprime to 10^8
    offset = rng.randrange(modulus)
    return [f"{PHONE_PREFIX}{(offset + i * step) % modulus:08d}" for i in range(count)]


def generate_roster(scale: float = 1.0, seed: int = 2013) -> Roster:
    """Generate the demo roster for `scale` (1.0 = Yishui) deterministically from `seed`."""
    # Imported here: roster_people builds the dataclasses defined in this module.
    from meeting.services.roster_people import make_cadres, make_demands, make_households

    t = targets(scale)
    rng = random.Random(seed)
    names = _Names(rng)
    townships, work_areas, villages = _grid(t, names)
    phones = _phones(rng, t.cadres + t.households)
    cadres, links = make_cadres(rng, t, townships, villages, names, phones[: t.cadres])
    households = make_households(rng, t, townships, villages, cadres, links, names,
                                 phones[t.cadres:])
    demands = make_demands(rng, t, households, villages, townships)
    return Roster(townships, work_areas, villages, cadres, households, demands)


def _grid(t: Targets, names: _Names) -> tuple[list[GenTownship], list[GenWorkArea], list[GenVillage]]:
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
