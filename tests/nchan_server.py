"""A real nginx + Nchan node (scripts/nchan.sh) on free loopback ports, for tests and the bench.

    with running_nchan(app_url) as nchan:          # or: nchan = NchanServer(app_url).start()
        requests.post(nchan.publish_url + "/m7", data=envelope)
        ... subscribe to nchan.public_url + "/live/m7" ...

Two nodes that share channels through Redis pass the same `redis_url` and `redis_namespace`.
"""
from __future__ import annotations

import atexit
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import requests
import websocket

from tests.liveserver import ROOT, free_port

SCRIPT = ROOT / "scripts" / "nchan.sh"


class NchanServer:
    """One nginx with the Minkao template: `public_url` for screens, `publish_url` for the app."""

    def __init__(self, app_url: str, redis_url: str | None = None, redis_namespace: str | None = None,
                 directory: Path | None = None) -> None:
        self.app_url = app_url.rstrip("/")
        self.redis_url = redis_url
        # Tests share the machine's Redis: a namespace of their own, unless two nodes must meet.
        self.redis_namespace = redis_namespace or f"minkao-test-{uuid.uuid4().hex[:12]}"
        self.port = free_port()
        self.publish_port = free_port()
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="minkao-nchan-"))
        self.running = False

    @property
    def public_url(self) -> str:
        """The public server's base, e.g. http://127.0.0.1:41234 (subscribers at /live/m<id>)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def publish_url(self) -> str:
        """The publisher base the app is given as NCHAN_PUBLISH_URL, e.g. http://127.0.0.1:41235/pub."""
        return f"http://127.0.0.1:{self.publish_port}/pub"

    def subscribe_url(self, meeting_id: int, scheme: str = "http") -> str:
        """The subscriber URL of one meeting's channel (scheme ws for WebSocket)."""
        return f"{scheme}://127.0.0.1:{self.port}/live/m{meeting_id}"

    def start(self) -> "NchanServer":
        """Render the configuration and start nginx (same ports as before after a stop())."""
        cmd = [str(SCRIPT), "start", "--dir", str(self.directory), "--port", str(self.port),
               "--publish-port", str(self.publish_port), "--app", self.app_url]
        if self.redis_url:
            cmd += ["--redis", self.redis_url, "--redis-namespace", self.redis_namespace]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"nchan.sh start failed: {result.stdout}{result.stderr}\n{self.error_log()}")
        self.running = True
        atexit.register(self.stop)  # nginx daemonizes: never leave one behind an aborted run
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 20.0) -> None:
        # With Redis, Nchan answers 503 until its connection is up: ask the publisher about a
        # channel nobody uses (a GET creates nothing) until it answers otherwise.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.publish_url + "/m0", timeout=2).status_code != 503:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"Nchan did not become ready in {timeout} s\n{self.error_log()}")

    def stop(self) -> None:
        """Stop nginx (fast shutdown); the directory is kept for a later start()."""
        if self.running:
            subprocess.run([str(SCRIPT), "stop", "--dir", str(self.directory)], capture_output=True,
                           text=True, timeout=30, check=True)
            self.running = False

    def close(self) -> None:
        """Stop and remove the directory if this object made it."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def error_log(self) -> str:
        """nginx's error log so far (for failure messages)."""
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def running_nchan(app_url: str, redis_url: str | None = None,
                  redis_namespace: str | None = None) -> Iterator[NchanServer]:
    """A started NchanServer for the duration of the block (use it in a pytest fixture too)."""
    server = NchanServer(app_url, redis_url=redis_url, redis_namespace=redis_namespace).start()
    try:
        yield server
    finally:
        server.close()


class EventSourceSubscriber:
    """A plain-HTTP EventSource (SSE) subscriber: a reader thread puts each `data:` text in a queue.

    A raw socket speaking HTTP/1.0 (no chunked framing to undo) so close() can shut the socket
    under the reader; requests' streaming response deadlocks when closed from another thread.
    """

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(url)
        self.messages: "queue.Queue[str]" = queue.Queue()
        self._sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=10)
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._sock.sendall((f"GET {parts.path}{'?' + parts.query if parts.query else ''} HTTP/1.0\r\n"
                            f"Host: {parts.netloc}\r\nAccept: text/event-stream\r\n{extra}\r\n").encode())
        self._file = self._sock.makefile("rb")
        status = self._file.readline().decode("latin-1")
        if " 200 " not in status:
            self.close()
            raise ConnectionError(f"EventSource {url}: {status.strip()}")
        while self._file.readline() not in (b"\r\n", b"\n", b""):
            pass
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        data: list[str] = []
        try:
            for raw in self._file:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif line == "" and data:
                    self.messages.put("\n".join(data))
                    data = []
        except (OSError, ValueError):
            pass  # closed by close(), or by the server going away

    def next(self, timeout: float = 10.0) -> str:
        """The next message's data; raises queue.Empty when none comes in `timeout` seconds."""
        return self.messages.get(timeout=timeout)

    def close(self) -> None:
        """Drop the connection (the reader thread ends)."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


class WebSocketSubscriber:
    """A WebSocket subscriber (websocket-client): each text frame is one published message."""

    def __init__(self, url: str) -> None:
        self._ws = websocket.create_connection(url, timeout=10)

    def next(self, timeout: float = 10.0) -> str:
        """The next message; raises websocket.WebSocketTimeoutException after `timeout` seconds."""
        self._ws.settimeout(timeout)
        return self._ws.recv()

    def close(self) -> None:
        """Close the connection."""
        self._ws.close()


def publish(nchan: NchanServer, channel: str, body: str) -> int:
    """POST one message to a channel of the node's publisher (e.g. "m7", "m7-beat"); returns the status."""
    return requests.post(f"{nchan.publish_url}/{channel}", data=body.encode(), timeout=5,
                         headers={"Content-Type": "application/json"}).status_code
