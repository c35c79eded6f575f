"""Juror tablet presence on a real server with real Socket.IO clients (issue #10, item 4).

The moderators hear when a juror's tablet connects and when it goes away, with the time it was
last seen (kept current by the tablet's `alive` and pushed with every heartbeat); public screens
never get it. It lives in the server's memory (meeting/realtime/presence.py).
"""
from __future__ import annotations

import time
from typing import Any, Callable

import pytest

from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = pytest.mark.server


class Listener(Screen):
    """A Screen that also records `presence` messages."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.presence: list[dict[str, Any]] = []
        self.sio.on("presence", self._on_presence)

    def _on_presence(self, data: dict[str, Any]) -> None:
        with self._cond:
            self.presence.append(data)
            self._cond.notify_all()

    def wait_presence(self, predicate: Callable[[dict[int, dict]], bool], timeout: float = 20.0) -> dict[int, dict]:
        """Block until the newest presence message, as {juror id: entry}, satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self.presence:
                    newest = {j["id"]: j for j in self.presence[-1]["jurors"]}
                    if predicate(newest):
                        return newest
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"presence never matched; last: {self.presence[-1:] or None}")
                self._cond.wait(remaining)


@pytest.fixture
def hall(app, tmp_path):
    seeded = seed_meeting(app, jurors=3, quorum=2)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    screens: list[Screen] = []

    def screen(role: str, cls: type[Screen] = Screen, **kw: Any) -> Screen:
        s = cls(server.url, seeded.meeting_id, role, **kw).connect()
        screens.append(s)
        return s

    yield seeded, server, screen
    for s in screens:
        s.close()
    server.stop()


def test_moderators_hear_a_tablet_connect_stay_alive_and_leave_and_public_screens_hear_nothing(hall):
    seeded, server, screen = hall
    moderator = screen("moderator", Listener, cookie=staff_cookie(server.url, *MODERATOR))
    viewer = screen("viewer", Listener)
    assert moderator.wait_presence(lambda p: True) == {}       # on connect: nobody seen yet

    juror = screen("juror", token=seeded.tokens[0])
    juror_id = next(j["id"] for j in moderator.state["jurors"] if j["seat"] == 1)
    joined = moderator.wait_presence(lambda p: juror_id in p and p[juror_id]["connected"])
    assert set(joined) == {juror_id}
    first_seen = joined[juror_id]["last_seen"]

    time.sleep(1.1)      # let the clock move on by more than the millisecond stamp's resolution
    assert juror.call("alive", None) == {"ok": True}
    # The next heartbeat carries the newer last-seen time.
    moderator.wait_presence(lambda p: p[juror_id]["connected"] and p[juror_id]["last_seen"] > first_seen)

    juror.close()
    gone = moderator.wait_presence(lambda p: not p[juror_id]["connected"])
    assert gone[juror_id]["last_seen"] >= first_seen

    # Staff-only: after two more heartbeats (each followed by a presence push), the viewer got none.
    beats = len(viewer.heartbeats)
    viewer.wait_for(lambda s: True)
    deadline = time.monotonic() + 35  # public screens get every second 5 s beat: two take up to ~20 s
    while len(viewer.heartbeats) < beats + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(viewer.heartbeats) >= beats + 2
    assert viewer.presence == []
    assert viewer.call("alive", None) == {"ok": False}         # only a juror's tablet counts


def test_a_moderator_connecting_later_learns_which_tablets_are_already_there(hall):
    seeded, server, screen = hall
    screen("juror", token=seeded.tokens[1])
    moderator = screen("moderator", Listener, cookie=staff_cookie(server.url, *MODERATOR))
    seat2 = next(j["id"] for j in moderator.state["jurors"] if j["seat"] == 2)
    first = moderator.wait_presence(lambda p: True)      # sent on connect, before any heartbeat is needed
    assert list(first) == [seat2] and first[seat2]["connected"] is True
