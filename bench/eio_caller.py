"""A small Socket.IO v5 / Engine.IO v4 client with acknowledgements, on raw asyncio streams.

For the few controlling connections of a benchmark (moderator, projector, jurors, a trigger):
open packet, namespace connect with auth (and an optional Cookie), ping → pong, `emit` with an
acknowledgement, and `on_event(name, data, t)` for the events whose text contains one of
`wanted` (only those are JSON-decoded). Same framing as bench/lean_client.py, no dependency.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import time
from typing import Any, Callable

from lean_client import _masked_text


class RawSocketIO:
    """One connection; `call(event, data)` emits and waits for the ack."""

    def __init__(self, base_url: str, auth: dict[str, Any], headers: dict[str, str] | None = None,
                 on_event: Callable[[str, Any, float], None] | None = None,
                 wanted: tuple[str, ...] = ()) -> None:
        self.url_base = base_url
        self.hostport = base_url.split("://", 1)[1].rstrip("/")
        self.auth, self.headers, self.on_event, self.wanted = auth, headers or {}, on_event, wanted
        self._acks: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self.connected = asyncio.Event()
        self.closed = False
        self._reader: asyncio.Task | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self, timeout: float = 120) -> None:
        """Open the websocket and join the namespace with our auth."""
        host, port = self.hostport.rsplit(":", 1)
        reader, self.writer = await asyncio.open_connection(host, int(port), limit=1 << 24)
        extra = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {self.hostport}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"no websocket upgrade: {head[:200]!r}")
        self._reader = asyncio.create_task(self._read(reader))
        await asyncio.wait_for(self.connected.wait(), timeout)  # noqa: see _read for refusals

    async def _frames(self, reader: asyncio.StreamReader):  # noqa: ANN202
        frag = b""
        while True:
            b0, b1 = await reader.readexactly(2)
            ln = b1 & 0x7F
            if ln == 126:
                ln = int.from_bytes(await reader.readexactly(2), "big")
            elif ln == 127:
                ln = int.from_bytes(await reader.readexactly(8), "big")
            body = await reader.readexactly(ln)
            opcode = b0 & 0x0F
            if opcode == 8:
                return
            if opcode == 9:
                self.writer.write(bytes((0x8A, 0x80 | len(body))) + b"\x00\x00\x00\x00" + body)
            elif opcode in (0, 1):
                frag += body
                if b0 & 0x80:
                    yield frag.decode()
                    frag = b""

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            async for msg in self._frames(reader):
                now = time.perf_counter()
                if msg == "2":
                    self.writer.write(_masked_text("3"))
                elif msg.startswith("0"):
                    self.writer.write(_masked_text("40" + json.dumps(self.auth)))
                elif msg.startswith("40"):
                    self.connected.set()
                elif msg.startswith("44"):
                    raise RuntimeError(f"connection refused: {msg}")
                elif msg.startswith("43"):
                    head, _, body = msg[2:].partition("[")
                    fut = self._acks.pop(int(head), None)
                    if fut and not fut.done():
                        fut.set_result(json.loads("[" + body)[0])
                elif msg.startswith("42") and self.on_event:
                    if self.wanted and not any(w in msg for w in self.wanted):
                        self.on_event("", None, now)
                        continue
                    name, data = json.loads(msg[2:])[:2]
                    self.on_event(name, data, now)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            # The server closed us (e.g. a missed ping under load): waiting calls fail now, not at their timeout.
            self.closed = True
            for fut in self._acks.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("the server closed the connection"))
            self._acks.clear()

    async def call(self, event: str, data: Any, timeout: float = 60) -> Any:
        """Emit with an acknowledgement and wait for it."""
        if self.closed:
            raise ConnectionError("the server closed the connection")
        ack_id = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = fut
        self.writer.write(_masked_text(f"42{ack_id}" + json.dumps([event, data])))
        return await asyncio.wait_for(fut, timeout)

    async def close(self) -> None:
        """Close the connection."""
        if self._reader is not None:
            self._reader.cancel()
        if self.writer is not None:
            self.writer.close()
