"""Schemathesis over /api/v1/openapi.json, in-process (WSGI): no server error, every answer as documented.

Bounded and derandomized, so the run is short and the same on every machine. The data: one
live meeting with events and one set-up draft (which every meeting route must 404).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from meeting.extensions import db
from meeting.models import Meeting
from tests.test_api import _live_meeting


@pytest.fixture
def api_schema(app):
    """The app's own OpenAPI document, loaded through the app (no network)."""
    _live_meeting(app)
    with app.app_context():
        db.session.add(Meeting(title="草稿"))
        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_api_request_gets_a_server_error_or_an_undocumented_answer(case):
    case.call_and_validate()
