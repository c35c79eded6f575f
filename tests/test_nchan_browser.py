"""The public screens over the Nchan tier (issue #13), in Chromium: nginx + Nchan
(tests/nchan_server.py) in front of a real app server with PUBLIC_TRANSPORT=nchan, the pages
opened through nginx, the meeting driven by the moderator's socket on the app.

The projector follows a round over WebSocket without loading the Socket.IO client; with the app
stopped, a re-opened subscription still shows the last state (Nchan keeps it), and so does a
page whose nginx went away and came back (Redis mode); the EventSource fallback carries a page
whose WebSocket is configured off or missing.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
import redis

from tests.browser_support import chromium, expose_module, new_page  # noqa: F401 (fixture)
from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.nchan_server import publish, running_nchan
from tests.rtclient import Screen, staff_cookie
from tests.test_live_round import SCORES

pytestmark = [pytest.mark.browser, pytest.mark.server]

REDIS_URL = "redis://127.0.0.1:6379/0"
PROJECTOR = "/static/screens/projector.js"
VIEWER = "/static/screens/viewer.js"


class Tier:
    """The app server, the nginx node in front of it, the moderator's socket and the jurors'."""

    def __init__(self, seeded: Any, server: LiveServer, nchan: Any, moderator: Screen, jurors: list[Screen]) -> None:
        self.seeded, self.server, self.nchan = seeded, server, nchan
        self.moderator, self.jurors = moderator, jurors

    def page_url(self, page: str, query: str = "") -> str:
        """A public page's address through nginx."""
        return f"{self.nchan.public_url}/m/{self.seeded.meeting_id}/{page}{query}"


def _tier(app: Any, tmp_path: Any, redis_url: str | None) -> Iterator[Tier]:
    seeded = seed_meeting(app, jurors=5)
    port = free_port()
    with running_nchan(f"http://127.0.0.1:{port}", redis_url=redis_url) as nchan:
        server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log", env={
            "PUBLIC_TRANSPORT": "nchan", "NCHAN_PUBLISH_URL": nchan.publish_url, "NCHAN_SUBSCRIBE_URL": "/live",
            "PUBLIC_BASE_URL": nchan.public_url, "MINKAO_HEARTBEAT_SECONDS": "1"}).start()
        sockets = [Screen(server.url, seeded.meeting_id, "moderator", cookie=staff_cookie(server.url, *MODERATOR)).connect()]
        sockets += [Screen(server.url, seeded.meeting_id, "juror", token=t).connect() for t in seeded.tokens]
        try:
            yield Tier(seeded, server, nchan, sockets[0], sockets[1:])
        finally:
            for s in sockets:
                s.close()
            server.stop()


@pytest.fixture
def tier(app, tmp_path) -> Iterator[Tier]:
    """The tier with Nchan's memory store."""
    yield from _tier(app, tmp_path, None)


@pytest.fixture
def redis_tier(app, tmp_path) -> Iterator[Tier]:
    """The tier with Nchan's Redis mode (a namespace of its own on the shared Redis)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is needed for Nchan's Redis mode: {exc}")
    yield from _tier(app, tmp_path, REDIS_URL)


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def _open(chromium: Any, url: str, entry: str, alias: str, errors: list[str], requests_seen: list[str],
          init: str | None = None) -> Any:
    page = new_page(chromium, 1920, 1080, errors)
    expose_module(page, alias, entry, entry, alias.strip("_"))
    if init:
        page.add_init_script(init)
    page.on("request", lambda r: requests_seen.append(r.url))
    page.goto(url)
    return page


def _projector_seq(page: Any) -> int:
    return int(page.get_attribute("#scene", "data-seq"))


def _until_opened(tier: Tier) -> None:
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": [["骰子", "3 5 1 6 2 4"]]})):
        _ok(tier.moderator.perform(action, **params))


def _drawn(tier: Tier) -> int:
    """Open the meeting and draw the first cadre; the seq of the state after the draw."""
    _until_opened(tier)
    _ok(tier.moderator.perform("draw_cadre", expected_draw=1))
    return tier.moderator.wait_for(lambda s: s["round"] and s["round"]["stage"] == "draw"
                                   and s["round"].get("cadre"))["seq"]


def test_the_projector_follows_a_round_over_nchan_and_keeps_the_last_state_without_the_app(tier, chromium):
    errors: list[str] = []
    seen: list[str] = []
    projector = _open(chromium, tier.page_url("projector"), PROJECTOR, "__projector", errors, seen)
    projector.wait_for_function("window.__projector && __projector.live.connected")
    assert projector.evaluate("__projector.live.kind") == "websocket"

    _until_opened(tier)
    projector.wait_for_selector(".draw.waiting")
    _ok(tier.moderator.perform("draw_cadre", expected_draw=1))
    projector.wait_for_selector(".draw.landed [data-reels][data-landed]", timeout=15000)
    _ok(tier.moderator.perform("start_report"))
    projector.wait_for_selector(".report .timer-clock")
    _ok(tier.moderator.perform("start_verification"))
    _ok(tier.moderator.perform("skip_verification", reason="time_limit"))
    round_id = tier.moderator.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
    projector.wait_for_selector(".progress[data-progress='0/5']")
    for i, (juror, scores) in enumerate(zip(tier.jurors, SCORES)):
        _ok(juror.call("submit_ballot", {"round_id": round_id, "scores": scores, "client_msg_id": f"b{i}"}))
    projector.wait_for_selector(".progress[data-progress='5/5']")
    _ok(tier.moderator.perform("close_scoring"))
    _ok(tier.moderator.perform("reveal_result"))
    final = tier.moderator.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]["result"]["final"]
    projector.wait_for_selector(".revealed .final[data-final]")
    last = tier.moderator.state["seq"]
    projector.wait_for_function(f"__projector.live.seq === {last}")
    assert _projector_seq(projector) == last

    # The page never reached for the app's socket: Nchan alone carried the round.
    assert not [u for u in seen if "/socket.io" in u], [u for u in seen if "/socket.io" in u]

    # The app goes away; the page drops its subscription and opens a new one: Nchan answers
    # with the newest state it kept, the one on the screen.
    tier.server.stop()
    projector.evaluate("() => { window.__before = __projector.live.state; return __projector.live.sync(); }")
    projector.wait_for_function("__projector.live.connected && __projector.live.state !== window.__before")
    assert projector.evaluate("__projector.live.seq") == last
    projector.wait_for_selector(".revealed .final[data-final]")
    assert projector.get_attribute(".revealed .final", "data-final") == final
    assert _projector_seq(projector) == last
    assert not errors, errors


def test_a_page_whose_nginx_restarts_reconnects_by_itself_and_shows_the_last_state_from_redis(redis_tier, chromium):
    tier, errors, seen = redis_tier, [], []
    viewer = _open(chromium, tier.page_url("viewer"), VIEWER, "__viewer", errors, seen)
    last = _drawn(tier)
    viewer.wait_for_selector(f"main[data-seq='{last}']")
    viewer.wait_for_selector("#v-heartbeat[data-seconds].fresh")   # heartbeats arrive over Nchan too

    tier.server.stop()
    tier.nchan.stop()
    viewer.wait_for_selector(".conn.conn-offline")
    viewer.evaluate("() => { window.__before = __viewer.live.state; }")
    tier.nchan.start()   # same ports: the page's own back-off finds it again
    viewer.wait_for_function("__viewer.live.connected && __viewer.live.state !== window.__before", timeout=20000)
    assert viewer.evaluate("__viewer.live.seq") == last
    viewer.wait_for_selector(".conn.conn-online")
    assert viewer.get_attribute("main", "data-seq") == str(last)
    assert not errors, errors


@pytest.mark.parametrize("how", ["configured off", "missing in the browser"])
def test_the_eventsource_fallback_carries_the_page_when_websocket_is_off(tier, chromium, how):
    errors: list[str] = []
    seen: list[str] = []
    query, init = ("?via=eventsource", None) if how == "configured off" else ("", "delete window.WebSocket;")
    viewer = _open(chromium, tier.page_url("viewer", query), VIEWER, "__viewer", errors, seen, init=init)
    viewer.wait_for_function("window.__viewer && __viewer.live.connected")
    assert viewer.evaluate("__viewer.live.kind") == "eventsource"
    last = _drawn(tier)
    viewer.wait_for_selector(f"main[data-seq='{last}']")
    assert not [u for u in seen if u.startswith("ws")], seen
    assert not errors, errors


def test_the_policy_lets_a_page_subscribe_through_nginx(tier, chromium):
    """With the Content-Security-Policy enforced (no bypass): the same-origin WebSocket is 'self'."""
    errors: list[str] = []
    page = new_page(chromium, 390, 844, errors, bypass_csp=False)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(tier.page_url("viewer"))
    last = _drawn(tier)
    page.wait_for_selector(f"main[data-seq='{last}']")
    page.wait_for_selector(".conn.conn-online")
    assert not refused and not errors, (refused, errors)


@pytest.fixture
def bare_nchan() -> Iterator[Any]:
    """An nginx + Nchan node with no app behind it: the client module alone, fed by hand."""
    with running_nchan(f"http://127.0.0.1:{free_port()}") as nchan:
        yield nchan


def _client_page(chromium: Any, nchan: Any, order: list[str] | None) -> Any:
    """A page of the node's origin running one NchanLive on channel m1 that records everything."""
    page = new_page(chromium, 800, 600)
    page.goto(nchan.public_url + "/static/js/nchan.js")   # any document of the origin will do
    page.evaluate("""async (order) => { const m = await import('/static/js/nchan.js');
        window.rec = { states: [], beats: [], opens: 0 };
        window.live = new m.NchanLive({ url: '/live/m1', order: order,
          onState: (s) => window.rec.states.push(s.seq), onHeartbeat: (b) => window.rec.beats.push(b.seq),
          onStatus: (s) => { if (s === 'online') { window.rec.opens++; } } }); }""", order)
    return page


@pytest.mark.parametrize("order", [None, ["eventsource"], ["longpoll"]])
def test_the_client_ignores_strangers_and_older_states_and_reopens_on_a_newer_heartbeat(chromium, bare_nchan, order):
    def send(channel: str, body: str) -> None:
        assert publish(bare_nchan, channel, body) in (200, 201, 202), channel

    send("m1", json.dumps({"event": "state", "data": {"seq": 5}}))
    page = _client_page(chromium, bare_nchan, order)
    page.wait_for_function("window.rec && window.rec.states.length === 1")
    assert page.evaluate("window.live.kind") == (order or ["websocket"])[0]
    for stranger in ("not json", json.dumps({"event": "other", "data": {"seq": 99}}), json.dumps({"seq": 98}),
                     json.dumps({"event": "state", "data": "seq 97"}), json.dumps({"event": "state", "data": {"seq": 3}})):
        send("m1", stranger)
        send("m1-beat", json.dumps({"event": "heartbeat", "data": {"seq": 3}}))   # not newer: no resync
    send("m1", json.dumps({"event": "state", "data": {"seq": 7, "server_time": "2030-01-01T00:00:00Z"}}))
    page.wait_for_function("window.rec.states.length === 2")
    assert page.evaluate("[window.live.seq, window.rec.opens]") == [7, 1]
    assert page.evaluate("window.live.serverNow() > Date.parse('2029-12-31T00:00:00Z')")

    # A heartbeat newer than the state shown: a missed message. Close, re-open, the newest state first.
    # Heartbeats are not stored: a long-poll between two requests misses one, as the next beat
    # would be missed in the hall; so beat until the page has re-opened.
    for _ in range(20):
        send("m1-beat", json.dumps({"event": "heartbeat", "data": {"seq": 8}}))
        if page.evaluate("window.rec.opens") == 2:
            break
        page.wait_for_timeout(250)
    page.wait_for_function("window.rec.opens === 2 && window.rec.states.length === 3")
    assert page.evaluate("window.rec.states") == [5, 7, 7]
    assert 8 in page.evaluate("window.rec.beats")
    assert page.evaluate("window.live.connected") is True
