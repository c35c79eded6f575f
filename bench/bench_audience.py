"""Side-by-side audience benchmark (issue #13): Minkao, Node.js socket.io v4 and the floor.

    .venv/bin/pip install -r bench/requirements.txt      # uvloop for the load clients
    .venv/bin/python bench/bench_audience.py              # N = 1,000 / 5,000 / 10,000, 3 reps
    .venv/bin/python bench/bench_audience.py --quick      # N = 200, 1 rep, short idle window

Method (docs/PERFORMANCE.md, "Live broadcast"): per N and repetition, in rotating order, a fresh
server of each kind: Minkao (`python -m meeting serve`, eventlet, SQLite, a seeded 30-juror
meeting, moderator/projector/jurors over real sockets), Node socket.io (bench/node/server.js,
the captured Minkao state frame) and the floor (bench/baseline_broadcaster.py). N viewers are
lean clients (bench/lean_client.py) in separate processes, connecting all at once. Per case:
(a) connect: until the last viewer has its first `state`; (b) the server's idle CPU with N
connected (% of one core); (c) RSS per connection; (d) trigger → viewers p50/p99/last over
several broadcasts; (e) server CPU per recipient of one broadcast; (f) Minkao: 30 ballots at once
→ projector; and the clients' own CPU per message. Per metric the median over repetitions.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audience_servers import (ROOT, Floor, Minkao, MinkaoNchan, Node, cpu_seconds, node_ready, npm_install,  # noqa: E402
                              rss_bytes, seed, write_frame)
from eio_caller import RawSocketIO  # noqa: E402
from lean_client import LeanFleet  # noqa: E402

OUT = ROOT / "bench" / "out"


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")


def _cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def _rss(pids: list[int]) -> int:
    return sum(rss_bytes(p) for p in pids)


def log(*parts: Any) -> None:
    """Progress on stderr (the JSON lines and the table go to stdout)."""
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


async def _quiet(fleet: LeanFleet, quiet: float = 0.5, timeout: float = 60) -> None:
    """Wait until no state has reached any viewer for `quiet` seconds (earlier broadcasts done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if time.monotonic() - await fleet.last_state() >= quiet:
            return
        await asyncio.sleep(0.1)


async def run_case(server: Any, n: int, opts: argparse.Namespace) -> dict[str, Any]:
    """One server, N viewers: the metrics (a)–(f) of the module docstring."""
    await server.start()
    try:
        tier = getattr(server, "viewer_url", None)  # Minkao over Nchan: viewers subscribe to nginx
        fleet = LeanFleet(tier or server.url, n, auth={"meeting": opts.meeting_id, "role": "viewer"},
                          mode="ws-plain" if tier else "eio", path=getattr(server, "viewer_path", None),
                          per_process=opts.per_process, python=opts.client_python)
        await fleet.start()
        await asyncio.sleep(1.0)  # the client processes' imports, before the clock starts
        pids = server.pids
        tier_pids = server.tier_pids if tier else []
        rss0, tier_rss0 = _rss(pids), _rss(tier_pids)
        t0 = time.monotonic()
        firsts, failed = await fleet.connect(timeout=getattr(server, "connect_timeout", opts.timeout))
        case: dict[str, Any] = {"server": server.name, "n": n, "load1_start": os.getloadavg()[0],
                                "connected": len(firsts), "failed": failed,
                                "connect_last_s": max(firsts) - t0 if firsts else None,
                                "connect_p50_s": pct([t - t0 for t in firsts], 50)}
        log(server.name, n, "connected", len(firsts), "failed", failed, "in", case["connect_last_s"])
        await asyncio.sleep(1.0)
        c0 = _cpu(pids)
        await asyncio.sleep(opts.idle_seconds)
        case["idle_cpu_pct"] = (_cpu(pids) - c0) / opts.idle_seconds * 100
        case["rss_per_conn_kib"] = (_rss(pids) - rss0) / max(1, len(firsts)) / 1024
        if tier:
            case["tier_rss_per_conn_kib"] = (_rss(tier_pids) - tier_rss0) / max(1, len(firsts)) / 1024
        reveals, bursts = [], []
        for _ in range(opts.reveals):
            burst = await server.prepare()
            bursts += burst
            await _quiet(fleet)
            await fleet.arm()
            log(server.name, n, "broadcast")
            s0, c0, tc0 = await fleet.stats(), _cpu(pids), _cpu(tier_pids)
            t = time.monotonic()
            await server.trigger()
            times, missing = await fleet.collect(timeout=opts.timeout)
            c1, tc1, s1 = _cpu(pids), _cpu(tier_pids), await fleet.stats()
            lat = [x - t for x in times]
            msgs = s1["messages"] - s0["messages"]
            reveals.append({"p50": pct(lat, 50), "p99": pct(lat, 99), "last": max(lat) if lat else None,
                            "missing": missing, "server_cpu_per_recipient_us": (c1 - c0) / max(1, len(times)) * 1e6,
                            "client_cpu_per_msg_us": (s1["cpu"] - s0["cpu"]) / max(1, msgs) * 1e6,
                            "msg_bytes": (s1["bytes"] - s0["bytes"]) / max(1, msgs),
                            "app_cpu_per_broadcast_ms": (c1 - c0) * 1e3,
                            "tier_cpu_per_recipient_us": (tc1 - tc0) / max(1, len(times)) * 1e6})
            await server.finish()
        for key in ("p50", "p99", "last", "server_cpu_per_recipient_us", "client_cpu_per_msg_us", "msg_bytes",
                    "app_cpu_per_broadcast_ms", "tier_cpu_per_recipient_us"):
            got = [r[key] for r in reveals if r[key] is not None]
            case[key] = statistics.median(got) if got else None
        case["missing"] = sum(r["missing"] for r in reveals)
        case["reveals"] = reveals
        if bursts:
            case["burst_p50"], case["burst_p99"] = pct(bursts, 50), pct(bursts, 99)
        st = await fleet.stats()
        case["lost"], case["lost_early"], case["refused"] = st["lost"], st["lost_early"], st["refused"]
        case["load1_end"] = os.getloadavg()[0]
        case["hall_reconnects"] = getattr(server, "reconnects", 0)
        await fleet.close()
        return case
    finally:
        await server.stop()


async def capture_frame(minkao: Minkao, path: Path) -> dict:
    """A warm-up round on Minkao with one viewer: the revealed state payload for the baselines."""
    captured: list = []
    await minkao.start()
    try:
        viewer = RawSocketIO(minkao.url, {"meeting": minkao.meeting_id, "role": "viewer"},
                             on_event=lambda name, data, t: captured.append(data) if name == "state" else None)
        await viewer.connect()
        await minkao.prepare()
        before = len(captured)
        await minkao.trigger()
        deadline = time.monotonic() + 30
        while len(captured) <= before and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await minkao.finish()
        await viewer.close()
    finally:
        await minkao.stop()
    write_frame(captured[-1], path)
    return captured[-1]


def summarise(cases: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """Median over repetitions of every numeric metric, per server and N."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for c in cases:
        out.setdefault(c["server"], {}).setdefault(str(c["n"]), {})
    for server, by_n in out.items():
        for n in by_n:
            rows = [c for c in cases if c["server"] == server and str(c["n"]) == n]
            keys = {k for r in rows for k, v in r.items() if isinstance(v, (int, float)) and k != "n"}
            by_n[n] = {k: statistics.median(r[k] for r in rows if r.get(k) is not None) for k in sorted(keys)}
    return out


ROWS = (("connect_last_s", "connect N: last first-state", "s", 2),
        ("failed", "viewers with no first state in the timeout", "", 0), ("idle_cpu_pct", "idle CPU, N connected", "%", 1),
        ("rss_per_conn_kib", "RSS per connection", "KiB", 1), ("p50", "broadcast → viewers p50", "s", 3),
        ("p99", "broadcast → viewers p99", "s", 3), ("last", "broadcast → last viewer", "s", 3),
        ("server_cpu_per_recipient_us", "server CPU per recipient", "µs", 1),
        ("client_cpu_per_msg_us", "lean client CPU per message", "µs", 1),
        ("msg_bytes", "bytes per message (mean)", "B", 0),
        ("burst_p99", "30 ballots → projector p99", "s", 3),
        ("app_cpu_per_broadcast_ms", "app CPU per broadcast (reveal included)", "ms", 1),
        ("tier_cpu_per_recipient_us", "nginx CPU per recipient", "µs", 1),
        ("tier_rss_per_conn_kib", "nginx RSS per connection", "KiB", 1))


def markdown(summary: dict[str, dict[str, dict[str, float]]], sizes: list[int]) -> str:
    """The table for docs/PERFORMANCE.md: Minkao, Node, floor and the ratios, per N."""
    servers = [s for s in ("minkao", "node", "floor", "nchan", "minkao+nchan") if s in summary]
    head = "| N | metric | " + " | ".join(servers) + " | Minkao/Node | Minkao/floor |"
    lines = [head, "|" + "---:|" * 2 + "---:|" * (len(servers) + 2)]
    for n in sorted({int(k) for by_n in summary.values() for k in by_n} | set(sizes)):
        for key, label, unit, digits in ROWS:
            vals = [summary.get(s, {}).get(str(n), {}).get(key) for s in servers]
            if all(v is None for v in vals):
                continue
            cells = [f"{v:,.{digits}f} {unit}".strip() if v is not None else "—" for v in vals]
            m = summary.get("minkao", {}).get(str(n), {}).get(key)

            def ratio(other: str) -> str:
                o = summary.get(other, {}).get(str(n), {}).get(key)
                return f"{m / o:.1f}×" if m is not None and o else "—"
            lines.append(f"| {n:,} | {label} | " + " | ".join(cells) + f" | {ratio('node')} | {ratio('floor')} |")
    return "\n".join(lines)


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark: seed, capture the frame, every case in rotating order."""
    tmp = Path(tempfile.mkdtemp(prefix="minkao-audience-"))
    db_url = f"sqlite:///{tmp / 'bench.db'}"
    # Every Minkao kind runs its rounds on the one seeded meeting: its reveals and the ballot
    # burst per case (a spare round each), plus the warm-up that captures the frame.
    minkao_kinds = sum(1 for k in opts.servers if k.startswith("minkao"))
    rounds = 2 + opts.repeat * len(opts.sizes) * (opts.reveals + 1) * max(1, minkao_kinds)
    opts.meeting_id, tokens = seed(db_url, opts.jurors, rounds)
    draws: list[int] = []
    ping = (opts.ping_interval, opts.ping_timeout)

    def minkao() -> Minkao:
        return Minkao(db_url, opts.meeting_id, tokens, ping, tmp / "server.log", draws)

    frame_path = tmp / "frame.json"
    payload = await capture_frame(minkao(), frame_path)
    def minkao_nchan() -> Minkao:
        return MinkaoNchan(db_url, opts.meeting_id, tokens, ping, tmp / "server.log", draws)

    kinds = {"minkao": minkao, "minkao+nchan": minkao_nchan, "node": lambda: Node(frame_path, ping, opts.meeting_id),
             "floor": lambda: Floor(frame_path, ping, opts.meeting_id)}
    order = [k for k in opts.servers if k != "node" or node_ready()]
    cases = []
    for rep in range(opts.repeat):
        for n in opts.sizes:
            rotated = order[rep % len(order):] + order[:rep % len(order)]
            for kind in rotated:
                case = await run_case(kinds[kind](), n, opts)
                case["rep"] = rep
                cases.append(case)
                print(json.dumps({k: v for k, v in case.items() if k != "reveals"}), flush=True)
                if opts.json:  # after every case, so an interrupted run keeps what it measured
                    opts.json.write_text(json.dumps({"cases": cases, "summary": summarise(cases)}, indent=1))
    if opts.nchan:  # the public tier's own fan-out, with the same captured frame (bench/nchan_fanout.py)
        import nchan_fanout  # noqa: PLC0415

        opts.workers = opts.nchan_workers
        for rep in range(opts.repeat):
            for n in opts.nchan_sizes:
                case = await nchan_fanout.run_case(n, payload, opts)
                case["rep"] = rep
                cases.append(case)
                print(json.dumps({k: v for k, v in case.items() if k != "reveals"}), flush=True)
    return {"cases": cases, "summary": summarise(cases), "sizes": opts.sizes, "frame_bytes":
            len(json.dumps(["state", payload], ensure_ascii=False, separators=(",", ":")).encode()),
            "cpus": os.cpu_count(), "servers": order, "log": str(tmp / "server.log")}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (also used by the smoke test)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reveals", type=int, default=3, help="broadcasts measured per case")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--servers", nargs="+", default=["minkao", "node", "floor"])
    parser.add_argument("--jurors", type=int, default=30)
    parser.add_argument("--per-process", type=int, default=2500, help="viewers per client process (≤ 5,000)")
    parser.add_argument("--ping-interval", type=int, default=25,
                        help="the public screens' Engine.IO ping, seconds (Minkao's SOCKETIO_PUBLIC_PING_INTERVAL)")
    parser.add_argument("--ping-timeout", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--client-python", default=None, help="python for the lean clients (one with uvloop)")
    parser.add_argument("--nchan", action="store_true", help="also Nchan's fan-out (bench-only nginx)")
    parser.add_argument("--nchan-sizes", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--nchan-workers", type=int, default=2, help="nginx worker processes")
    parser.add_argument("--quick", action="store_true", help="N=200, 1 rep, 2 reveals, 2 s idle")
    parser.add_argument("--json", type=Path, default=None, help="default: bench/out/audience-<time>.json")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.sizes, opts.repeat, opts.reveals, opts.idle_seconds = [200], 1, 2, 2.0
        opts.nchan_sizes = [200]
    return opts


def main() -> None:
    """Run, write the JSON file, print the markdown table."""
    opts = parse()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if "node" in opts.servers:
        npm_install()
    OUT.mkdir(parents=True, exist_ok=True)
    path = opts.json = opts.json or OUT / f"audience-{time.strftime('%Y%m%dT%H%M%S')}.json"
    result = asyncio.run(run(opts))
    result["load1_after"] = os.getloadavg()[0]
    path.write_text(json.dumps(result, indent=1))
    print(f"\nframe: {result['frame_bytes']} bytes; raw figures: {path}\n")
    print(markdown(result["summary"], opts.sizes))


if __name__ == "__main__":
    main()
