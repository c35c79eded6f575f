"""A real server with the simulated telephone, for the browser tests of call-out verification:
the server and the moderator's socket (`simulated_server`), the way to verification
(`start_verification`), and the household simulator's buttons through its own HTTP endpoint
(`SimulatedPhone`)."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import requests
from flask import Flask

from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie


@contextmanager
def simulated_server(app: Flask, tmp_path: Path) -> Iterator[tuple[Any, LiveServer, Screen]]:
    """A seeded meeting (3 jurors) served with TELEPHONY_PROVIDER=simulated on a free port, and
    the moderator's screen connected: (seeded, server, moderator). Closed and stopped after."""
    seeded = seed_meeting(app, jurors=3)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}).start()
    try:
        moderator = Screen(server.url, seeded.meeting_id, "moderator",
                           cookie=staff_cookie(server.url, *MODERATOR)).connect()
        try:
            yield seeded, server, moderator
        finally:
            moderator.close()
    finally:
        server.stop()


def start_verification(moderator: Screen) -> None:
    """The moderator's actions from the start of the meeting to call-out verification: a cadre
    drawn (dice entropy), the report heard, the verification started."""
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": [["骰子", "3 5 1 6 2 4"]]}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
        ok(moderator.perform(action, **params))


def ok(ack: dict) -> dict:
    """The acknowledgement of a moderator action, which must have succeeded."""
    assert ack["ok"], ack
    return ack


class SimulatedPhone:
    """The household simulator's buttons through its own HTTP endpoint (what its page posts)."""

    def __init__(self, base_url: str, meeting_id: int) -> None:
        self.url = f"{base_url}/sim/{meeting_id}"
        self.http = requests.Session()  # its own log-in: the session cookie and the CSRF token belong together
        login = self.http.get(base_url + "/login", timeout=10).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
        data = {"username": MODERATOR[0], "password": MODERATOR[1], **({"csrf_token": token.group(1)} if token else {})}
        assert self.http.post(base_url + "/login", data=data, timeout=10, allow_redirects=False).status_code in (302, 303)
        page = self.http.get(self.url, timeout=10).text
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def press(self, call_id: int, action: str) -> dict:
        """Press one of the simulator's buttons (`action`) for the call; it must be accepted."""
        resp = self.http.post(f"{self.url}/calls/{call_id}/{action}", json={},
                              headers={"X-CSRFToken": self.token}, timeout=10)
        assert resp.headers.get("Content-Type", "").startswith("application/json"), (resp.status_code, resp.text[:300])
        out = resp.json()
        assert out["ok"], out
        return out

