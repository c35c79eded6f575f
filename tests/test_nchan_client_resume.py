"""static/js/nchan.js in Chromium with a recording stand-in for WebSocket and a hand-moved clock:
what a (re)opened subscription does with the state Nchan kept, and how often it resyncs."""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from tests.browser_support import chromium, new_page  # noqa: F401 (fixture)
from tests.liveserver import free_port
from tests.nchan_server import running_nchan

pytestmark = [pytest.mark.browser]

# A WebSocket that records each one made and lets the test deliver messages; Date.now moves by hand.
HARNESS = """async () => {
  window.fakeNow = 1000000;
  Date.now = () => window.fakeNow;
  window.sockets = [];
  window.WebSocket = class {
    constructor(url) { this.url = url; window.sockets.push(this); setTimeout(() => this.onopen && this.onopen(), 0); }
    close() {}
  };
  const m = await import('/static/js/nchan.js');
  window.rec = [];
  window.live = new m.NchanLive({ url: '/live/m1', order: ['websocket'],
    onState: (s, cause) => window.rec.push([s.seq, cause && cause.type]) });
  window.say = (obj) => { const ws = window.sockets[window.sockets.length - 1];
    ws.onmessage && ws.onmessage({ data: JSON.stringify(obj) }); };
}"""


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    """Any origin serving the static folder (the client module is loaded from it)."""
    with running_nchan(f"http://127.0.0.1:{free_port()}") as nchan:
        yield nchan.public_url


def _page(chromium: Any, origin: str) -> Any:
    page = new_page(chromium, 800, 600)
    page.goto(origin + "/static/js/nchan.js")
    page.evaluate(HARNESS)
    page.wait_for_function("window.live.connected === true")
    return page


def state(seq: int, cause: str, server_time: str) -> dict[str, Any]:
    return {"event": "state", "data": {"seq": seq, "cause": {"type": cause}, "server_time": server_time}}


def test_the_kept_state_a_subscription_starts_with_is_a_sync_and_does_not_set_the_clock(chromium, origin):
    page = _page(chromium, origin)
    # Nchan kept the draw's state from long ago: replaying its cause would spin the reels again,
    # and its server_time would put the page's clock years back.
    page.evaluate("window.say(%s)" % json.dumps(state(5, "cadre_drawn", "2001-01-01T00:00:00Z")))
    assert page.evaluate("window.rec") == [[5, "sync"]]
    assert page.evaluate("window.live.serverNow() === window.fakeNow")
    page.evaluate("window.say(%s)" % json.dumps(state(6, "cadre_drawn", "2030-01-01T00:00:00Z")))
    assert page.evaluate("window.rec") == [[5, "sync"], [6, "cadre_drawn"]]
    assert page.evaluate("window.live.serverNow() > Date.parse('2029-12-31T00:00:00Z')")


def test_resyncs_that_do_not_bring_the_announced_state_come_ever_more_rarely(chromium, origin):
    page = _page(chromium, origin)
    page.evaluate("window.say({event: 'state', data: {seq: 5}})")
    # Nchan keeps seq 5 while heartbeats announce 8: every re-open yields 5 again. Beat every
    # 500 ms (hand-moved clock) for 30 s.
    for _ in range(60):
        page.evaluate("""() => { window.fakeNow += 500;
            window.say({event: 'heartbeat', data: {seq: 8}});
            window.say({event: 'state', data: {seq: 5}}); }""")
    opens = page.evaluate("window.sockets.length")
    assert opens <= 6, opens   # 2 s quiet without back-off would be 15 re-opens
    # The announced state arrives: the next gap is resynced after the short quiet again.
    page.evaluate("window.say({event: 'state', data: {seq: 8}})")
    page.evaluate("() => { window.fakeNow += 2500; window.say({event: 'heartbeat', data: {seq: 9}}); }")
    assert page.evaluate("window.sockets.length") == opens + 1


def test_a_subscription_silent_for_half_a_minute_while_the_meeting_is_open_is_opened_again(chromium, origin):
    page = _page(chromium, origin)
    page.evaluate("window.say({event: 'state', data: {seq: 5, meeting: {status: 'live'}}})")
    page.evaluate("() => { window.fakeNow += 20000; window.live._watch(); }")
    assert page.evaluate("window.sockets.length") == 1   # heartbeats may be a little late
    page.evaluate("() => { window.fakeNow += 15000; window.live._watch(); }")
    page.wait_for_function("window.sockets.length === 2 && window.live.connected")


def test_a_closed_meetings_silent_subscription_is_left_alone(chromium, origin):
    page = _page(chromium, origin)
    page.evaluate("window.say({event: 'state', data: {seq: 5, meeting: {status: 'closed'}}})")
    page.evaluate("() => { window.fakeNow += 600000; window.live._watch(); }")
    assert page.evaluate("window.sockets.length") == 1
