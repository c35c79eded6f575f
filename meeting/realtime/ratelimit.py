"""Token buckets per socket connection: how fast one connection may send a kind of request.

A bucket holds up to `burst` tokens and gains `rate` tokens a second; each request takes one,
and a request finding the bucket empty is refused before any service runs, so a flood costs
no database work at all. Buckets live in this process's memory, keyed by the connection's
sid, like the principals in handlers.py (a connection never moves between processes); a
closed connection's bucket is forgotten. See docs/LIMITS.md.
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class TokenBucket:
    """`burst` tokens at most, refilled at `rate` per second of `clock`."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.at = clock()

    def take(self) -> bool:
        """Take one token if there is one (True), else leave the bucket as it is (False)."""
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class SidBuckets:
    """One TokenBucket per connection sid, created on first use."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def allow(self, sid: str) -> bool:
        """May this connection send one more request now?"""
        with self._lock:
            bucket = self._buckets.get(sid)
            if bucket is None:
                bucket = self._buckets[sid] = TokenBucket(self.rate, self.burst, self.clock)
            return bucket.take()

    def forget(self, sid: str) -> None:
        """The connection closed."""
        with self._lock:
            self._buckets.pop(sid, None)

    def __len__(self) -> int:
        return len(self._buckets)
