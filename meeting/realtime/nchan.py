"""Publishing the public messages to an Nchan node (the public tier, docs/DEPLOY.md).

The port is two calls, `publish_state` and `publish_heartbeat`, made by the broadcast after the
socket.io emits. Neither blocks: they leave the message with one background sender (a green
thread under eventlet, where urllib is green too) and return. The sender POSTs each envelope to
`{NCHAN_PUBLISH_URL}/m{id}` (states: Nchan keeps the newest for new screens) or `/m{id}-beat`
(heartbeats: not kept). Each state is a full snapshot, so per meeting only the newest waiting one
is sent, and a state older (lower seq) than one already sent is dropped: one sender posting in
order means an older snapshot never overwrites a newer one at Nchan. A failed state is sent again
before that meeting's next heartbeat; failures are logged on one line, at most every 30 s.

Nchan can also lose a state it took (a memory-mode node restarted, Redis flushed): then a new
screen gets only heartbeats newer than its (no) state and resyncs on every beat without ever
getting one. So before each heartbeat the sender asks the publisher location whether the meeting's
channel still holds a message (one GET) and, if not, posts the state it last gave it again. A
heartbeat whose seq is newer than any state this process gave Nchan (a process that never
published the meeting, after an app restart; a change that went out without a public broadcast;
another process's state) takes the current public frame first (`seed`), so the pages' "heartbeat
newer than my state → resync" always finds a state that ends it.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Protocol

from flask import Flask, current_app

from meeting.extensions import socketio
from meeting.realtime import frames

log = logging.getLogger("minkao.realtime")

LOG_EVERY = 30.0  # seconds between two "publishing failed" lines while Nchan stays unreachable

Post = Callable[[str, bytes, float], None]
Probe = Callable[[str, float], bool]
Seed = Callable[[int], "tuple[int, str] | None"]


class Publisher(Protocol):
    """What the broadcast calls; both return at once."""

    def publish_state(self, meeting_id: int, payload_text: str, seq: int) -> None:
        """Send the public `state` payload (already-encoded JSON text) for the meeting."""

    def publish_heartbeat(self, meeting_id: int, beat: dict[str, Any]) -> None:
        """Send a heartbeat (`meeting`, `seq`, `server_time`) for the meeting."""


class NullPublisher:
    """NCHAN_PUBLISH_URL is empty: nothing is published."""

    def publish_state(self, meeting_id: int, payload_text: str, seq: int) -> None:
        """Do nothing."""

    def publish_heartbeat(self, meeting_id: int, beat: dict[str, Any]) -> None:
        """Do nothing."""


def http_post(url: str, body: bytes, timeout: float) -> None:
    """POST a JSON body; raises OSError (URLError, HTTPError, timeouts) when Nchan does not take it."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        reply.read()


def http_holds_message(url: str, timeout: float) -> bool:
    """Whether the channel at a publisher URL holds a message (Nchan's channel info; 404 = none)."""
    request = urllib.request.Request(url, method="GET", headers={"Accept": "text/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            info = json.loads(reply.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise
    return int(info.get("messages", 0)) > 0


def current_public_state(meeting_id: int) -> tuple[int, str] | None:
    """The meeting's current public frame as (seq, payload text); needs the app context."""
    frame = frames.public_frame(meeting_id)
    return frame.seq, frame.payload({"type": "sync", "seq": frame.seq}).text


def state_envelope(payload_text: str) -> bytes:
    """The state message as Nchan carries it: the payload spliced in as text, not re-encoded."""
    return ('{"event":"state","data":' + payload_text + "}").encode("utf-8")


def heartbeat_envelope(beat: dict[str, Any]) -> bytes:
    """The heartbeat message as Nchan carries it."""
    return json.dumps({"event": "heartbeat", "data": beat}, separators=(",", ":")).encode("utf-8")


class NchanPublisher:
    """Posts to one Nchan publisher base from a single background sender, newest state first."""

    def __init__(self, base_url: str, timeout: float, spawn: Callable[[Callable[[], None]], Any],
                 post: Post = http_post, clock: Callable[[], float] = time.monotonic,
                 probe: Probe | None = None, seed: Seed | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._spawn = spawn
        self._post = post
        self._probe = probe   # None: never ask Nchan whether it still holds the state
        self._seed = seed     # None: a meeting this process never published gets no state at a beat
        self._clock = clock
        self._lock = threading.Lock()  # green under eventlet (monkey-patched)
        self._states: dict[int, tuple[int, bytes]] = {}   # waiting, newest per meeting
        self._beats: dict[int, bytes] = {}                # waiting, newest per meeting
        self._sent: dict[int, int] = {}                   # the seq Nchan holds (or was last given)
        self._failed: dict[int, tuple[int, bytes]] = {}   # a state Nchan did not take: resent
        self._kept: dict[int, tuple[int, bytes]] = {}     # the newest state Nchan took
        self._running = False
        self._failures = 0
        self._last_log: float | None = None
        self.coalesced = 0  # states replaced by a newer one before they were sent

    def publish_state(self, meeting_id: int, payload_text: str, seq: int) -> None:
        """Queue the meeting's newest state (an older one than sent or waiting is dropped)."""
        with self._lock:
            if seq < self._sent.get(meeting_id, seq):
                return
            waiting = self._states.get(meeting_id)
            if waiting is not None:
                if seq < waiting[0]:
                    return
                self.coalesced += 1
            self._states[meeting_id] = (seq, state_envelope(payload_text))
            self._failed.pop(meeting_id, None)
        self._kick()

    def publish_heartbeat(self, meeting_id: int, beat: dict[str, Any]) -> None:
        """Queue a heartbeat; a state Nchan did not take before is sent again in front of it."""
        known = self._known_seq(meeting_id)
        if self._seed is not None and (known is None or int(beat.get("seq", -1)) > known):
            try:
                seeded = self._seed(meeting_id)
            except Exception:  # noqa: BLE001 — a database blip: the next beat tries again
                log.exception("no public state to give Nchan for meeting %s", meeting_id)
                seeded = None
            if seeded is not None and (known is None or seeded[0] > known):
                self.publish_state(meeting_id, seeded[1], seeded[0])
        with self._lock:
            failed = self._failed.pop(meeting_id, None)
            if failed is not None and meeting_id not in self._states:
                self._states[meeting_id] = failed
            self._beats[meeting_id] = heartbeat_envelope(beat)
        self._kick()

    def _known_seq(self, meeting_id: int) -> int | None:
        """The newest seq this process gave Nchan or is about to (None: none for this meeting)."""
        with self._lock:
            seqs = [d[meeting_id][0] for d in (self._states, self._failed, self._kept) if meeting_id in d]
            if meeting_id in self._sent:
                seqs.append(self._sent[meeting_id])
        return max(seqs) if seqs else None

    def _kick(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
        self._spawn(self._drain)

    def _drain(self) -> None:
        """The sender: until nothing waits, post each meeting's state, then its heartbeat."""
        try:
            self._drain_all()
        except BaseException:
            # Killed mid-post (eventlet's Timeout, GreenletExit): the next publish starts a new sender.
            with self._lock:
                self._running = False
            raise

    def _drain_all(self) -> None:
        while True:
            with self._lock:
                if not self._states and not self._beats:
                    self._running = False
                    return
                states, self._states = self._states, {}
                beats, self._beats = self._beats, {}
            for meeting_id in sorted(states.keys() | beats.keys()):
                if meeting_id in states:
                    self._send_state(meeting_id, *states[meeting_id])
                elif meeting_id in beats:
                    self._restore_state(meeting_id)
                if meeting_id in beats:
                    self._send(f"{self.base_url}/m{meeting_id}-beat", beats[meeting_id])

    def _send_state(self, meeting_id: int, seq: int, body: bytes) -> None:
        with self._lock:
            if seq < self._sent.get(meeting_id, seq):
                return
            self._sent[meeting_id] = seq
        if not self._send(f"{self.base_url}/m{meeting_id}", body):
            with self._lock:
                if meeting_id not in self._states:
                    self._failed[meeting_id] = (seq, body)
            return
        with self._lock:
            if seq >= self._kept.get(meeting_id, (seq, b""))[0]:
                self._kept[meeting_id] = (seq, body)

    def _restore_state(self, meeting_id: int) -> None:
        """Post the kept state again when Nchan's channel no longer holds one (a restarted node)."""
        with self._lock:
            kept = self._kept.get(meeting_id)
        if kept is None or self._probe is None:
            return
        url = f"{self.base_url}/m{meeting_id}"
        try:
            holds = self._probe(url, self.timeout)
        except Exception as exc:  # noqa: BLE001 — unknown: the beat's own post will tell
            self._failed_once(url, exc)
            return
        if not holds:
            log.info("Nchan lost the state of meeting %s: publishing seq %s again", meeting_id, kept[0])
            self._send_state(meeting_id, *kept)

    def _send(self, url: str, body: bytes) -> bool:
        try:
            self._post(url, body, self.timeout)
        except Exception as exc:  # noqa: BLE001 — whatever fails, the sender must keep running
            self._failed_once(url, exc)
            return False
        if self._failures:
            log.info("publishing to Nchan works again after %d failed posts", self._failures)
            self._failures, self._last_log = 0, None
        return True

    def _failed_once(self, url: str, exc: Exception) -> None:
        self._failures += 1
        now = self._clock()
        if self._last_log is None or now - self._last_log >= LOG_EVERY:
            self._last_log = now
            log.warning("publishing to Nchan failed (%d so far, next line in %.0f s at the earliest): %s: %s",
                        self._failures, LOG_EVERY, url, exc)


def build(app: Flask) -> Publisher:
    """The app's publisher as its configuration says (NullPublisher without NCHAN_PUBLISH_URL)."""
    base = (app.config.get("NCHAN_PUBLISH_URL") or "").strip()
    if not base:
        return NullPublisher()
    return NchanPublisher(base, float(app.config.get("NCHAN_PUBLISH_TIMEOUT", 2.0)),
                          spawn=lambda fn: socketio.start_background_task(fn),
                          probe=http_holds_message, seed=current_public_state)


def publisher() -> Publisher:
    """The current app's publisher, made on first use."""
    extensions = current_app.extensions
    found = extensions.get("minkao_nchan")
    if found is None:
        found = extensions["minkao_nchan"] = build(current_app._get_current_object())
    return found
