"""Review of the Nchan tier: a big state, a node that lost its states, and how the app recovers."""
from __future__ import annotations

import json

import pytest

from tests.liveserver import free_port
from tests.nchan_server import NchanServer, WebSocketSubscriber, publish, running_nchan


@pytest.fixture(scope="module")
def nchan():
    with running_nchan(f"http://127.0.0.1:{free_port()}") as server:
        yield server


def test_a_state_bigger_than_nginxs_default_body_limit_is_accepted_by_the_publisher(nchan: NchanServer) -> None:
    # nginx refuses bodies over 1 MB (413) unless told otherwise: the publisher would resend such a
    # state before every heartbeat and the pages would resync on every beat, never getting it.
    body = json.dumps({"event": "state", "data": {"seq": 1, "pad": "x" * 1_500_000}})
    assert publish(nchan, "m301", body) in (201, 202)
    ws = WebSocketSubscriber(nchan.subscribe_url(301, "ws"))
    try:
        assert json.loads(ws.next())["data"]["seq"] == 1
    finally:
        ws.close()
