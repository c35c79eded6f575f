"""The public API's edges: drafts are not public, huge or odd ids are JSON 4xx, never a 500."""
from __future__ import annotations

import time

import pytest

from meeting.extensions import db
from meeting.ids import MAX_ID
from meeting.models import Meeting
from meeting.realtime.principal import AuthError, resolve
from tests.test_api import _live_meeting

HUGE = 2**64


def _draft(app) -> int:
    with app.app_context():
        meeting = Meeting(title="草稿")
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def _json_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.data[:200]
    assert response.content_type == "application/json"
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"]


@pytest.mark.parametrize("route", ["state", "events", "leaderboard"])
def test_a_draft_meeting_is_not_found_by_id_on_any_api_route(client, app, route):
    draft = _draft(app)
    _json_error(client.get(f"/api/v1/meetings/{draft}/{route}"), 404, "meeting_not_found")


@pytest.mark.parametrize("meeting_id", [str(HUGE), str(MAX_ID + 1), "9" * 5000, "abc", "-1", "1.5"])
@pytest.mark.parametrize("route", ["state", "events", "leaderboard"])
def test_ids_no_database_holds_are_a_json_404_not_a_server_error(client, app, meeting_id, route):
    _json_error(client.get(f"/api/v1/meetings/{meeting_id}/{route}"), 404, "not_found")


def test_the_largest_database_id_is_simply_no_such_meeting(client, app):
    _json_error(client.get(f"/api/v1/meetings/{MAX_ID}/state"), 404, "meeting_not_found")


@pytest.mark.parametrize("query", [f"after={HUGE}", f"after={MAX_ID + 1}", "after=" + "9" * 5000,
                                   f"limit={HUGE}", "after=-1", "limit=abc"])
def test_out_of_range_event_parameters_are_a_json_400(client, app, query):
    meeting_id = _live_meeting(app)
    _json_error(client.get(f"/api/v1/meetings/{meeting_id}/events?{query}"), 400, "bad_param")


def test_the_largest_after_is_an_empty_page(client, app):
    meeting_id = _live_meeting(app)
    assert client.get(f"/api/v1/meetings/{meeting_id}/events?after={MAX_ID}").get_json() == {"events": []}


def test_huge_ids_in_screen_paths_are_a_404_page_not_a_server_error(client, app):
    assert client.get(f"/m/{HUGE}/viewer").status_code == 404


def test_a_wrong_method_on_the_api_is_a_json_405_that_says_what_is_allowed(client, app):
    response = client.post("/api/v1/meetings")
    _json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("meeting_id", [HUGE, MAX_ID + 1, -HUGE])
def test_a_socket_connect_naming_a_huge_meeting_id_is_refused_at_once(app, meeting_id):
    with app.test_request_context("/socket.io/"):
        started = time.monotonic()
        with pytest.raises(AuthError, match="no such meeting"):
            resolve({"meeting": meeting_id, "role": "viewer"})
        assert time.monotonic() - started < 1
