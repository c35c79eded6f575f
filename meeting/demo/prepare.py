"""Demo data: the generated Yishui-scale roster, loaded once into a fresh database."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Cadre
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster
from meeting.demo.model import targets

DEFAULT_SCALE = 1.0


class ScaleMismatch(Exception):
    """A roster scale was asked for, but the database already holds a roster of another size."""

    def __init__(self, scale: float, existing: int, wanted: int) -> None:
        super().__init__(f"scale {scale} asks for {wanted} cadres; the database holds {existing}")
        self.scale, self.existing, self.wanted = scale, existing, wanted


def cadre_count() -> int:
    """How many cadres the database holds (0 for a fresh demo database)."""
    return db.session.scalar(sa.select(sa.func.count(Cadre.id))) or 0


def prepare_demo_data(scale: float | None = None, seed: int = 2013) -> dict[str, int]:
    """Load the generated roster if there are no cadres yet; returns rows written per table.

    `scale` None means DEFAULT_SCALE for a fresh database and "whatever is there" for one that
    already has cadres. Returns an empty dict when cadres already exist, so restarting a demo
    keeps its data. An explicit `scale` whose cadre count differs from the existing roster
    raises ScaleMismatch (nothing is changed): a roster is only ever generated into an empty
    database. Raises Conflict if there are no cadres but other roster tables have rows.
    """
    existing = cadre_count()
    if existing:
        if scale is not None and targets(scale).cadres != existing:
            raise ScaleMismatch(scale, existing, targets(scale).cadres)
        return {}
    return load_roster(db.session, generate_roster(scale=DEFAULT_SCALE if scale is None else scale, seed=seed))
