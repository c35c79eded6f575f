"""One server process accepts far more than eventlet's default 1,024 simultaneous connections.

eventlet.wsgi stalls the 1,025th connection unless told otherwise (meeting/__main__.py lifts it).
This opens 1,500 real public Socket.IO connections at once (raw Engine.IO websocket handshakes:
cheap for the test process), checks every one was accepted and sent its snapshot, that a plain
page still answers while they are open, and that every one of them still answers a `sync`.
"""
from __future__ import annotations

import json
import resource

import pytest
import requests
import websocket

from tests.liveserver import LiveServer
from tests.live_support import seed_meeting

pytestmark = pytest.mark.server

CONNECTIONS = 1_500
EXTRA_ENV: dict[str, str] = {}  # e.g. MINKAO_MAX_CONNECTIONS=1000 shows the test failing


def _room_for_sockets(extra: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = soft + extra if hard == resource.RLIM_INFINITY else min(hard, soft + extra)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= CONNECTIONS + 200, "fd limit too low for this test"


def _read_event(ws: websocket.WebSocket, prefix: str) -> str:
    """The next message starting with `prefix`, answering the server's pings on the way."""
    while True:
        msg = ws.recv()
        if msg == "2":
            ws.send("3")
        elif msg.startswith(prefix):
            return msg
        elif msg.startswith("44"):
            raise AssertionError(f"connection refused: {msg}")


def _open(url: str, meeting_id: int) -> tuple[websocket.WebSocket, dict]:
    ws = websocket.create_connection(url, timeout=30, enable_multithread=False)
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40" + json.dumps({"meeting": meeting_id, "role": "viewer"}))
    connected, state = False, None
    while not connected or state is None:  # the snapshot is sent during the connect, before its ack
        msg = _read_event(ws, "4")
        if msg.startswith("40"):
            connected = True
        elif msg.startswith('42["state"'):
            state = json.loads(msg[2:])[1]
    return ws, state


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def test_one_process_holds_1500_simultaneous_public_connections_and_still_serves_a_page(app, tmp_path):
    _room_for_sockets(CONNECTIONS + 500)
    seeded = seed_meeting(app, jurors=3)
    # Long ping interval: the test answers pings only while it reads, not in the background.
    env = {"SOCKETIO_PING_INTERVAL": "120", "SOCKETIO_PING_TIMEOUT": "120", **EXTRA_ENV}
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log", env=env).start()
    url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    sockets: list[websocket.WebSocket] = []
    try:
        seqs = set()
        for _ in range(CONNECTIONS):
            ws, state = _open(url, seeded.meeting_id)
            sockets.append(ws)
            seqs.add(state["seq"])
        assert len(sockets) == CONNECTIONS and len(seqs) == 1
        (seq,) = seqs
        page = requests.get(f"{server.url}/m/{seeded.meeting_id}/viewer", timeout=30)
        assert page.status_code == 200 and "viewer" in page.text
        assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
        for n, ws in enumerate(sockets):  # every connection is still there and served
            ws.send(f"42{n}" + json.dumps(["sync", {}]))
            ack = json.loads(_read_event(ws, f"43{n}[")[len(f"43{n}"):])[0]
            assert ack == {"ok": True, "seq": seq}
        print(f"server RSS with {CONNECTIONS} connections: {rss_mib(server.proc.pid):.0f} MiB")
    finally:
        for ws in sockets:
            try:
                ws.close()
            except Exception:  # noqa: BLE001
                pass
        server.stop()
