"""What the database already holds, loaded with one query per table before validating.

Validation needs the existing keys (is cadre 12 known?) and the writer needs the existing
values (did this household change?), so both read the same dictionaries.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea

# Demand content compared on re-import (a demand has no natural key of its own).
DEMAND_FIELDS = ("text", "category", "status", "level", "public_answer", "raised_on", "resolved_on", "private")


@dataclass
class Snapshot:
    """Existing rows keyed by their import key; values are tuples in the column order noted."""

    townships: dict[str, tuple] = field(default_factory=dict)  # code → (id, name, kind)
    township_code_by_name: dict[str, str] = field(default_factory=dict)
    work_areas: dict[str, tuple] = field(default_factory=dict)  # code → (id, name, township_id)
    work_area_code_by_key: dict[tuple[int, str], str] = field(default_factory=dict)
    villages: dict[str, tuple] = field(default_factory=dict)  # code → (id, name, wa_id, tw_id)
    cadres: dict[int, tuple] = field(default_factory=dict)  # number → (id, *CADRE_COLUMNS)
    households: dict[str, tuple] = field(default_factory=dict)  # code → (id, *HOUSEHOLD_COLUMNS)
    demands: dict[int, Counter] = field(default_factory=dict)  # household id → Counter of tuples

    def township_code_for(self, text: str) -> str | None:
        """A township's code from its name or its code."""
        if text in self.townships:
            return text
        return self.township_code_by_name.get(text)


CADRE_COLUMNS = ("name", "position", "unit", "rank", "township_id", "village_id", "phone")
HOUSEHOLD_COLUMNS = ("name", "village_id", "phone", "cadre_id")


def load_snapshot(session: so.Session, kinds: set[str]) -> Snapshot:
    """Load the grid always (it is small) and the bigger tables only when the import needs them."""
    snap = Snapshot()
    for id_, code, name, kind in session.execute(
            sa.select(Township.id, Township.code, Township.name, Township.kind)):
        snap.townships[code] = (id_, name, kind)
        snap.township_code_by_name[name] = code
    for id_, code, name, township_id in session.execute(
            sa.select(WorkArea.id, WorkArea.code, WorkArea.name, WorkArea.township_id)):
        snap.work_areas[code] = (id_, name, township_id)
        snap.work_area_code_by_key[(township_id, name)] = code
    for id_, code, name, wa_id, tw_id in session.execute(
            sa.select(Village.id, Village.code, Village.name, Village.work_area_id, Village.township_id)):
        snap.villages[code] = (id_, name, wa_id, tw_id)
    if kinds & {"cadres", "households"}:
        columns = [getattr(Cadre, c) for c in CADRE_COLUMNS]
        for row in session.execute(sa.select(Cadre.number, Cadre.id, *columns)):
            snap.cadres[row[0]] = tuple(row[1:])
    if kinds & {"households", "demands"}:
        columns = [getattr(Household, c) for c in HOUSEHOLD_COLUMNS]
        for row in session.execute(sa.select(Household.code, Household.id, *columns)):
            snap.households[row[0]] = tuple(row[1:])
    if "demands" in kinds:
        grouped: dict[int, Counter] = defaultdict(Counter)
        columns = [getattr(Demand, c) for c in DEMAND_FIELDS]
        for row in session.execute(sa.select(Demand.household_id, *columns)):
            grouped[row[0]][tuple(row[1:])] += 1
        snap.demands = dict(grouped)
    return snap

