"""Lean audience load client: many raw RFC 6455 connections per process, cheap per message.

Usage. As a program, one process holds `--count` connections and is driven by JSON lines on
stdin, answering with JSON lines on stdout (one answer per command):

    python bench/lean_client.py --url http://127.0.0.1:5000 --mode eio \\
        --auth '{"meeting": 1, "role": "viewer"}' --count 2500
    {"cmd": "connect"}            -> {"ev": "connected", "ok": 2500, "failed": 0, "first": [t, ...]}
    {"cmd": "idle"}               -> {"ev": "idle", "last_state": t}   (when the newest state arrived)
    {"cmd": "arm"}                -> {"ev": "armed"}   every connection waits for its next `state`
    {"cmd": "collect", "timeout": 60} -> {"ev": "collected", "times": [t, ...], "missing": 0}
    {"cmd": "stats"}              -> {"ev": "stats", "cpu": s, "messages": n, "bytes": b, "open": k}
    {"cmd": "close"}              -> {"ev": "closed"} and the process exits

Times are `time.monotonic()` (CLOCK_MONOTONIC: system-wide on Linux, so comparable with the
harness's and other processes' clocks). `--mode eio` speaks Engine.IO v4 + Socket.IO v5 on
`/socket.io/?EIO=4&transport=websocket` (open packet, `40{auth}`, ping `2` -> pong `3`) and
counts `42["state",…]` / `42["heartbeat",…]`; `--mode ws-plain --path /live/m1` is a plain
WebSocket subscriber (Nchan) whose messages are `{"event":"state","data":…}` envelopes. From
Python, `LeanFleet` (below) starts several such processes and drives them together; the
harness (bench/bench_audience.py) and anyone measuring fan-out can use it. Nothing here parses
JSON per message: a frame header, the first bytes of the payload, one clock read. uvloop is used
when installed (bench/requirements.txt), else the standard asyncio loop.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

_EIO_PATH = "/socket.io/?EIO=4&transport=websocket"
_PONG = b"\x81\x81\x00\x00\x00\x00" + b"3"  # masked text frame "3" (a zero mask is a valid mask)


def _masked_text(text: str) -> bytes:
    """A client→server text frame; the zero mask keeps it cheap (servers must accept any key)."""
    data = text.encode()
    n = len(data)
    if n < 126:
        head = bytes((0x81, 0x80 | n))
    elif n < 65536:
        head = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + b"\x00\x00\x00\x00" + data


class Conn(asyncio.Protocol):
    """One WebSocket connection: handshake, frame parsing, Engine.IO pings, state timestamps."""

    __slots__ = ("fleet", "transport", "buf", "upgraded", "first", "armed", "hit", "frag")

    def __init__(self, fleet: "Fleet") -> None:
        self.fleet = fleet
        self.transport: Any = None
        self.buf = b""
        self.upgraded = False
        self.first: float | None = None
        self.armed = False
        self.hit: float | None = None
        self.frag = b""

    def connection_made(self, transport: Any) -> None:  # noqa: D102
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET {self.fleet.path} HTTP/1.1\r\nHost: {self.fleet.host}\r\n"
                         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                         f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: D102
        self.fleet.lost += 1
        if self.first is None:  # closed before its first state: by whom shows in the server's log
            self.fleet.lost_early += 1
        self.transport = None

    def data_received(self, data: bytes) -> None:  # noqa: D102
        buf = self.buf + data if self.buf else data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.fleet.refused += 1
                self.transport.close()
                return
            self.upgraded = True
            buf = buf[end + 4:]
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b0, ln = buf[pos], buf[pos + 1] & 0x7F
            hl = 2
            if ln == 126:
                if size - pos < 4:
                    break
                ln, hl = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
            elif ln == 127:
                if size - pos < 10:
                    break
                ln, hl = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
            if size - pos < hl + ln:
                break
            start = pos + hl
            pos = start + ln
            opcode = b0 & 0x0F
            if opcode in (1, 2) and b0 & 0x80:  # text, or binary (Nchan may send either)
                self.message(buf, start, ln)
            elif opcode in (0, 1):  # fragmented text: rare, so the copy does not matter
                self.frag += buf[start:pos]
                if b0 & 0x80:
                    whole, self.frag = self.frag, b""
                    self.message(whole, 0, len(whole))
            elif opcode == 9:  # WebSocket ping (Nchan may send them): pong with the same body
                body = buf[start:pos]
                self.transport.write(bytes((0x8A, 0x80 | len(body))) + b"\x00\x00\x00\x00" + body)
            elif opcode == 8:
                self.transport.close()
                return
        self.buf = buf[pos:] if pos < size else b""

    def message(self, buf: bytes, start: int, ln: int) -> None:
        """One text message: find out cheaply what it is from its first bytes."""
        fleet = self.fleet
        if fleet.eio:
            c = buf[start]
            if c == 0x34:  # '4' Engine.IO message
                kind = buf[start + 1]
                if kind == 0x32:  # '2' Socket.IO event
                    if buf.startswith(b'["state"', start + 2):
                        self.state(ln)
                    else:
                        fleet.messages += 1
                        fleet.bytes += ln
                elif kind == 0x30:  # '0' namespace connected
                    fleet.joined += 1
                elif kind == 0x34:  # '4' connect_error
                    fleet.refused += 1
            elif c == 0x32 and ln == 1:  # '2' ping
                self.transport.write(_PONG)
            elif c == 0x30:  # '0' open packet
                self.transport.write(fleet.join_frame)
        else:
            if buf.find(b'"state"', start, start + 24) >= 0:
                self.state(ln)
            else:
                fleet.messages += 1
                fleet.bytes += ln

    def state(self, ln: int) -> None:
        """A `state` message arrived: timestamp it if someone is waiting for it."""
        now = time.monotonic()
        fleet = self.fleet
        fleet.messages += 1
        fleet.bytes += ln
        fleet.last_state = now
        if self.first is None:
            self.first = now
            fleet.firsts += 1
        if self.armed and self.hit is None:
            self.hit = now
            fleet.hits += 1


class Fleet:
    """The connections of one process and the counters they share."""

    def __init__(self, url: str, mode: str, path: str | None, auth: dict[str, Any], count: int) -> None:
        rest = url.split("://", 1)[1].split("/", 1)[0]
        self.host = rest
        self.addr, _, port = rest.rpartition(":")
        self.port = int(port)
        self.eio = mode == "eio"
        self.path = path or (_EIO_PATH if self.eio else "/")
        self.join_frame = _masked_text("40" + json.dumps(auth, separators=(",", ":")))
        self.count = count
        self.conns: list[Conn] = []
        self.messages = self.bytes = self.lost = self.lost_early = self.refused = self.joined = 0
        self.firsts = self.hits = 0
        self.last_state = 0.0

    async def connect(self, timeout: float) -> dict[str, Any]:
        """Open every connection at once; wait until each has its first state (or the timeout)."""
        loop = asyncio.get_running_loop()
        self.conns = [Conn(self) for _ in range(self.count)]
        results = await asyncio.gather(*(loop.create_connection(lambda c=c: c, self.addr, self.port)
                                         for c in self.conns), return_exceptions=True)
        failed = sum(isinstance(r, BaseException) for r in results)
        await self._until(lambda: self.firsts + failed + self.refused + self.lost >= self.count, timeout)
        firsts = [c.first for c in self.conns if c.first is not None]
        return {"ev": "connected", "ok": len(firsts), "failed": self.count - len(firsts), "first": firsts}

    async def _until(self, done: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def arm(self) -> dict[str, Any]:
        """From now on, each connection records the arrival of its next state."""
        for c in self.conns:
            c.armed, c.hit = True, None
        self.hits = 0
        return {"ev": "armed"}

    async def collect(self, timeout: float) -> dict[str, Any]:
        """Wait until every open connection got a state since `arm`; return the arrival times."""
        # Open and upgraded, not "has had a state": a Nchan channel may still be empty at connect.
        live = sum(c.transport is not None and c.upgraded for c in self.conns)
        await self._until(lambda: self.hits >= live, timeout)
        times = [c.hit for c in self.conns if c.hit is not None]
        for c in self.conns:
            c.armed = False
        return {"ev": "collected", "times": times, "missing": live - len(times)}

    def stats(self) -> dict[str, Any]:
        """This process's CPU seconds (user + system, ns resolution) and what it has received."""
        t = os.times()
        return {"ev": "stats", "cpu": time.process_time(), "user": t.user, "sys": t.system, "messages": self.messages, "bytes": self.bytes,
                "open": sum(c.transport is not None for c in self.conns), "lost": self.lost,
                "lost_early": self.lost_early,
                "refused": self.refused}


async def _serve(fleet: Fleet) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        cmd = json.loads(line)
        name = cmd["cmd"]
        if name == "connect":
            out = await fleet.connect(cmd.get("timeout", 120))
        elif name == "idle":
            out = {"ev": "idle", "last_state": fleet.last_state}
        elif name == "arm":
            out = fleet.arm()
        elif name == "collect":
            out = await fleet.collect(cmd.get("timeout", 60))
        elif name == "stats":
            out = fleet.stats()
        else:
            for c in fleet.conns:
                if c.transport is not None:
                    c.transport.close()
            out = {"ev": "closed"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
        if name == "close":
            return


def main() -> None:
    """Run one client process (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="http://host:port of the server")
    parser.add_argument("--mode", choices=("eio", "ws-plain"), default="eio")
    parser.add_argument("--path", default=None, help="request path (default: the Engine.IO path)")
    parser.add_argument("--auth", default="{}", help="Socket.IO auth (JSON), eio mode")
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    try:
        import uvloop  # noqa: PLC0415
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_serve(Fleet(args.url, args.mode, args.path, json.loads(args.auth), args.count)))


class LeanFleet:
    """Several lean client processes driven together (asyncio, from the harness's side)."""

    def __init__(self, url: str, n: int, mode: str = "eio", path: str | None = None,
                 auth: dict[str, Any] | None = None, per_process: int = 2500,
                 python: str | None = None) -> None:
        self.args = ["--url", url, "--mode", mode, "--auth", json.dumps(auth or {})]
        if path:
            self.args += ["--path", path]
        procs = max(1, -(-n // per_process))
        self.counts = [n // procs + (i < n % procs) for i in range(procs)]
        self.python = python or sys.executable
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        """Start the processes (they connect only on `connect`)."""
        script = str(Path(__file__).resolve())
        self.procs = [await asyncio.create_subprocess_exec(
            self.python, script, *self.args, "--count", str(k), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, limit=1 << 24) for k in self.counts]

    async def ask(self, cmd: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one command to every process at once; their answers, in process order."""
        line = (json.dumps(cmd) + "\n").encode()
        for p in self.procs:
            p.stdin.write(line)
        await asyncio.gather(*(p.stdin.drain() for p in self.procs))
        answers = await asyncio.gather(*(p.stdout.readline() for p in self.procs))
        if not all(answers):
            raise RuntimeError("a lean client process died")
        return [json.loads(a) for a in answers]

    async def connect(self, timeout: float = 120) -> tuple[list[float], int]:
        """Connect all; (first-state times of every connection, number that failed)."""
        out = await self.ask({"cmd": "connect", "timeout": timeout})
        return [t for o in out for t in o["first"]], sum(o["failed"] for o in out)

    async def arm(self) -> None:
        """Every connection waits for its next state."""
        await self.ask({"cmd": "arm"})

    async def collect(self, timeout: float = 60) -> tuple[list[float], int]:
        """(arrival time of the state since `arm` for every connection, number missing)."""
        out = await self.ask({"cmd": "collect", "timeout": timeout})
        return [t for o in out for t in o["times"]], sum(o["missing"] for o in out)

    async def last_state(self) -> float:
        """When the newest state reached any connection (monotonic)."""
        return max(o["last_state"] for o in await self.ask({"cmd": "idle"}))

    async def stats(self) -> dict[str, float]:
        """CPU seconds and counters summed over the processes."""
        out = await self.ask({"cmd": "stats"})
        return {k: sum(o[k] for o in out) for k in ("cpu", "messages", "bytes", "open", "lost", "lost_early", "refused")}

    async def close(self) -> None:
        """Close every connection and end the processes."""
        try:
            await asyncio.wait_for(self.ask({"cmd": "close"}), 30)
        except (RuntimeError, asyncio.TimeoutError, BrokenPipeError, ConnectionResetError):
            pass
        for p in self.procs:
            if p.returncode is None:
                try:
                    await asyncio.wait_for(p.wait(), 10)
                except asyncio.TimeoutError:
                    p.kill()
                    await p.wait()


if __name__ == "__main__":
    main()
