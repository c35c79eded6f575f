"""Run Alembic migrations programmatically (the demo, the tests and `flask db-upgrade`)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from meeting.paths import ROOT
from meeting.database import normalise_url


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic config pointing at migrations/ and the given database."""
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = normalise_url(database_url)
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database up to `revision` (default: the newest)."""
    command.upgrade(alembic_config(database_url), revision)
