"""App-wide error handlers (meeting/views/errors.py): JSON under /api/, pages elsewhere."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.extensions import db
from meeting.services.live.queries import events_page
from tests.admin_meetings_support import staff_client
from tests.test_api import _live_meeting


def test_api_errors_are_json_with_a_code_and_a_message(client, app):
    missing = client.get("/api/v1/meetings/999/state")
    assert missing.status_code == 404
    assert set(missing.get_json()["error"]) == {"code", "message"}
    unrouted = client.get("/api/v1/nothing-here")
    assert unrouted.status_code == 404 and unrouted.get_json()["error"]["code"] == "not_found"


def test_pages_get_the_error_page_with_the_status(client, app):
    response = client.get("/m/987654/viewer")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True).lower()
    assert client.get("/no/such/page").status_code == 404


def test_the_import_page_says_why_a_moderator_may_not_open_it(client, session):
    moderator = staff_client(client, session, role="moderator")
    response = moderator.get("/admin/import/")
    assert response.status_code == 403
    assert "Only an administrator may import the roster." in response.get_data(as_text=True)


def test_the_events_page_limits_in_sql(app):
    meeting_id = _live_meeting(app)
    statements: list[str] = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, …)
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = events_page(db.session, meeting_id, 1, 2)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        assert [e.seq for e in rows] == [2, 3]
        assert any("LIMIT" in s.upper() for s in statements if "event" in s.lower())
