"""The public REST API and its OpenAPI description."""
from __future__ import annotations

import re

from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.live import actions as live
from meeting.demo.sample_meeting import create_demo_meeting
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster
from scoring.chain import first_chain_error


def _live_meeting(app) -> int:
    with app.app_context():
        load_roster(db.session, generate_roster(scale=0.003, seed=3))
        meeting = create_demo_meeting(db.session, jurors=5, rounds=2)
        live.perform(db.session, meeting.id, "start_meeting", {}, "test")
        live.perform(db.session, meeting.id, "enter_entropy", {"sources": "1 2 3 4 5 6"}, "test")
        live.perform(db.session, meeting.id, "draw_cadre", {"expected_draw": 1}, "test")
        return meeting.id


def test_the_openapi_document_describes_every_api_route_and_nothing_else(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {doc["servers"][0]["url"] + re.sub(r"\{(\w+)\}", r"<int:\1>", p) for p in doc["paths"]}
    routed = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")}
    assert documented == routed
    for path, item in doc["paths"].items():
        for op in item.values():
            for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(op).replace("'", '"')):
                assert ref in doc["components"]["schemas"], (path, ref)


def test_the_public_state_is_the_viewer_snapshot_without_private_fields(client, app):
    meeting_id = _live_meeting(app)
    state = client.get(f"/api/v1/meetings/{meeting_id}/state").get_json()
    assert state["audience"] == "viewer" and state["meeting"]["status"] == "live"
    assert state["round"]["cadre"]["number"] > 0
    assert "jurors" not in state and "draw" not in state and "legal_actions" not in state["round"]


def test_the_event_log_is_served_in_order_and_its_hash_chain_verifies(client, app):
    meeting_id = _live_meeting(app)
    events = client.get(f"/api/v1/meetings/{meeting_id}/events").get_json()["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert first_chain_error(events) is None
    later = client.get(f"/api/v1/meetings/{meeting_id}/events?after=2&limit=1").get_json()["events"]
    assert [e["seq"] for e in later] == [3]


def test_bad_parameters_and_unknown_meetings_get_clear_json_errors(client, app):
    meeting_id = _live_meeting(app)
    assert client.get("/api/v1/meetings/999/state").status_code == 404
    bad = client.get(f"/api/v1/meetings/{meeting_id}/events?after=x")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_param"
    assert client.get(f"/api/v1/meetings/{meeting_id}/events?limit=0").status_code == 400


def test_only_live_or_closed_meetings_are_listed(client, app):
    meeting_id = _live_meeting(app)
    with app.app_context():
        db.session.add(Meeting(title="草稿"))
        db.session.commit()
    listed = client.get("/api/v1/meetings").get_json()["meetings"]
    assert [m["id"] for m in listed] == [meeting_id]
