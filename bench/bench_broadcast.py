"""Broadcast latency on a real server: reveal → last of N viewers, and 30 jurors → projector.

Method (docs/PERFORMANCE.md): one `python -m meeting serve` process (eventlet) on loopback with
a SQLite file; N viewers connected with a minimal raw Socket.IO client (bench/eio_client.py) in
this process; the moderator reveals a result and every viewer records when the snapshot caused
by it arrives. The same clients then connect to a bare eventlet websocket broadcaster
(bench/baseline_broadcaster.py) that sends the same captured payload in a plain send() loop:
the floor on this machine in this run. Figures are reported as seconds and as ratios.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/bench_broadcast.py --viewers 100 1000 5000
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eio_client import RawSocketIO  # noqa: E402
from tests.liveserver import LiveServer, free_port  # noqa: E402
from tests.rtclient import staff_cookie  # noqa: E402

MODERATOR = ("bench-moderator", "bench-moderator-pass")


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values, in seconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def seed(database_url: str, jurors: int, rounds: int) -> tuple[int, list[str]]:
    """Migrate and seed a meeting with `jurors` jurors; returns (meeting id, juror tokens)."""
    from meeting import create_app
    from meeting.commands.db import ensure_user
    from meeting.extensions import db
    from meeting.migrate import upgrade
    from meeting.demo.sample_meeting import create_demo_meeting
    from meeting.demo.generator import generate_roster
    from meeting.demo.load import load_roster

    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        load_roster(db.session, generate_roster(scale=0.01, seed=11))
        ensure_user(*MODERATOR, role="moderator")
        meeting = create_demo_meeting(db.session, jurors=jurors, rounds=rounds, quorum=5)
        return meeting.id, [j.token for j in meeting.jurors]


async def connect_many(url: str, n: int, auth: dict, on_event, wanted=()) -> list[RawSocketIO]:
    """Connect n clients, 100 at a time."""
    clients: list[RawSocketIO] = []
    for start in range(0, n, 100):
        batch = [RawSocketIO(url, auth, on_event=on_event, wanted=wanted) for _ in range(min(100, n - start))]
        await asyncio.gather(*(c.connect() for c in batch))
        clients += batch
    return clients


async def wait_count(counter: list, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(counter) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    if len(counter) < n:
        raise RuntimeError(f"only {len(counter)}/{n} clients received the broadcast")


async def run_minkao(url: str, meeting_id: int, tokens: list[str], cookie: str, sizes: list[int]) -> dict:
    """Drive one round per viewer count; measure reveal fan-out and the juror burst."""
    mod = RawSocketIO(url, {"meeting": meeting_id, "role": "moderator"}, headers={"Cookie": cookie})
    await mod.connect()

    async def perform(action: str, **params) -> dict:
        ack = await mod.call("perform", {"action": action, "params": params})
        assert ack["ok"], (action, ack)
        return ack

    burst_seen: list[tuple[int, float]] = []

    def on_projector(name, data, t):
        if data:
            burst_seen.append((data["round"]["progress"]["submitted"], t))

    projector = RawSocketIO(url, {"meeting": meeting_id, "role": "projector"}, on_event=on_projector,
                            wanted=("ballot_received",))
    await projector.connect()
    jurors = [RawSocketIO(url, {"meeting": meeting_id, "role": "juror", "token": t}) for t in tokens]
    await asyncio.gather(*(j.connect() for j in jurors))
    await perform("start_meeting")
    await perform("enter_entropy", sources="3 1 4 1 5 9 2 6")
    results: dict = {"reveal": {}, "burst": [], "payload": None}
    for number, n in enumerate(sizes, start=1):
        received: list[float] = []
        captured: list = []

        def on_viewer(name, data, t, received=received, captured=captured):
            if data:
                received.append(t)
                if not captured:
                    captured.append(data)

        viewers = await connect_many(url, n, {"meeting": meeting_id, "role": "viewer"}, on_viewer,
                                     wanted=("result_revealed",))
        for action, params in (("draw_cadre", {"expected_draw": number}), ("start_report", {}),
                               ("start_verification", {}), ("skip_verification", {"reason": "time_limit"})):
            await perform(action, **params)
        burst_seen.clear()
        await asyncio.sleep(0.5)
        round_id = await _round_id(url, meeting_id)
        t0 = time.perf_counter()
        acks = await asyncio.gather(*(j.call("submit_ballot", {
            "round_id": round_id, "client_msg_id": f"b{number}-{i}",
            "scores": {"visits": 20 + i % 10, "demands": 25, "satisfaction": 22 + i % 5, "report": 8}})
            for i, j in enumerate(jurors)))
        assert all(a["ok"] for a in acks), acks[:3]
        await _wait_progress(burst_seen, len(jurors))
        # Snapshots coalesce under load, so ballot k is shown by the first snapshot counting ≥ k.
        results["burst"] += [min(t for s, t in burst_seen if s >= k) - t0 for k in range(1, len(jurors) + 1)]
        await perform("close_scoring")
        t0 = time.perf_counter()
        await perform("reveal_result")
        await wait_count(received, n, 120)
        results["reveal"][n] = [t - t0 for t in received]
        results["payload"] = captured[0]
        await perform("record_decision", kind="pass", detail={})
        await perform("next_round")
        await asyncio.gather(*(v.close() for v in viewers))
    for c in (mod, projector, *jurors):
        await c.close()
    return results


async def _round_id(url: str, meeting_id: int) -> int:
    import requests

    return await asyncio.to_thread(
        lambda: requests.get(f"{url}/api/v1/meetings/{meeting_id}/state", timeout=30).json()["round"]["id"])


async def _wait_progress(seen: list, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any(s >= n for s, _ in seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def run_baseline(url: str, sizes: list[int], payload: dict) -> dict[int, list[float]]:
    """The same clients and payload against the bare broadcaster."""
    out: dict[int, list[float]] = {}
    trigger = RawSocketIO(url, {})
    await trigger.connect()
    for n in sizes:
        received: list[float] = []
        viewers = await connect_many(url, n, {}, lambda name, data, t, r=received: r.append(t) if data else None,
                                     wanted=("result_revealed",))
        t0 = time.perf_counter()
        await trigger.call("fire", payload)
        await wait_count(received, n, 120)
        out[n] = [t - t0 for t in received]
        await asyncio.gather(*(v.close() for v in viewers))
    await trigger.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--jurors", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="minkao-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    meeting_id, tokens = seed(url, args.jurors, len(args.viewers) + 1)
    server = LiveServer(url, log_path=tmp / "server.log").start()
    base_port = free_port()
    baseline = subprocess.Popen([sys.executable, str(ROOT / "bench" / "baseline_broadcaster.py"), str(base_port)])
    try:
        cookie = staff_cookie(server.url, *MODERATOR)
        minkao = asyncio.run(run_minkao(server.url, meeting_id, tokens, cookie, args.viewers))
        time.sleep(0.5)
        floor = asyncio.run(run_baseline(f"http://127.0.0.1:{base_port}", args.viewers, minkao["payload"]))
    finally:
        server.stop()
        baseline.terminate()
    size = len(json.dumps(["state", minkao["payload"]], ensure_ascii=False).encode())
    print(f"payload: {size} bytes per viewer message; server log: {tmp / 'server.log'}")
    print(f"{'viewers':>8} | {'minkao p50':>10} {'p99':>8} {'last':>8} | {'floor p50':>9} {'p99':>8} {'last':>8} | ratio p99")
    for n in args.viewers:
        m, b = minkao["reveal"][n], floor[n]
        print(f"{n:>8} | {pct(m, 50):>10.3f} {pct(m, 99):>8.3f} {max(m):>8.3f} | {pct(b, 50):>9.3f} "
              f"{pct(b, 99):>8.3f} {max(b):>8.3f} | {pct(m, 99) / pct(b, 99):>6.1f}x")
    burst = minkao["burst"]
    print(f"{args.jurors} jurors at once -> projector, per ballot over {len(args.viewers)} rounds: "
          f"p50 {pct(burst, 50):.3f} s, p99 {pct(burst, 99):.3f} s (n={len(burst)})")
    if args.json:
        args.json.write_text(json.dumps({"reveal": {str(k): v for k, v in minkao["reveal"].items()},
                                         "floor": {str(k): v for k, v in floor.items()},
                                         "burst": burst, "payload_bytes": size}, indent=1))


if __name__ == "__main__":
    main()
