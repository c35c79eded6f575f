"""Nchan's fan-out on this machine: one POST of the public state → N plain-WebSocket viewers.

    .venv/bin/python bench/nchan_fanout.py --sizes 1000 5000 10000 20000 [--frame state.json]

The public tier of issue #13 (docs/BROADCAST.md, branch nchan-publish): nginx with the Nchan
module fans each published snapshot out; the app only POSTs it once. Until the app's publisher
and `tests/nchan_server.py` are merged, this bench starts its own minimal nginx (a bench-only
configuration written into a temporary directory: a subscriber location with
`nchan_subscriber_first_message oldest` over a one-message buffer, an internal publisher server) and POSTs the
envelope `{"event":"state","data":…}` itself, so it measures what Nchan costs per recipient
and how fast the last viewer gets the message — not the app's publishing step. Viewers are the
lean clients (bench/lean_client.py, `--mode ws-plain`). nginx's CPU is its master + workers'
(pid file, then /proc children).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audience_servers import ROOT, cpu_seconds, free_port, rss_bytes  # noqa: E402
from lean_client import LeanFleet  # noqa: E402

MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so"
CONF = """load_module {module};
worker_processes {workers};
worker_rlimit_nofile 20000;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon on;
events {{ worker_connections 16384; accept_mutex off; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  client_max_body_size 4m; client_body_buffer_size 1m;
  server {{
    listen 127.0.0.1:{port} backlog=4096 reuseport;
    location ~ ^/live/(\\w+)$ {{
      nchan_subscriber websocket eventsource longpoll;
      nchan_channel_id $1;
      nchan_subscriber_first_message oldest;  # the buffer holds one: the newest state
    }}
  }}
  server {{
    listen 127.0.0.1:{pub_port};
    location ~ ^/pub/(\\w+)$ {{
      nchan_publisher http;
      nchan_channel_id $1;
      nchan_message_buffer_length 1;
      nchan_message_timeout 0;
    }}
  }}
}}
"""


class Nchan:
    """A bench-only nginx + Nchan in a temporary directory."""

    name = "nchan"

    def __init__(self, workers: int = 2) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-nchan-"))
        self.port, self.pub_port, self.workers = free_port(), free_port(), workers

    @property
    def url(self) -> str:  # noqa: D102
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        """Master and workers."""
        master = int((self.dir / "nginx.pid").read_text())
        kids = Path(f"/proc/{master}/task/{master}/children")
        return [master, *(int(p) for p in kids.read_text().split())]

    def start(self) -> None:
        """Write the configuration and start nginx (it daemonises; the pid file says where)."""
        conf = self.dir / "nginx.conf"
        conf.write_text(CONF.format(module=MODULE, workers=self.workers, dir=self.dir, port=self.port,
                                    pub_port=self.pub_port))
        subprocess.run(["nginx", "-p", str(self.dir), "-c", str(conf)], check=True)
        deadline = time.monotonic() + 20
        while not (self.dir / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def publish(self, channel: str, body: bytes) -> None:
        """POST one message to the channel."""
        r = requests.post(f"http://127.0.0.1:{self.pub_port}/pub/{channel}", data=body,
                          headers={"Content-Type": "application/json"}, timeout=30)
        r.raise_for_status()

    def stop(self) -> None:
        """nginx -s stop."""
        subprocess.run(["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-s", "stop"],
                       check=False, stderr=subprocess.DEVNULL)


def envelope(frame: dict[str, Any], seq: int) -> bytes:
    """The contract's message: {"event": "state", "data": <the public state>}."""
    return json.dumps({"event": "state", "data": {**frame, "seq": seq}}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def run_case(n: int, frame: dict[str, Any], opts: argparse.Namespace) -> dict[str, Any]:
    """N viewers on one channel: connect, idle CPU, RSS per connection, publish → viewers."""
    nchan = Nchan(opts.workers)
    await asyncio.to_thread(nchan.start)
    seq = frame.get("seq", 1)
    try:
        await asyncio.to_thread(nchan.publish, "m1", envelope(frame, seq))
        fleet = LeanFleet(nchan.url, n, mode="ws-plain", path="/live/m1", per_process=opts.per_process,
                          python=opts.client_python)
        await fleet.start()
        await asyncio.sleep(1.0)
        pids = nchan.pids
        rss0 = sum(rss_bytes(p) for p in pids)
        t0 = time.monotonic()
        firsts, failed = await fleet.connect(timeout=opts.timeout)
        case: dict[str, Any] = {"server": "nchan", "n": n, "connected": len(firsts), "failed": failed,
                                "connect_last_s": max(firsts) - t0 if firsts else None,
                                "load1_start": os.getloadavg()[0]}
        await asyncio.sleep(1.0)
        c0 = sum(cpu_seconds(p) for p in pids)
        await asyncio.sleep(opts.idle_seconds)
        case["idle_cpu_pct"] = (sum(cpu_seconds(p) for p in pids) - c0) / opts.idle_seconds * 100
        case["rss_per_conn_kib"] = (sum(rss_bytes(p) for p in pids) - rss0) / max(1, len(firsts)) / 1024
        reveals = []
        for _ in range(opts.reveals):
            seq += 1
            body = envelope(frame, seq)
            await asyncio.sleep(0.5)
            await fleet.arm()
            s0, c0 = await fleet.stats(), sum(cpu_seconds(p) for p in pids)
            t = time.monotonic()
            await asyncio.to_thread(nchan.publish, "m1", body)
            times, missing = await fleet.collect(timeout=opts.timeout)
            c1, s1 = sum(cpu_seconds(p) for p in pids), await fleet.stats()
            lat = [x - t for x in times]
            msgs = max(1, s1["messages"] - s0["messages"])
            reveals.append({"p50": _pct(lat, 50), "p99": _pct(lat, 99), "last": max(lat), "missing": missing,
                            "server_cpu_per_recipient_us": (c1 - c0) / max(1, len(times)) * 1e6,
                            "client_cpu_per_msg_us": (s1["cpu"] - s0["cpu"]) / msgs * 1e6,
                            "msg_bytes": len(body)})
        for key in ("p50", "p99", "last", "server_cpu_per_recipient_us", "client_cpu_per_msg_us", "msg_bytes"):
            case[key] = statistics.median(r[key] for r in reveals)
        case["missing"] = sum(r["missing"] for r in reveals)
        case["reveals"] = reveals
        case["load1_end"] = os.getloadavg()[0]
        await fleet.close()
        return case
    finally:
        await asyncio.to_thread(nchan.stop)


async def run(opts: argparse.Namespace) -> list[dict[str, Any]]:
    """Every N, each repetition; one JSON line per case on stdout."""
    frame = json.loads(opts.frame.read_text()) if opts.frame else {"seq": 1, "padding": "x" * 5000}
    cases = []
    for rep in range(opts.repeat):
        for n in opts.sizes:
            case = await run_case(n, frame, opts)
            case["rep"] = rep
            cases.append(case)
            print(json.dumps({k: v for k, v in case.items() if k != "reveals"}), flush=True)
    return cases


def main() -> None:
    """Run and write bench/out/nchan-<time>.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reveals", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="nginx worker processes")
    parser.add_argument("--per-process", type=int, default=2500)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--frame", type=Path, default=None, help="a captured state payload (JSON)")
    parser.add_argument("--client-python", default=None)
    parser.add_argument("--json", type=Path, default=None)
    opts = parser.parse_args()
    cases = asyncio.run(run(opts))
    out = opts.json or ROOT / "bench" / "out" / f"nchan-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cases": cases}, indent=1))
    print(f"raw figures: {out}")


if __name__ == "__main__":
    main()
