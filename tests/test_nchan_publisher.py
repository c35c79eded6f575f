"""The Nchan publisher adapter (meeting/realtime/nchan.py) with a recording fake transport."""
from __future__ import annotations

import json
import logging
from typing import Any, Callable

import pytest
from flask import Flask

from meeting.realtime import nchan

BASE = "http://nchan.test/pub"


class FakeNchan:
    """Records every POST; `down` makes them fail like a closed port."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []
        self.down = False

    def post(self, url: str, body: bytes, timeout: float) -> None:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.posts.append((url.removeprefix(BASE), json.loads(body)))


class Spawner:
    """Keeps the background sender instead of running it, so a test runs it when it wants."""

    def __init__(self) -> None:
        self.tasks: list[Callable[[], None]] = []

    def __call__(self, fn: Callable[[], None]) -> None:
        self.tasks.append(fn)

    def run(self) -> None:
        while self.tasks:
            self.tasks.pop(0)()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rig():
    fake, spawn, clock = FakeNchan(), Spawner(), Clock()
    return fake, spawn, clock, nchan.NchanPublisher(BASE, 2.0, spawn=spawn, post=fake.post, clock=clock)


def payload(seq: int) -> str:
    return json.dumps({"server_time": "t", "cause": {"type": "x"}, "seq": seq}, separators=(",", ":"))


def test_publishing_returns_before_anything_is_posted(rig) -> None:
    fake, spawn, _, publisher = rig
    publisher.publish_state(7, payload(1), 1)
    publisher.publish_heartbeat(7, {"meeting": 7, "seq": 1, "server_time": "t"})
    assert fake.posts == []
    assert len(spawn.tasks) == 1  # one sender, however many messages wait
    spawn.run()
    assert [url for url, _ in fake.posts] == ["/m7", "/m7-beat"]


def test_the_state_envelope_carries_the_payload_text_as_it_is() -> None:
    text = '{"server_time":"t","seq":3,"title":"述职"}'
    body = nchan.state_envelope(text)
    assert body == ('{"event":"state","data":' + text + "}").encode()
    assert json.loads(body) == {"event": "state", "data": json.loads(text)}


def test_waiting_states_of_a_meeting_coalesce_into_the_newest(rig) -> None:
    fake, spawn, _, publisher = rig
    for seq in (1, 2, 3):
        publisher.publish_state(7, payload(seq), seq)
    publisher.publish_state(8, payload(1), 1)
    spawn.run()
    assert [(url, body["data"]["seq"]) for url, body in fake.posts] == [("/m7", 3), ("/m8", 1)]
    assert publisher.coalesced == 2


def test_an_older_state_never_follows_a_newer_one(rig) -> None:
    fake, spawn, _, publisher = rig
    publisher.publish_state(7, payload(5), 5)
    spawn.run()
    publisher.publish_state(7, payload(4), 4)   # e.g. a slow build that finished late
    publisher.publish_state(7, payload(5), 5)   # same seq again (a set-up change): still sent
    spawn.run()
    assert [body["data"]["seq"] for _, body in fake.posts] == [5, 5]


def test_a_waiting_newer_state_is_not_replaced_by_an_older_one(rig) -> None:
    fake, spawn, _, publisher = rig
    publisher.publish_state(7, payload(6), 6)
    publisher.publish_state(7, payload(5), 5)
    spawn.run()
    assert [body["data"]["seq"] for _, body in fake.posts] == [6]


def test_a_state_nchan_refused_is_sent_again_before_the_next_heartbeat(rig, caplog) -> None:
    fake, spawn, _, publisher = rig
    fake.down = True
    with caplog.at_level(logging.WARNING, logger="minkao.realtime"):
        publisher.publish_state(7, payload(2), 2)
        spawn.run()
    assert fake.posts == []
    assert "publishing to Nchan failed" in caplog.text
    fake.down = False
    publisher.publish_heartbeat(7, {"meeting": 7, "seq": 2, "server_time": "t"})
    spawn.run()
    assert [(url, body["event"]) for url, body in fake.posts] == [("/m7", "state"), ("/m7-beat", "heartbeat")]
    publisher.publish_heartbeat(7, {"meeting": 7, "seq": 2, "server_time": "t2"})
    spawn.run()
    assert [url for url, _ in fake.posts][2:] == ["/m7-beat"]  # sent once, not again


def test_failures_are_logged_once_per_interval_not_per_post(rig, caplog) -> None:
    fake, spawn, clock, publisher = rig
    fake.down = True
    with caplog.at_level(logging.INFO, logger="minkao.realtime"):
        for seq in range(1, 21):
            publisher.publish_state(7, payload(seq), seq)
            publisher.publish_heartbeat(7, {"meeting": 7, "seq": seq, "server_time": "t"})
            spawn.run()
            clock.now += 1
        assert caplog.text.count("publishing to Nchan failed") == 1
        clock.now += nchan.LOG_EVERY
        publisher.publish_heartbeat(7, {"meeting": 7, "seq": 20, "server_time": "t"})
        spawn.run()
        assert caplog.text.count("publishing to Nchan failed") == 2
        fake.down = False
        publisher.publish_heartbeat(7, {"meeting": 7, "seq": 20, "server_time": "t"})
        spawn.run()
    assert "works again" in caplog.text


def test_the_sender_survives_an_unexpected_error(rig) -> None:
    _, spawn, _, publisher = rig
    calls: list[str] = []

    def flaky(url: str, body: bytes, timeout: float) -> None:
        calls.append(url)
        if len(calls) == 1:
            raise RuntimeError("bug in a transport")

    publisher._post = flaky
    publisher.publish_state(7, payload(1), 1)
    spawn.run()
    publisher.publish_state(7, payload(2), 2)
    spawn.run()
    assert calls == [BASE + "/m7", BASE + "/m7"]


def test_without_a_publish_url_the_app_gets_the_null_publisher() -> None:
    app = Flask("t")
    app.config["NCHAN_PUBLISH_URL"] = ""
    assert isinstance(nchan.build(app), nchan.NullPublisher)
    app.config["NCHAN_PUBLISH_URL"] = "http://127.0.0.1:9/pub"
    built = nchan.build(app)
    assert isinstance(built, nchan.NchanPublisher) and built.base_url == "http://127.0.0.1:9/pub"


def test_the_configuration_reads_and_checks_the_nchan_keys() -> None:
    from meeting.config import Config

    values = Config.from_env({"PUBLIC_TRANSPORT": "Nchan", "NCHAN_PUBLISH_URL": "http://127.0.0.1:8091/pub/",
                              "NCHAN_PUBLISH_TIMEOUT": "0.5"})
    assert values["PUBLIC_TRANSPORT"] == "nchan"
    assert values["NCHAN_PUBLISH_URL"] == "http://127.0.0.1:8091/pub"
    assert values["NCHAN_SUBSCRIBE_URL"] == "/live"
    assert values["NCHAN_PUBLISH_TIMEOUT"] == 0.5
    defaults = Config.from_env({})
    assert (defaults["PUBLIC_TRANSPORT"], defaults["NCHAN_PUBLISH_URL"]) == ("socketio", "")
    with pytest.raises(ValueError, match="PUBLIC_TRANSPORT"):
        Config.from_env({"PUBLIC_TRANSPORT": "kafka"})
