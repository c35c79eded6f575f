"""The demo roster's shape: Yishui's published figures, the generated records, the targets.

Phone numbers are 11 digits starting with PHONE_PREFIX "104" (see meeting.demo.generator for why
such a number can never ring a real subscriber).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from meeting.demo import names_zh as zh


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
