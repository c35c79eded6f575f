"""The public screens' own endpoint (meeting/realtime/public_endpoint.py): a long Engine.IO ping
for receive-only screens, while tablets and consoles keep 5 s on /socket.io/."""
from __future__ import annotations

import json
from typing import Any

from meeting.events_time import iso_now
from meeting.extensions import db, public_socketio, socketio
from meeting.realtime import broadcast
from tests.live_support import seed_meeting


def _handshake(client, path: str) -> dict[str, Any]:
    """The Engine.IO OPEN packet a polling handshake on `path` answers with."""
    reply = client.get(f"/{path}/?EIO=4&transport=polling")
    assert reply.status_code == 200, reply.data
    text = reply.get_data(as_text=True)
    assert text.startswith("0"), text
    return json.loads(text[1:])


def _events(sio, name: str) -> list[Any]:
    return [p["args"][0] for p in sio.get_received() if p["name"] == name]


def test_the_public_endpoint_pings_every_25_seconds_and_the_tablets_endpoint_every_5(app, client):
    public = _handshake(client, "socket.io-public")
    tablets = _handshake(client, "socket.io")
    assert public["pingInterval"] == 25_000 and public["pingTimeout"] == 20_000
    assert tablets["pingInterval"] == 5_000 and tablets["pingTimeout"] == 5_000


def test_a_screen_on_the_public_endpoint_gets_its_snapshot_and_every_broadcast_and_heartbeat(app):
    mid = seed_meeting(app).meeting_id
    screen = public_socketio.test_client(app, auth={"meeting": mid, "role": "projector"})
    assert screen.is_connected()
    first = _events(screen, "state")
    assert len(first) == 1 and first[0]["cause"]["type"] == "sync" and first[0]["audience"] == "viewer"
    with app.app_context():
        broadcast.emit_states(mid, [{"type": "result_revealed", "seq": first[0]["seq"]}])
        broadcast.heartbeat(mid, first[0]["seq"], iso_now())
        db.remove()
    received = screen.get_received()
    assert [p["name"] for p in received] == ["state", "heartbeat"]
    assert received[0]["args"][0]["cause"]["type"] == "result_revealed"
    assert received[1]["args"][0]["seq"] == first[0]["seq"]
    screen.disconnect()


def test_a_broadcast_reaches_each_screen_once_whichever_endpoint_it_uses(app):
    mid = seed_meeting(app).meeting_id
    old_page = socketio.test_client(app, auth={"meeting": mid, "role": "viewer"})
    new_page = public_socketio.test_client(app, auth={"meeting": mid, "role": "viewer"})
    old_page.get_received(), new_page.get_received()
    with app.app_context():
        broadcast.emit_states(mid, [{"type": "cadre_drawn", "seq": 1}])
        db.remove()
    assert len(_events(old_page, "state")) == 1
    assert len(_events(new_page, "state")) == 1
    old_page.disconnect(), new_page.disconnect()


def test_sync_on_the_public_endpoint_resends_the_current_frame(app):
    mid = seed_meeting(app).meeting_id
    screen = public_socketio.test_client(app, auth={"meeting": mid, "role": "overlay"})
    first = _events(screen, "state")[0]
    ack = screen.emit("sync", {}, callback=True)
    again = _events(screen, "state")
    assert ack == {"ok": True, "seq": first["seq"]}
    assert len(again) == 1 and again[0]["seq"] == first["seq"]
    screen.disconnect()


def test_the_public_endpoint_refuses_tablets_consoles_and_unknown_meetings(app):
    seeded = seed_meeting(app)
    for auth in ({"meeting": seeded.meeting_id, "role": "juror", "token": seeded.tokens[0]},
                 {"meeting": seeded.meeting_id, "role": "moderator"},
                 {"meeting": 999_999, "role": "viewer"},
                 "not a dict"):
        sio = public_socketio.test_client(app, auth=auth)
        assert not sio.is_connected(), auth
