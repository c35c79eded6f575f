"""Demo data: the generated Yishui-scale roster, loaded once into a fresh database."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Cadre
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster


def prepare_demo_data(scale: float = 1.0, seed: int = 2013) -> dict[str, int]:
    """Load the generated roster if there are no cadres yet; returns rows written per table.

    Returns an empty dict when cadres already exist, so restarting a demo keeps its data.
    Raises Conflict if there are no cadres but other roster tables have rows.
    """
    session = db.session
    if session.scalar(sa.select(Cadre.id).limit(1)) is not None:
        return {}
    return load_roster(session, generate_roster(scale=scale, seed=seed))
