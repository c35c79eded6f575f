"""Engine and session handling, bound per app (tests build several apps in one process)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app


def make_engine(url: str, connect_timeout: int = 5, statement_timeout_ms: int = 30000) -> sa.Engine:
    """Create an engine with the pragmas/timeouts the stage needs for either backend."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # FULL: every commit (an acknowledged ballot, an event) is on disk before the
            # acknowledgement, so a power cut loses nothing acknowledged (NORMAL in WAL mode
            # survives a killed process but may lose the last commits on power loss).
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": connect_timeout,
            "options": f"-c statement_timeout={statement_timeout_ms}",
        },
    )


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Database:
    """Unbound extension: `db.session` is the current app's scoped session."""

    def init_app(self, app: Flask) -> None:
        """Create the engine and a scoped session factory for this app."""
        engine = make_engine(
            app.config["DATABASE_URL"],
            app.config.get("DB_CONNECT_TIMEOUT", 5),
            app.config.get("DB_STATEMENT_TIMEOUT_MS", 30000),
        )
        factory = so.sessionmaker(bind=engine, expire_on_commit=False)
        app.extensions["minkao_db"] = {"engine": engine, "scoped": so.scoped_session(factory)}

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            app.extensions["minkao_db"]["scoped"].remove()

    @property
    def session(self) -> so.Session:
        """The session for the current app context."""
        return current_app.extensions["minkao_db"]["scoped"]()

    @property
    def engine(self) -> sa.Engine:
        """The current app's engine."""
        return current_app.extensions["minkao_db"]["engine"]

    def remove(self) -> None:
        """Close and discard the current scoped session."""
        current_app.extensions["minkao_db"]["scoped"].remove()

    def new_session(self) -> so.Session:
        """An independent session (background tasks, bulk loads)."""
        return so.Session(bind=self.engine, expire_on_commit=False)
