"""A client manager that knows each connection's rooms, so a disconnect costs its rooms, not all rooms.

python-socketio's manager finds a leaving client's rooms by scanning every room of the
namespace, and every connection has a room of its own (its sid): one disconnect costs O(all
connections), a whole audience leaving (a venue's Wi-Fi drops, the meeting ends) O(N²). At
4,000 public screens that scan was an eighth of the server's CPU in a connect/disconnect run
(issue #13). This manager keeps, per (namespace, sid), the rooms it entered, and leaves only
those. It is given to Flask-SocketIO as its documented `client_manager`; with a Redis message
queue the same index is mixed into python-socketio's RedisManager.
"""
from __future__ import annotations

from typing import Any, Hashable

import socketio


class SidRoomIndex:
    """Mixin for a python-socketio manager: the rooms of each sid, kept as it enters and leaves them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sid_rooms: dict[tuple[str, str], set[Hashable]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Hashable, eio_sid: str | None = None) -> None:
        """Enter as the base does (it may refuse), then remember the room for this sid."""
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        self.sid_rooms.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid: str, namespace: str, room: Hashable) -> None:
        """Leave as the base does, and forget the room for this sid."""
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        rooms = self.sid_rooms.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self.sid_rooms[(namespace, sid)]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """The base's disconnect, with the sid's own rooms instead of a scan over every room."""
        if namespace not in self.rooms:  # type: ignore[attr-defined]
            return
        for room in list(self.sid_rooms.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)  # type: ignore[attr-defined]
        for pending in (self.pending_connect, self.pending_disconnect):  # type: ignore[attr-defined]
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]


class IndexedManager(SidRoomIndex, socketio.Manager):
    """The in-process manager (one server process, no message queue), indexed."""


class IndexedRedisManager(SidRoomIndex, socketio.RedisManager):
    """The Redis message-queue manager (several processes), indexed."""


def client_manager(message_queue: str | None, channel: str) -> socketio.Manager | None:
    """The manager for one python-socketio server; None for a queue kind this module does not index
    (Flask-SocketIO then picks its own, as before)."""
    if not message_queue:
        return IndexedManager()
    if message_queue.startswith(("redis://", "rediss://")):
        return IndexedRedisManager(message_queue, channel=channel)
    return None


def with_manager(options: dict[str, Any]) -> dict[str, Any]:
    """Flask-SocketIO init_app options with the indexed manager for their queue and channel.

    Given a `client_manager`, Flask-SocketIO builds no queue of its own and leaves `channel`
    unused, so it is taken out here.
    """
    manager = client_manager(options.get("message_queue"), options.get("channel", "flask-socketio"))
    if manager is None:
        return options
    return {**{k: v for k, v in options.items() if k != "channel"}, "client_manager": manager}
