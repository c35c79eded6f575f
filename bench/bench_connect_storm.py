"""Connect storm: N public screens connect one after another; the server's CPU and the wall time.

Usage: .venv/bin/python bench/bench_connect_storm.py --connections 500 --repeat 3
Runs a fresh `python -m meeting serve` (eventlet, SQLite file, seeded meeting) per case and
repetition, with LIVE_FRAME_CACHE=1 and =0 alternately; this process is the only client (raw
Engine.IO websocket handshakes, websocket-client). Reports the server's CPU seconds (user+sys
from /proc) spent on the N connects, and the wall time.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from meeting import create_app
    from meeting.config import TestConfig
    from meeting.migrate import upgrade
    from tests.liveserver import LiveServer
    from tests.live_support import seed_meeting
    from tests.test_many_connections import _open, _room_for_sockets

    _room_for_sockets(args.connections + 200)
    url = f"sqlite:///{tempfile.mkdtemp()}/storm.db"
    upgrade(url)
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, "DATABASE_URL": url})
    mid = seed_meeting(app).meeting_id
    results: dict[str, list[tuple[float, float]]] = {"1": [], "0": []}
    for _ in range(args.repeat):
        for cache in ("1", "0"):
            server = LiveServer(url, env={"LIVE_FRAME_CACHE": cache, "SOCKETIO_PING_INTERVAL": "120",
                                          "SOCKETIO_PING_TIMEOUT": "120"}).start()
            ws_url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
            socks = []
            try:
                cpu0, t0 = cpu_seconds(server.proc.pid), time.perf_counter()
                for _ in range(args.connections):
                    socks.append(_open(ws_url, mid)[0])
                wall, cpu = time.perf_counter() - t0, cpu_seconds(server.proc.pid) - cpu0
                results[cache].append((wall, cpu))
                print(f"cache={cache} wall {wall:.2f} s, server CPU {cpu:.2f} s", flush=True)
            finally:
                for ws in socks:
                    ws.close()
                server.stop()
    for cache, rows in results.items():
        walls, cpus = sorted(r[0] for r in rows), sorted(r[1] for r in rows)
        print(f"LIVE_FRAME_CACHE={cache}: median wall {walls[len(walls) // 2]:.2f} s, "
              f"median server CPU {cpus[len(cpus) // 2]:.2f} s ({args.connections} connects)")


if __name__ == "__main__":
    main()
