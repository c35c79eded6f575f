"""A recording Socket.IO client for real-server tests (a fake screen, not a mock)."""
from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable

import requests
import socketio


def staff_cookie(base_url: str, username: str, password: str) -> str:
    """Log in through the real form (CSRF token included) and return the Cookie header."""
    http = requests.Session()
    page = http.get(base_url + "/login", timeout=10).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"username": username, "password": password}
    if match:
        data["csrf_token"] = match.group(1)
    resp = http.post(base_url + "/login", data=data, timeout=10, allow_redirects=False)
    assert resp.status_code in (302, 303), resp.text[:500]
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class Screen:
    """Connects as one audience and records every `state` and `heartbeat` it receives."""

    def __init__(self, base_url: str, meeting_id: int, role: str, token: str | None = None,
                 cookie: str | None = None, reconnect: bool = False) -> None:
        self.base_url = base_url
        self.auth: dict[str, Any] = {"meeting": meeting_id, "role": role}
        if token:
            self.auth["token"] = token
        self.headers = {"Cookie": cookie} if cookie else {}
        self.states: list[dict[str, Any]] = []
        self.heartbeats: list[dict[str, Any]] = []
        self.connects = 0
        self.drops = 0
        self._cond = threading.Condition()
        self.sio = socketio.Client(reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("state", self._on_state)
        self.sio.on("heartbeat", self._on_heartbeat)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_connect(self) -> None:
        with self._cond:
            self.connects += 1
            self._cond.notify_all()

    def _on_disconnect(self, *_args: Any) -> None:
        with self._cond:
            self.drops += 1
            self._cond.notify_all()

    def _on_state(self, data: dict[str, Any]) -> None:
        with self._cond:
            # Tag each state with the number of drops seen before it, so a test can ask for
            # states received after a reconnect (not an older one that happens to match). The
            # snapshot sent on connect may arrive before the client's own connect event.
            self.states.append({**data, "_after_drops": self.drops})
            self._cond.notify_all()

    def _on_heartbeat(self, data: dict[str, Any]) -> None:
        with self._cond:
            self.heartbeats.append(data)
            self._cond.notify_all()

    def connect(self) -> "Screen":
        """Connect over websocket and wait for the first snapshot."""
        self.sio.connect(self.base_url, auth=self.auth, headers=self.headers, transports=["websocket"],
                         wait_timeout=10)
        self.wait_for(lambda s: True)
        return self

    @property
    def state(self) -> dict[str, Any]:
        """The newest state by seq (late deliveries of older seqs are ignored, as screens do)."""
        with self._cond:
            return max(self.states, key=lambda s: s["seq"])

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15.0,
                 after_drops: int = 0) -> dict[str, Any]:
        """Block until the newest state satisfies `predicate`; return it.

        With `after_drops` N, only states received after the connection dropped N times count:
        after a server restart, pass 1 to ignore everything received before the kill.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                fresh = [s for s in self.states if s["_after_drops"] >= after_drops]
                if fresh:
                    newest = max(fresh, key=lambda s: s["seq"])
                    if predicate(newest):
                        return newest
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    last = max(fresh, key=lambda s: s["seq"]) if fresh else None
                    raise AssertionError(f"state never matched; last: {last and _brief(last)}")
                self._cond.wait(remaining)

    def call(self, event: str, data: Any, timeout: float = 15.0) -> dict[str, Any]:
        """Emit with an acknowledgement and return it."""
        return self.sio.call(event, data, timeout=timeout)

    def perform(self, action: str, **params: Any) -> dict[str, Any]:
        """A moderator action."""
        return self.call("perform", {"action": action, "params": params})

    def close(self) -> None:
        """Disconnect quietly."""
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass


def _brief(state: dict[str, Any]) -> dict[str, Any]:
    rnd = state.get("round") or {}
    return {"seq": state.get("seq"), "scene": state.get("scene"), "stage": rnd.get("stage"),
            "progress": rnd.get("progress"), "cause": state.get("cause")}
