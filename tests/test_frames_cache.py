"""The public snapshot is built once per change and encoded once (meeting/realtime/frames.py):
a public connect with a current frame touches no database, and every kind of change outdates it."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import sqlalchemy as sa

from meeting.audience import Audience
from meeting.extensions import db, socketio
from meeting.models import CallAttempt, Meeting
from meeting.realtime import broadcast
from meeting.services.live.snapshot import build_state
from meeting.telephony.settings import WebhookUrls
from meeting.telephony.twilio_provider import TwilioProvider
from tests.live_support import seed_meeting
from tests.telephony_support import (BASE_URL, RecordingHttpClient, post_signed, status_params, to_verification,
                                     twilio_settings)

SPLICED = ("server_time", "cause", "causes", "audience")


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    with app.app_context():
        engine = db.engine
    sent: list[str] = []
    listen = lambda *args: sent.append(args[2])  # noqa: E731 — (conn, cursor, statement, …)
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def connect_state(app, mid: int, role: str = "viewer", **auth: Any) -> dict[str, Any]:
    """Connect one screen in-process, return the snapshot it was sent, disconnect."""
    sio = socketio.test_client(app, auth={"meeting": mid, "role": role, **auth})
    assert sio.is_connected()
    states = [p["args"][0] for p in sio.get_received() if p["name"] == "state"]
    sio.disconnect()
    assert len(states) == 1, states
    return states[0]


def stored(app, mid: int) -> dict[str, Any]:
    """What the database says now: the public snapshot built from it."""
    with app.app_context():
        try:
            return build_state(db.session, mid, Audience.VIEWER)
        finally:
            db.remove()


def body(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k not in SPLICED}


def test_a_public_connect_with_a_current_frame_issues_no_sql_statement(app):
    mid = seed_meeting(app).meeting_id
    with statements(app) as first_sent:
        first = connect_state(app, mid)  # no frame yet: built from the database
    assert first_sent, "the first connect must read the database (else the counter counts nothing)"
    with statements(app) as sent:
        again = connect_state(app, mid, "projector")
        overlay = socketio.test_client(app, auth={"meeting": mid, "role": "overlay"})
        ack = overlay.emit("sync", {}, callback=True)
        synced = [p["args"][0] for p in overlay.get_received() if p["name"] == "state"]
        overlay.disconnect()
    assert sent == []
    assert ack == {"ok": True, "seq": first["seq"]}
    assert len(synced) == 2 and all(body(s) == body(first) for s in synced)
    assert body(again) == body(first) and again["audience"] == "viewer"
    assert again["cause"] == {"type": "sync", "seq": first["seq"]} and again["server_time"]


def test_the_frame_sent_is_the_snapshot_the_database_gives(app):
    mid = seed_meeting(app).meeting_id
    connect_state(app, mid)
    cached = connect_state(app, mid)
    assert body(cached) == body(stored(app, mid))


def test_an_unknown_meeting_is_still_refused(app):
    seed_meeting(app)
    sio = socketio.test_client(app, auth={"meeting": 999_999, "role": "viewer"})
    assert not sio.is_connected()


def _seq(app, mid: int) -> int:
    with app.app_context():
        try:
            return db.session.get(Meeting, mid).seq
        finally:
            db.remove()


def test_every_kind_of_change_reaches_the_next_public_connect(app):
    http = RecordingHttpClient()
    provider = TwilioProvider(twilio_settings(), http_client=http)
    v = to_verification(app, provider, provider.settings)
    mid = v.meeting_id
    seen = [connect_state(app, mid)]

    def connect_sees_the_database() -> dict[str, Any]:
        state = connect_state(app, mid)
        assert state["seq"] == _seq(app, mid) and state["seq"] > seen[-1]["seq"]
        assert body(state) == body(stored(app, mid))
        seen.append(state)
        return state

    # A moderator action through the service alone (no broadcast): the commit outdates the frame.
    code = v.perform("propose_calls")["households"][0]
    call_id = v.perform("place_call", household_code=code)["call"]
    assert connect_sees_the_database()["round"]["calls"][0]["state"] != "ringing"

    # A provider's webhook (HTTP view, then its broadcast).
    with app.app_context():
        sid = db.session.get(CallAttempt, call_id).provider_ref
        db.remove()
    urls = WebhookUrls(BASE_URL)
    assert post_signed(app.test_client(), urls.status(call_id), status_params(sid, "ringing")).status_code == 200
    assert connect_sees_the_database()["round"]["calls"][0]["state"] == "ringing"

    # A scene change.
    v.perform("set_scene", scene="leaderboard")
    assert connect_sees_the_database()["scene"] == "leaderboard"

    # A ballot through the juror's socket (handler, commit, broadcast).
    v.perform("skip_verification", reason="time_limit")
    connect_sees_the_database()
    with app.app_context():
        juror = sorted(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)[0]
        token = juror.token
        db.remove()
    tablet = socketio.test_client(app, auth={"meeting": mid, "role": "juror", "token": token})
    round_id = seen[-1]["round"]["id"]
    ack = tablet.emit("submit_ballot", {"round_id": round_id, "client_msg_id": "c1",
                                        "scores": {"visits": 20, "demands": 20, "satisfaction": 20, "report": 5}},
                      callback=True)
    tablet.disconnect()
    assert ack["ok"], ack
    with statements(app) as sent:
        after_ballot = connect_state(app, mid)
    assert sent == [], "the ballot's broadcast left a current frame: the next connect reads nothing"
    assert after_ballot["round"]["progress"]["submitted"] == 1 and after_ballot["seq"] == _seq(app, mid)


def test_the_broadcast_builds_the_public_snapshot_once_for_every_public_screen(app, monkeypatch):
    mid = seed_meeting(app).meeting_id
    screens = [socketio.test_client(app, auth={"meeting": mid, "role": role})
               for role in ("viewer", "viewer", "projector", "overlay")]
    built: list[str] = []
    real = broadcast.build_state
    monkeypatch.setattr(broadcast, "build_state",
                        lambda session, m, audience, **kw: built.append(Audience(audience).value) or real(
                            session, m, audience, **kw))
    for s in screens:
        s.get_received()
    with app.app_context():
        from meeting.services.live import actions as live
        live.perform(db.session, mid, "start_meeting", {}, "test")
        broadcast.emit_states(mid, [{"type": "meeting_started", "seq": _seq(app, mid)}])
        db.remove()
    assert sorted(built) == ["moderator", "viewer"]
    received = [[p["args"][0] for p in s.get_received() if p["name"] == "state"] for s in screens]
    assert all(len(r) == 1 for r in received)
    assert all(body(r[0]) == body(received[0][0]) for r in received)
    assert received[0][0]["causes"] == [{"type": "meeting_started", "seq": _seq(app, mid)}]
    late = connect_state(app, mid, "overlay")
    assert len(built) == 2 and body(late) == body(received[0][0])  # the connect reused the broadcast's frame
    for s in screens:
        s.disconnect()
