"""The app publishing to a real Nchan node: `python -m meeting serve` + nginx (scripts/nchan.sh)."""
from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.nchan_server import EventSourceSubscriber, NchanServer, WebSocketSubscriber
from tests.rtclient import Screen, staff_cookie

pytestmark = pytest.mark.server

PER_MESSAGE = ("server_time", "cause", "causes", "_after_drops")


def body(state: dict[str, Any]) -> dict[str, Any]:
    """A state without what differs per message (clock, cause, the test client's tag)."""
    return {k: v for k, v in state.items() if k not in PER_MESSAGE}


def next_state(subscriber: EventSourceSubscriber | WebSocketSubscriber, min_seq: int) -> dict[str, Any]:
    """Read the subscriber's messages until a state of at least `min_seq`; return its data."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        envelope = json.loads(subscriber.next(timeout=20))
        assert envelope["event"] in ("state", "heartbeat"), envelope
        if envelope["event"] == "state" and envelope["data"]["seq"] >= min_seq:
            return envelope["data"]
    raise AssertionError(f"no state with seq >= {min_seq}")


def drawn(state: dict[str, Any]) -> bool:
    return bool(state.get("round") and state["round"].get("cadre"))


class Blackhole:
    """A publisher address that accepts connections and never answers, until release()."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.held.append(conn)

    def holding(self) -> int:
        """How many POSTs are waiting for an answer right now."""
        with self._lock:
            return len(self.held)

    def release(self) -> None:
        """Drop every held POST and refuse new ones (like nginx going down)."""
        self.listener.close()
        with self._lock:
            for conn in self.held:
                conn.close()
            self.held.clear()


@pytest.fixture
def tier(app, tmp_path: Path):
    seeded = seed_meeting(app, jurors=2)
    port = free_port()
    nchan = NchanServer(f"http://127.0.0.1:{port}").start()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"NCHAN_PUBLISH_URL": nchan.publish_url}).start()
    opened: list[Any] = []
    yield seeded, server, nchan, opened
    for item in opened:
        item.close()
    server.stop()
    nchan.close()


def test_a_round_driven_by_the_moderator_reaches_nchan_subscribers_as_it_reaches_the_socketio_viewer(tier) -> None:
    seeded, server, nchan, opened = tier
    ws = WebSocketSubscriber(nchan.subscribe_url(seeded.meeting_id, "ws"))
    sse = EventSourceSubscriber(nchan.subscribe_url(seeded.meeting_id))
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    viewer = Screen(server.url, seeded.meeting_id, "viewer").connect()
    opened += [ws, sse, moderator, viewer]
    assert moderator.perform("start_meeting")["ok"]
    assert moderator.perform("enter_entropy", sources="3 5 1 6 2 4")["ok"]
    ack = moderator.perform("draw_cadre", expected_draw=1)
    assert ack["ok"], ack
    seen = viewer.wait_for(drawn)
    over_ws, over_sse = next_state(ws, seen["seq"]), next_state(sse, seen["seq"])
    assert over_ws["seq"] == over_sse["seq"] == seen["seq"]
    assert body(over_ws) == body(over_sse) == body(seen)
    assert over_ws["round"]["cadre"]["number"]  # the drawn cadre is on the Nchan screens too
    assert over_ws["cause"]["type"] == seen["cause"]["type"]


def test_with_the_app_terminated_a_new_subscriber_still_gets_the_last_state(tier) -> None:
    seeded, server, nchan, opened = tier
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
    viewer = Screen(server.url, seeded.meeting_id, "viewer").connect()
    opened += [moderator, viewer]
    assert moderator.perform("start_meeting")["ok"]
    started = viewer.wait_for(lambda s: s["meeting"]["status"] != seeded_status(viewer))
    watcher = EventSourceSubscriber(nchan.subscribe_url(seeded.meeting_id))
    opened.append(watcher)
    assert next_state(watcher, started["seq"])["seq"] == started["seq"]  # Nchan holds it
    server.stop()
    assert server.proc.poll() is not None
    late_ws = WebSocketSubscriber(nchan.subscribe_url(seeded.meeting_id, "ws"))
    late_sse = EventSourceSubscriber(nchan.subscribe_url(seeded.meeting_id))
    opened += [late_ws, late_sse]
    for late in (late_ws, late_sse):
        first = json.loads(late.next())
        assert first["event"] == "state"
        assert body(first["data"]) == body(started)


def seeded_status(screen: Screen) -> str:
    """The meeting status the screen saw first (before the moderator started the meeting)."""
    return screen.states[0]["meeting"]["status"]


def test_with_nchan_not_answering_the_moderator_and_socketio_screens_carry_on(app, tmp_path: Path) -> None:
    seeded = seed_meeting(app, jurors=2)
    hole = Blackhole()
    log_path = tmp_path / "server.log"
    # A long timeout: if anything on the commit or broadcast path waited for the POST, the
    # acknowledgement below could not come while the POST is still being held.
    server = LiveServer(seeded.database_url, log_path=log_path, env={
        "NCHAN_PUBLISH_URL": f"http://127.0.0.1:{hole.port}/pub", "NCHAN_PUBLISH_TIMEOUT": "600"}).start()
    moderator = viewer = None
    try:
        moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()
        viewer = Screen(server.url, seeded.meeting_id, "viewer").connect()
        before = viewer.state["seq"]
        assert moderator.perform("start_meeting")["ok"]
        assert viewer.wait_for(lambda s: s["seq"] > before)
        _wait(lambda: hole.holding() >= 1, "the publisher never reached the Nchan address")
        assert moderator.perform("enter_entropy", sources="3 5 1 6 2 4")["ok"]
        assert moderator.perform("draw_cadre", expected_draw=1)["ok"]
        assert viewer.wait_for(drawn)
        assert hole.holding() >= 1  # the first POST still hangs: nothing above waited for it
        hole.release()
        _wait(lambda: "publishing to Nchan failed" in log_path.read_text(errors="replace"),
              "no log line about the failed publish")
        assert log_path.read_text(errors="replace").count("publishing to Nchan failed") == 1
        assert moderator.perform("start_report")["ok"]
        assert viewer.wait_for(lambda s: s["round"]["stage"] == "report")
    finally:
        for screen in (moderator, viewer):
            if screen is not None:
                screen.close()
        server.stop()
        hole.release()


def _wait(condition, message: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)
