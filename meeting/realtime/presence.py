"""Which juror tablets are connected, for the moderator's console (issue #10: a closed tablet must
not read "waiting").

Kept in this process's memory only, like the connections themselves (one server process owns
every socket, docs/ARCHITECTURE.md): nothing is written to the database, because presence is not
meeting state and changes nothing the event log records. A restart starts empty and rebuilds
itself within seconds as the tablets reconnect; until then the console shows them as not
connected, which is the safe side.

A tablet is seen when it connects and each time it sends `alive` (every few seconds,
static/juror/tablet.js); a connection that no longer sends is reported by its last-seen time
even before Socket.IO's ping timeout closes it. The moderators' room gets the list on every
change and with each heartbeat.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from meeting.events_time import iso_at, iso_now
from meeting.realtime import broadcast

_lock = threading.Lock()   # green under eventlet (monkey-patched), a real lock otherwise
_sids: dict[str, tuple[int, int]] = {}            # sid -> (meeting id, juror id)
_seen: dict[int, dict[int, float]] = {}           # meeting id -> juror id -> last seen (epoch seconds)


def _iso(epoch: float) -> str:
    return iso_at(dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None))


def joined(sid: str, meeting_id: int, juror_id: int) -> None:
    """A juror's tablet connected on `sid`; the moderators hear of it at once."""
    with _lock:
        _sids[sid] = (meeting_id, juror_id)
        _seen.setdefault(meeting_id, {})[juror_id] = time.time()
    push(meeting_id)


def alive(sid: str) -> bool:
    """The tablet on `sid` is still there; False for a connection that is not a juror's."""
    with _lock:
        who = _sids.get(sid)
        if who is None:
            return False
        _seen.setdefault(who[0], {})[who[1]] = time.time()
    return True


def left(sid: str) -> None:
    """The connection `sid` closed; if it was a juror's, its last-seen time is now."""
    with _lock:
        who = _sids.pop(sid, None)
        if who is None:
            return
        _seen.setdefault(who[0], {})[who[1]] = time.time()
    push(who[0])


def jurors(meeting_id: int) -> list[dict[str, Any]]:
    """Every juror this process has seen in the meeting: {id, connected, last_seen (ISO, UTC)}."""
    with _lock:
        live = {j for m, j in _sids.values() if m == meeting_id}
        seen = dict(_seen.get(meeting_id, {}))
    return [{"id": j, "connected": j in live, "last_seen": _iso(at)} for j, at in sorted(seen.items())]


def payload(meeting_id: int) -> dict[str, Any]:
    """The `presence` message: the jurors seen, and the server's clock to measure their age with."""
    return {"meeting": meeting_id, "server_time": iso_now(), "jurors": jurors(meeting_id)}


def push(meeting_id: int, to: str | None = None) -> None:
    """Send the meeting's presence to its moderators (or to the one connection `to`)."""
    broadcast.to_moderators(meeting_id, "presence", payload(meeting_id), to=to)

