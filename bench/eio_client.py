"""A minimal Socket.IO v5 / Engine.IO v4 websocket client for load tests (asyncio + websockets).

python-socketio's own client costs far more CPU per received event than the server spends
sending it; with thousands of simulated screens the measuring side must be cheap. This client
speaks just enough of the protocol: open packet, namespace connect with auth, ping → pong,
events with acknowledgements.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any, Callable

import websockets


class RawSocketIO:
    """One connection. `on_event(name, data, t_received)` sees every server event."""

    def __init__(self, base_url: str, auth: dict[str, Any], headers: dict[str, str] | None = None,
                 on_event: Callable[[str, Any, float], None] | None = None,
                 wanted: tuple[str, ...] = ()) -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.auth = auth
        self.headers = headers or {}
        self.on_event = on_event
        # Only messages containing one of these substrings are parsed (parsing is the client's cost).
        self.wanted = wanted
        self._acks: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self.ws: Any = None
        self.connected = asyncio.Event()
        self._reader: asyncio.Task | None = None

    async def connect(self) -> None:
        """Open the websocket and join the namespace with our auth."""
        self.ws = await websockets.connect(self.url, additional_headers=self.headers, max_size=None,
                                           compression=None, open_timeout=60, ping_interval=None)
        opening = await self.ws.recv()
        assert opening.startswith("0"), opening
        await self.ws.send("40" + json.dumps(self.auth))
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self.connected.wait(), 120)

    async def _read(self) -> None:
        try:
            async for msg in self.ws:
                now = time.perf_counter()
                if msg == "2":
                    await self.ws.send("3")
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
                    name, data = json.loads(msg[2:])
                    self.on_event(name, data, now)
        except websockets.ConnectionClosed:
            pass

    async def call(self, event: str, data: Any, timeout: float = 60) -> Any:
        """Emit with an acknowledgement and wait for it."""
        ack_id = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = fut
        await self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        return await asyncio.wait_for(fut, timeout)

    async def close(self) -> None:
        """Close the websocket."""
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
