"""Fixtures: app, client, runner, session, on SQLite or (DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests import netguard
from tests.dbutil import clear_tables, reset_schema, test_database_url

netguard.install()

# One seed key for the whole run, in the environment: a live server (another process) must
# unseal the seeds the test process sealed (meeting/services/draw/sealing.py).
os.environ.setdefault("SEED_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="minkao-seed-key-")) / "seed.key"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated test database for the whole session."""
    from meeting.migrate import upgrade

    url = test_database_url(tmp_path_factory.mktemp("db"))
    reset_schema(url)
    upgrade(url)
    return url


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the test database; every table is emptied after the test."""
    from meeting import create_app
    from meeting.config import TestConfig
    from meeting.extensions import db

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "DATABASE_URL": database_url})
    app.instance_path = str(tmp_path)
    yield app
    with app.app_context():
        engine = db.engine
        db.remove()
        clear_tables(engine)
        engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask):
    """The app's database session inside an app context."""
    from meeting.extensions import db

    with app.app_context():
        yield db.session
