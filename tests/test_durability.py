"""What survives a power cut: on SQLite every commit is synced to disk before it is acknowledged."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.database import make_engine


def test_sqlite_commits_are_fully_synchronous_so_an_acknowledged_ballot_survives_power_loss(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
