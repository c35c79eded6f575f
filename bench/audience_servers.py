"""The servers bench/bench_audience.py compares, and what it reads about them from /proc.

Minkao (`python -m meeting serve`, eventlet, SQLite) with its moderator, projector and jurors
over real sockets; the Node.js socket.io v4 baseline (bench/node/server.js); the floor
(bench/baseline_broadcaster.py). Each exposes the pids whose CPU counts, and `trigger()`, which
causes one broadcast of the public state to every viewer.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eio_caller import RawSocketIO  # noqa: E402
from tests.liveserver import LiveServer, free_port  # noqa: E402
from tests.rtclient import staff_cookie  # noqa: E402

MODERATOR = ("bench-moderator", "bench-moderator-pass")
NODE_DIR = ROOT / "bench" / "node"
# What a Minkao public screen gets (meeting/realtime/public_endpoint.py, heartbeat.py): its own
# Engine.IO endpoint, and every second 5 s heartbeat. The baselines are given the same.
PUBLIC_PATH = "/socket.io-public/?EIO=4&transport=websocket"
PUBLIC_HEARTBEAT_SECONDS = 10


def cpu_seconds(pid: int) -> float:
    """CPU seconds of one process, all its threads, in nanoseconds' resolution (schedstat).

    /proc/PID/stat counts in clock ticks (10 ms): too coarse for one broadcast to 1,000 viewers.
    """
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that just ended
    return total / 1e9


def rss_bytes(pid: int) -> int:
    """Resident set size of one process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def seed(database_url: str, jurors: int, rounds: int) -> tuple[int, list[str]]:
    """Migrate and seed a meeting with `jurors` jurors; returns (meeting id, juror tokens)."""
    from meeting import create_app
    from meeting.commands.db import ensure_user
    from meeting.demo.generator import generate_roster
    from meeting.demo.load import load_roster
    from meeting.demo.sample_meeting import create_demo_meeting
    from meeting.extensions import db
    from meeting.migrate import upgrade

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        load_roster(db.session, generate_roster(scale=0.01, seed=11))
        ensure_user(*MODERATOR, role="moderator")
        meeting = create_demo_meeting(db.session, jurors=jurors, rounds=rounds, quorum=5,
                                      moderators=(MODERATOR[0],))
        return meeting.id, [j.token for j in meeting.jurors]


class Minkao:
    """One `python -m meeting serve` with the hall's clients; the meeting goes on across servers."""

    name = "minkao"

    def __init__(self, database_url: str, meeting_id: int, tokens: list[str], ping: tuple[int, int],
                 log: Path, draws: list[int], env: dict[str, str] | None = None) -> None:
        self.server = LiveServer(database_url, log_path=log, env={
            # `ping` is the public screens' (their own endpoint); the hall's clients keep Minkao's 5 s.
            "SOCKETIO_PUBLIC_PING_INTERVAL": str(ping[0]), "SOCKETIO_PUBLIC_PING_TIMEOUT": str(ping[1]),
            **(env or {})})
        self.meeting_id, self.tokens, self.draws = meeting_id, tokens, draws
        self.burst_seen: list[tuple[int, float]] = []
        self.clients: list[RawSocketIO] = []
        self.reconnects = 0

    @property
    def url(self) -> str:  # noqa: D102
        return self.server.url

    @property
    def viewer_path(self) -> str:  # noqa: D102
        return PUBLIC_PATH

    @property
    def pids(self) -> list[int]:  # noqa: D102
        return [self.server.proc.pid]

    async def start(self) -> None:
        """Start the server and connect the moderator, the projector and the jurors."""
        await asyncio.to_thread(self.server.start)
        self.cookie = await asyncio.to_thread(staff_cookie, self.url, *MODERATOR)
        mid = self.meeting_id
        self.mod = self._moderator()

        def on_projector(name: str, data: Any, t: float) -> None:
            if data:
                self.burst_seen.append((data["round"]["progress"]["submitted"], t))

        self.projector = RawSocketIO(self.url, {"meeting": mid, "role": "projector"}, on_event=on_projector,
                                     wanted=("ballot_received",))
        self.jurors = [RawSocketIO(self.url, {"meeting": mid, "role": "juror", "token": t}) for t in self.tokens]
        self.clients = [self.mod, self.projector, *self.jurors]
        await asyncio.gather(*(c.connect() for c in self.clients))
        if not self.draws:
            await self.perform("start_meeting")
            await self.perform("enter_entropy", sources="3 1 4 1 5 9 2 6")

    def _moderator(self) -> RawSocketIO:
        return RawSocketIO(self.url, {"meeting": self.meeting_id, "role": "moderator"},
                           headers={"Cookie": self.cookie})

    async def _reconnected(self, client: RawSocketIO) -> RawSocketIO:
        """A fresh connection in place of one the server closed (counted in `reconnects`)."""
        self.reconnects += 1
        fresh = RawSocketIO(client.url_base, client.auth, headers=client.headers, on_event=client.on_event,
                            wanted=client.wanted)
        await fresh.connect()
        self.clients[self.clients.index(client)] = fresh
        return fresh

    async def perform(self, action: str, **params: Any) -> dict:
        """One moderator action over the socket; it must succeed.

        Under load the server may close a hall connection (a pong read after the ping timeout);
        like the real console, the moderator then reconnects and sends the action again.
        """
        if self.mod.closed:
            self.mod = await self._reconnected(self.mod)
        try:
            ack = await self.mod.call("perform", {"action": action, "params": params})
        except ConnectionError:
            self.mod = await self._reconnected(self.mod)
            ack = await self.mod.call("perform", {"action": action, "params": params})
        if not ack.get("ok"):
            raise RuntimeError(f"{action}: {ack}")
        return ack

    async def prepare(self) -> list[float]:
        """Run a round up to the reveal: draw, report, verification, 30 ballots at once, close.

        Returns, for ballot k, the time until the projector first showed ≥ k ballots.
        """
        number = len(self.draws) + 1
        self.draws.append(number)
        for action, params in (("draw_cadre", {"expected_draw": number}), ("start_report", {}),
                               ("start_verification", {}), ("skip_verification", {"reason": "time_limit"})):
            await self.perform(action, **params)
        state = await asyncio.to_thread(
            lambda: requests.get(f"{self.url}/api/v1/meetings/{self.meeting_id}/state", timeout=60).json())
        round_id = state["round"]["id"]
        for i, j in enumerate(self.jurors):
            if j.closed:
                self.jurors[i] = await self._reconnected(j)
        if self.projector.closed:
            self.projector = await self._reconnected(self.projector)
        await asyncio.sleep(0.3)
        self.burst_seen.clear()
        t0 = time.perf_counter()
        acks = await asyncio.gather(*(j.call("submit_ballot", {
            "round_id": round_id, "client_msg_id": f"b{number}-{i}",
            "scores": {"visits": 20 + i % 10, "demands": 25, "satisfaction": 22 + i % 5, "report": 8}})
            for i, j in enumerate(self.jurors)))
        if not all(a["ok"] for a in acks):
            raise RuntimeError(f"ballots refused: {acks[:3]}")
        deadline = time.monotonic() + 120
        while not any(s >= len(self.jurors) for s, _ in self.burst_seen) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        # Snapshots coalesce under load, so ballot k is shown by the first snapshot counting ≥ k.
        # A projector dropped mid-burst shows fewer: those ballots count as not shown (no figure).
        shown = [min((t for s, t in self.burst_seen if s >= k), default=None) for k in range(1, len(self.jurors) + 1)]
        burst = [t - t0 for t in shown if t is not None]
        await self.perform("close_scoring")
        return burst

    async def trigger(self) -> None:
        """The moderator reveals the result (the broadcast under test)."""
        await self.perform("reveal_result")

    async def finish(self) -> None:
        """Leave the round so the next case can start one."""
        await self.perform("record_decision", kind="pass", detail={})
        await self.perform("next_round")

    async def stop(self) -> None:
        """Close the hall's clients and stop the server."""
        for c in self.clients:
            await c.close()
        await asyncio.to_thread(self.server.stop)


class _Subprocess:
    """A baseline server in a subprocess and a trigger client that emits `fire`."""

    name = "?"

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:  # noqa: D102
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:  # noqa: D102
        return [self.proc.pid]

    def command(self) -> list[str]:  # noqa: D102
        raise NotImplementedError

    async def start(self) -> None:
        """Start the process, wait until it answers HTTP, connect the trigger."""
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                await asyncio.to_thread(requests.get, self.url + "/", timeout=1)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} did not start")
                await asyncio.sleep(0.1)
        self.trigger_client = RawSocketIO(self.url, {"role": "trigger"})
        await self.trigger_client.connect()

    async def prepare(self) -> list[float]:  # noqa: D102
        return []

    async def trigger(self) -> None:
        """Ask the server to broadcast the state (seq bumped) to every viewer."""
        await self.trigger_client.call("fire", {})

    async def finish(self) -> None:  # noqa: D102
        pass

    async def stop(self) -> None:
        """Stop the process."""
        await self.trigger_client.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class _Baseline(_Subprocess):
    """A baseline server: the captured frame, the same pings and heartbeat as a public screen's."""

    def __init__(self, frame: Path, ping: tuple[int, int], meeting_id: int) -> None:
        super().__init__()
        self.frame, self.ping, self.meeting_id = frame, ping, meeting_id

    def program(self) -> list[str]:
        """The executable and script, and the port argument in the form the script wants."""
        raise NotImplementedError

    def command(self) -> list[str]:  # noqa: D102
        return self.program() + ["--frame", str(self.frame), "--ping-interval", str(self.ping[0]),
                                 "--ping-timeout", str(self.ping[1]), "--meeting", str(self.meeting_id),
                                 "--heartbeat", str(PUBLIC_HEARTBEAT_SECONDS)]


class Node(_Baseline):
    """bench/node/server.js: socket.io v4 on Node.js."""

    name = "node"

    def program(self) -> list[str]:  # noqa: D102
        return ["node", str(NODE_DIR / "server.js"), "--port", str(self.port)]


class Floor(_Baseline):
    """bench/baseline_broadcaster.py: eventlet websocket, a bare send() loop."""

    name = "floor"

    def program(self) -> list[str]:  # noqa: D102
        return [sys.executable, str(ROOT / "bench" / "baseline_broadcaster.py"), str(self.port)]


def node_ready() -> bool:
    """Whether the Node baseline can run (node_modules installed)."""
    return (NODE_DIR / "node_modules" / "socket.io").is_dir()


def npm_install() -> None:
    """`npm install` in bench/node when node_modules is missing (needs the npm registry)."""
    if not node_ready():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)


def write_frame(payload: dict, path: Path) -> Path:
    """The captured Minkao state payload, as the baselines' frame file."""
    path.write_text(json.dumps(payload, ensure_ascii=False))
    return path


def nginx_pids(pid_file: Path) -> list[int]:
    """An nginx master (from its pid file) and its workers."""
    master = int(pid_file.read_text())
    kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *(int(p) for p in kids)]


class MinkaoNchan(Minkao):
    """Minkao publishing to the Nchan tier (tests/nchan_server.py, scripts/nchan.sh): viewers
    subscribe to nginx; the app's CPU (`pids`) and nginx's (`tier_pids`) are read apart."""

    name = "minkao+nchan"
    # A fresh nginx's channel is empty until the app's first publish after start, so a connect
    # gets no state at once here: connecting is not measured (bench/nchan_fanout.py measures it).
    connect_timeout = 15.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tests.nchan_server import NchanServer

        self.nchan = NchanServer(self.server.url)
        self.server.extra_env.update({"PUBLIC_TRANSPORT": "nchan", "NCHAN_PUBLISH_URL": self.nchan.publish_url})

    @property
    def viewer_url(self) -> str:  # noqa: D102
        return self.nchan.public_url

    @property
    def viewer_path(self) -> str:  # noqa: D102
        return f"/live/m{self.meeting_id}"

    @property
    def tier_pids(self) -> list[int]:  # noqa: D102
        return nginx_pids(self.nchan.directory / "nginx.pid")

    async def start(self) -> None:
        """nginx first (it proxies the app), then the app and the hall's clients."""
        await asyncio.to_thread(self.nchan.start)
        await super().start()

    async def stop(self) -> None:
        """The app, then nginx."""
        try:
            await super().stop()
        finally:
            await asyncio.to_thread(self.nchan.close)
