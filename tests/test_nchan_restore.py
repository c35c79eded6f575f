"""The sender gives Nchan its state again when the node lost it, and seeds meetings it never published."""
from __future__ import annotations

import json
from typing import Any, Callable

from meeting.realtime import nchan

BASE = "http://nchan.test/pub"


class FakeNode:
    """Records posts and probes; `holds` is what the channel-info GET answers per channel URL."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.holds: dict[str, bool] = {}

    def post(self, url: str, body: bytes, timeout: float) -> None:
        self.calls.append(("POST", url.removeprefix(BASE), json.loads(body)))

    def probe(self, url: str, timeout: float) -> bool:
        self.calls.append(("GET", url.removeprefix(BASE), None))
        return self.holds.get(url.removeprefix(BASE), True)


def run_now(fn: Callable[[], None]) -> None:
    fn()


def beat(seq: int) -> dict[str, Any]:
    return {"meeting": 7, "seq": seq, "server_time": "t"}



def recording_seed(asked: list[int], seq: int, text: str):
    """A seed that records each meeting it is asked for and returns (seq, text)."""
    def seed(meeting_id: int) -> tuple[int, str]:
        asked.append(meeting_id)
        return seq, text
    return seed

def test_a_heartbeat_finds_the_channel_empty_and_the_kept_state_goes_first() -> None:
    node = FakeNode()
    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=run_now, post=node.post, probe=node.probe)
    publisher.publish_state(7, '{"seq":4}', 4)
    node.holds["/m7"] = False  # the node restarted
    publisher.publish_heartbeat(7, beat(4))
    assert [(verb, url) for verb, url, _ in node.calls] == \
        [("POST", "/m7"), ("GET", "/m7"), ("POST", "/m7"), ("POST", "/m7-beat")]
    assert node.calls[2][2] == {"event": "state", "data": {"seq": 4}}


def test_a_heartbeat_posts_no_state_while_the_channel_still_holds_it() -> None:
    node = FakeNode()
    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=run_now, post=node.post, probe=node.probe)
    publisher.publish_state(7, '{"seq":4}', 4)
    publisher.publish_heartbeat(7, beat(4))
    assert [(verb, url) for verb, url, _ in node.calls] == [("POST", "/m7"), ("GET", "/m7"), ("POST", "/m7-beat")]


def test_a_meeting_this_process_never_published_is_seeded_once_from_its_current_state() -> None:
    node = FakeNode()
    seeded: list[int] = []
    seed = recording_seed(seeded, 9, '{"seq":9,"cause":{"type":"sync","seq":9}}')
    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=run_now, post=node.post, probe=node.probe, seed=seed)
    publisher.publish_heartbeat(7, beat(9))
    publisher.publish_heartbeat(7, beat(9))
    assert seeded == [7]
    posted = [(url, body["event"]) for verb, url, body in node.calls if verb == "POST"]
    assert posted == [("/m7", "state"), ("/m7-beat", "heartbeat"), ("/m7-beat", "heartbeat")]


def test_a_seed_that_fails_leaves_the_heartbeat_going_and_is_tried_at_the_next_one() -> None:
    node = FakeNode()
    attempts: list[int] = []

    def seed(meeting_id: int) -> tuple[int, str]:
        attempts.append(meeting_id)
        if len(attempts) == 1:
            raise RuntimeError("database away")
        return 2, '{"seq":2}'

    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=run_now, post=node.post, probe=node.probe, seed=seed)
    publisher.publish_heartbeat(7, beat(2))
    publisher.publish_heartbeat(7, beat(2))
    posted = [(url, body["event"]) for verb, url, body in node.calls if verb == "POST"]
    assert posted == [("/m7-beat", "heartbeat"), ("/m7", "state"), ("/m7-beat", "heartbeat")]
    assert attempts == [7, 7]


def test_the_app_publisher_asks_nchan_and_seeds_from_the_public_frame() -> None:
    from flask import Flask

    app = Flask("t")
    app.config["NCHAN_PUBLISH_URL"] = "http://127.0.0.1:9/pub"
    built = nchan.build(app)
    assert built._probe is nchan.http_holds_message and built._seed is nchan.current_public_state


def test_a_heartbeat_newer_than_every_state_given_brings_the_current_state_first() -> None:
    node = FakeNode()
    seeds: list[int] = []
    seed = recording_seed(seeds, 6, '{"seq":6}')
    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=run_now, post=node.post, probe=node.probe, seed=seed)
    publisher.publish_state(7, '{"seq":4}', 4)
    publisher.publish_heartbeat(7, beat(4))
    assert seeds == []  # Nchan has what the beat announces: no database work
    publisher.publish_heartbeat(7, beat(6))
    publisher.publish_heartbeat(7, beat(6))
    assert seeds == [7]
    states = [body["data"]["seq"] for verb, url, body in node.calls if verb == "POST" and url == "/m7"]
    assert states == [4, 6]


class Killed(BaseException):
    """What eventlet's Timeout or a GreenletExit look like to the sender: not an Exception."""


def test_a_sender_killed_mid_post_does_not_leave_publishing_stopped_for_good() -> None:
    node = FakeNode()
    posts: list[str] = []

    def post(url: str, body: bytes, timeout: float) -> None:
        posts.append(url)
        if len(posts) == 1:
            raise Killed()

    tasks: list[Callable[[], None]] = []
    publisher = nchan.NchanPublisher(BASE, 2.0, spawn=tasks.append, post=post, probe=node.probe)
    publisher.publish_state(7, '{"seq":1}', 1)
    try:
        tasks.pop(0)()
    except Killed:
        pass
    publisher.publish_state(7, '{"seq":2}', 2)
    while tasks:
        tasks.pop(0)()
    assert posts == [BASE + "/m7", BASE + "/m7"]
