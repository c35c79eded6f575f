"""The Nchan node itself (deploy/nginx template via scripts/nchan.sh): what a screen gets, without the app."""
from __future__ import annotations

import json
import queue

import pytest
import requests

from tests.liveserver import free_port
from tests.nchan_server import EventSourceSubscriber, NchanServer, WebSocketSubscriber, publish, running_nchan


def state(seq: int) -> str:
    return json.dumps({"event": "state", "data": {"seq": seq, "meeting": {"id": 7}}})


def beat(seq: int) -> str:
    return json.dumps({"event": "heartbeat", "data": {"meeting": 7, "seq": seq, "server_time": "t"}})


@pytest.fixture(scope="module")
def nchan():
    # No app behind it: these tests speak only to Nchan (the closed port proves nothing reaches one).
    with running_nchan(f"http://127.0.0.1:{free_port()}") as server:
        yield server


def test_a_published_state_reaches_a_websocket_and_an_eventsource_subscriber(nchan: NchanServer) -> None:
    ws = WebSocketSubscriber(nchan.subscribe_url(101, "ws"))
    sse = EventSourceSubscriber(nchan.subscribe_url(101))
    try:
        body = state(1).replace('"id": 7', '"id": 101')
        assert publish(nchan, "m101", body) in (201, 202)
        assert json.loads(ws.next()) == json.loads(body)
        assert json.loads(sse.next()) == json.loads(body)
        assert publish(nchan, "m101-beat", beat(1)) in (201, 202)
        assert json.loads(ws.next())["event"] == "heartbeat"
        assert json.loads(sse.next())["event"] == "heartbeat"
    finally:
        ws.close()
        sse.close()


@pytest.mark.parametrize("kind", ["websocket", "eventsource"])
def test_a_new_subscriber_gets_the_newest_state_first_even_after_heartbeats(nchan: NchanServer, kind: str) -> None:
    channel = 200 if kind == "websocket" else 201
    # A screen already watching, so the beats are delivered (and would be stored if they could be).
    watcher = EventSourceSubscriber(nchan.subscribe_url(channel))
    try:
        for body, target in [(state(1), ""), (beat(1), "-beat"), (state(2), ""), (beat(2), "-beat"),
                             (beat(2), "-beat")]:
            assert publish(nchan, f"m{channel}{target}", body) in (201, 202)
        assert [json.loads(watcher.next())["event"] for _ in range(5)] == \
            ["state", "heartbeat", "state", "heartbeat", "heartbeat"]
        late = (WebSocketSubscriber(nchan.subscribe_url(channel, "ws")) if kind == "websocket"
                else EventSourceSubscriber(nchan.subscribe_url(channel)))
        try:
            first = json.loads(late.next())
            assert first == {"event": "state", "data": {"seq": 2, "meeting": {"id": 7}}}
            # Then live messages only: the older state and the beats are not replayed.
            assert publish(nchan, f"m{channel}-beat", beat(3)) in (201, 202)
            assert json.loads(late.next())["data"]["seq"] == 3
        finally:
            late.close()
    finally:
        watcher.close()


def test_a_channel_nobody_published_to_holds_a_new_subscriber_without_a_message(nchan: NchanServer) -> None:
    sse = EventSourceSubscriber(nchan.subscribe_url(300))
    try:
        with pytest.raises(queue.Empty):
            sse.next(timeout=1.0)
    finally:
        sse.close()


def test_the_publisher_is_not_reachable_through_the_public_server(nchan: NchanServer) -> None:
    reply = requests.post(nchan.public_url + "/live/m7", data=state(9), timeout=5)
    assert reply.status_code in (403, 405)
    assert requests.post(nchan.public_url + "/pub/m7", data=state(9), timeout=5).status_code >= 400


def test_the_public_server_serves_the_static_folder_from_disk(nchan: NchanServer) -> None:
    reply = requests.get(nchan.public_url + "/static/js/socket.js", timeout=5)
    assert reply.status_code == 200
    assert "heartbeat" in reply.text


def test_a_stopped_node_starts_again_on_the_same_ports(tmp_path) -> None:
    node = NchanServer(f"http://127.0.0.1:{free_port()}", directory=tmp_path / "node").start()
    try:
        url = node.public_url
        node.stop()
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/static/js/socket.js", timeout=2)
        node.start()
        assert requests.get(url + "/static/js/socket.js", timeout=5).status_code == 200
    finally:
        node.close()


def test_the_long_poll_fallback_gets_the_newest_state_then_the_next_one(nchan: NchanServer) -> None:
    for seq in (1, 2):
        assert publish(nchan, "m400", state(seq)) in (201, 202)
    first = requests.get(nchan.subscribe_url(400), timeout=10)
    assert first.status_code == 200 and json.loads(first.text)["data"]["seq"] == 2
    assert publish(nchan, "m400", state(3)) in (201, 202)
    # The long-poll client's next request carries where it stopped (Last-Modified / Etag).
    after = requests.get(nchan.subscribe_url(400), timeout=10, headers={
        "If-Modified-Since": first.headers["Last-Modified"], "If-None-Match": first.headers["Etag"]})
    assert after.status_code == 200 and json.loads(after.text)["data"]["seq"] == 3
