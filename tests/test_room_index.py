"""The indexed client manager (meeting/realtime/room_index.py): a disconnect leaves the client's own
rooms without scanning every room, and ends in the same state as python-socketio's manager."""
from __future__ import annotations

import itertools
import json
from types import SimpleNamespace

import socketio

from meeting.extensions import public_socketio
from meeting.extensions import socketio as main_socketio
from meeting.realtime.room_index import IndexedManager, IndexedRedisManager, client_manager, with_manager

NS = "/"


class CountingRooms(dict):
    """A namespace's room table that counts how often something walks or copies all of it."""

    walks = 0

    def copy(self):  # noqa: D102 — the base manager's disconnect copies the table to scan it
        CountingRooms.walks += 1
        return dict(self)

    def items(self):  # noqa: D102
        CountingRooms.walks += 1
        return super().items()


def _manager(cls):
    ids = itertools.count(1)
    manager = cls()
    manager.set_server(SimpleNamespace(packet_class=SimpleNamespace(json=json),
                                       eio=SimpleNamespace(generate_id=lambda: f"s{next(ids)}")))
    return manager


def _audience(manager, n: int) -> list[str]:
    """n clients connected, each in a meeting's public room, a tenth also in a second room."""
    sids = []
    for i in range(n):
        sid = manager.connect(f"e{i}", NS)
        manager.enter_room(sid, NS, "m1:public")
        if i % 10 == 0:
            manager.enter_room(sid, NS, "m1:jurors")
        sids.append(sid)
    return sids


def _table(manager) -> dict:
    return {ns: {room: dict(members) for room, members in rooms.items()} for ns, rooms in manager.rooms.items()}


def test_a_disconnect_does_not_walk_every_room():
    manager = _manager(IndexedManager)
    sids = _audience(manager, 500)
    manager.rooms[NS] = CountingRooms(manager.rooms[NS])
    CountingRooms.walks = 0
    for sid in sids[:100]:
        manager.disconnect(sid, NS)
    assert CountingRooms.walks == 0
    assert not any(sid in members for sid in sids[:100] for members in manager.rooms[NS].values())


def test_the_base_manager_does_walk_every_room_so_the_count_above_can_fail():
    manager = _manager(socketio.Manager)
    sids = _audience(manager, 50)
    manager.rooms[NS] = CountingRooms(manager.rooms[NS])
    CountingRooms.walks = 0
    manager.disconnect(sids[0], NS)
    assert CountingRooms.walks >= 1


def test_connects_rooms_and_disconnects_end_in_the_same_state_as_python_socketio():
    ours, theirs = _manager(IndexedManager), _manager(socketio.Manager)
    for manager in (ours, theirs):
        sids = _audience(manager, 60)
        manager.leave_room(sids[3], NS, "m1:public")
        manager.close_room("m1:jurors", NS)
        for sid in sids[::4]:
            manager.disconnect(sid, NS)
        manager.enter_room(sids[5], NS, "m2:public")
    assert _table(ours) == _table(theirs)
    assert ours.pending_connect == theirs.pending_connect and ours.callbacks == theirs.callbacks
    assert set(ours.sid_rooms) == {(NS, sid) for sid in ours.rooms[NS][None]}


def test_each_server_of_the_app_gets_its_own_indexed_manager(app):
    main, public = main_socketio.server.manager, public_socketio.server.manager
    assert isinstance(main, IndexedManager) and isinstance(public, IndexedManager) and main is not public


def test_a_redis_queue_gets_the_indexed_redis_manager_on_the_given_channel():
    manager = client_manager("redis://127.0.0.1:6379/0", "fanout-perf-test")
    assert isinstance(manager, IndexedRedisManager) and manager.channel == "fanout-perf-test"
    options = with_manager({"message_queue": "redis://127.0.0.1:6379/0", "channel": "fanout-perf-test"})
    assert "channel" not in options and isinstance(options["client_manager"], IndexedRedisManager)
    assert with_manager({"message_queue": "kafka://x", "channel": "c"}) == {"message_queue": "kafka://x", "channel": "c"}
