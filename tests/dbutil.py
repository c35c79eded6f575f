"""Test database helpers shared by conftest and subprocess-server tests."""
from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from meeting.database import make_engine, normalise_url
from meeting.models import Base


def test_database_url(tmp_dir: Path) -> str:
    """DATABASE_URL when the suite runs on PostgreSQL, else a SQLite file in tmp_dir."""
    url = os.environ.get("DATABASE_URL")
    return normalise_url(url) if url else f"sqlite:///{tmp_dir / 'test.db'}"


def reset_schema(url: str) -> None:
    """Drop everything, so migrations run from an empty database."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def clear_tables(engine: sa.Engine) -> None:
    """Empty every table between tests (much faster than re-migrating)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
