"""`python -m meeting serve` listens with a backlog big enough for a reconnect storm.

eventlet's default backlog is 50: when thousands of screens reconnect at once after a restart,
the kernel drops the SYNs beyond it and the screens wait on TCP's retry schedule (issue #13).
The backlog of a listening socket is what `ss -ltn` prints as Send-Q.
"""
from __future__ import annotations

import subprocess

import pytest

from tests.liveserver import LiveServer
from tests.live_support import seed_meeting

pytestmark = pytest.mark.server

# MINKAO_LISTEN_BACKLOG's default (meeting/__main__.py). Not imported from there: importing the
# entry point monkey-patches this whole test process with eventlet.
LISTEN_BACKLOG = 4096


def _somaxconn() -> int:
    with open("/proc/sys/net/core/somaxconn") as f:
        return int(f.read())


def _listen_backlog(port: int) -> int:
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True,
                         check=True).stdout.split()
    # State Recv-Q Send-Q Local Peer: for a listening socket Send-Q is its backlog.
    return int(out[2])


def test_the_server_listens_with_a_backlog_for_thousands_of_simultaneous_connects(app, tmp_path):
    seeded = seed_meeting(app, jurors=1)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    try:
        assert _listen_backlog(server.port) == min(LISTEN_BACKLOG, _somaxconn())
        assert _listen_backlog(server.port) >= 1024
    finally:
        server.stop()
