"""The public screens get every Nth heartbeat, tablets and consoles every one (realtime/heartbeat.py)."""
from __future__ import annotations

import itertools

from meeting.extensions import db, public_socketio, socketio
from meeting.realtime import heartbeat
from tests.live_support import seed_meeting


def _heartbeats(sio) -> int:
    return sum(1 for p in sio.get_received() if p["name"] == "heartbeat")


def test_every_second_beat_goes_to_the_public_screens_by_default(app):
    assert app.config["PUBLIC_HEARTBEAT_EVERY"] == 2
    assert list(itertools.islice(heartbeat.public_beats(2), 5)) == [True, False, True, False, True]
    assert all(itertools.islice(heartbeat.public_beats(1), 5))
    assert all(itertools.islice(heartbeat.public_beats(0), 5))


def test_a_beat_without_the_public_screens_still_reaches_the_tablets(app):
    seeded = seed_meeting(app)
    tablet = socketio.test_client(app, auth={"meeting": seeded.meeting_id, "role": "juror",
                                             "token": seeded.tokens[0]})
    old_page = socketio.test_client(app, auth={"meeting": seeded.meeting_id, "role": "viewer"})
    new_page = public_socketio.test_client(app, auth={"meeting": seeded.meeting_id, "role": "viewer"})
    assert tablet.is_connected() and old_page.is_connected() and new_page.is_connected()
    for sio in (tablet, old_page, new_page):
        sio.get_received()
    with app.app_context():
        assert heartbeat.beat_once(public=False) >= 1
        counts_off = [_heartbeats(s) for s in (tablet, old_page, new_page)]
        heartbeat.beat_once(public=True)
        counts_on = [_heartbeats(s) for s in (tablet, old_page, new_page)]
        db.remove()
    assert counts_off == [1, 0, 0]
    assert counts_on == [1, 1, 1]
    for sio in (tablet, old_page, new_page):
        sio.disconnect()
