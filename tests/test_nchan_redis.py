"""Nchan's Redis mode (Nchan 1.3.6, Redis 7): two nginx nodes share the meetings' channels."""
from __future__ import annotations

import json
import uuid

import pytest
import redis

from tests.liveserver import free_port
from tests.nchan_server import EventSourceSubscriber, WebSocketSubscriber, publish, running_nchan

REDIS_URL = "redis://127.0.0.1:6379/0"


def state(seq: int) -> str:
    return json.dumps({"event": "state", "data": {"seq": seq}})


@pytest.fixture
def two_nodes():
    # The machine's Redis is shared: every key of this test lives under its own namespace.
    namespace = f"minkao-nchan-publish-{uuid.uuid4().hex[:10]}"
    app_url = f"http://127.0.0.1:{free_port()}"
    with running_nchan(app_url, REDIS_URL, namespace) as a, running_nchan(app_url, REDIS_URL, namespace) as b:
        yield a, b, namespace
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{namespace}*"))
    if keys:
        client.delete(*keys)


def test_a_state_published_on_node_a_reaches_a_subscriber_on_node_b(two_nodes) -> None:
    a, b, _ = two_nodes
    ws = WebSocketSubscriber(b.subscribe_url(41, "ws"))
    sse = EventSourceSubscriber(b.subscribe_url(41))
    try:
        assert publish(a, "m41", state(1)) in (201, 202)
        assert json.loads(ws.next()) == json.loads(state(1))
        assert json.loads(sse.next()) == json.loads(state(1))
        assert publish(a, "m41-beat", json.dumps({"event": "heartbeat", "data": {"seq": 1}})) in (201, 202)
        assert json.loads(ws.next())["event"] == "heartbeat"
    finally:
        ws.close()
        sse.close()


def test_a_new_subscriber_on_node_b_gets_the_last_state_published_on_node_a(two_nodes) -> None:
    a, b, namespace = two_nodes
    watcher = EventSourceSubscriber(a.subscribe_url(42))
    try:
        for seq in (1, 2):
            assert publish(a, "m42", state(seq)) in (201, 202)
            assert publish(a, "m42-beat", json.dumps({"event": "heartbeat", "data": {"seq": seq}})) in (201, 202)
        assert [json.loads(watcher.next())["event"] for _ in range(4)] == ["state", "heartbeat"] * 2
    finally:
        watcher.close()
    late = EventSourceSubscriber(b.subscribe_url(42))
    try:
        assert json.loads(late.next()) == json.loads(state(2))
    finally:
        late.close()
    # The message really sits in Redis (under this test's namespace), not only in node A's memory.
    assert any(True for _ in redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{namespace}*"))
