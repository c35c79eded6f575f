"""Which transport a public screen follows the meeting over (meeting/views/screens.py): the app's
Socket.IO by default, Nchan's subscriber location when PUBLIC_TRANSPORT=nchan; and the
Content-Security-Policy lets the page reach an absolute subscriber origin (meeting/security.py)."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Iterator

import pytest
from flask import Flask

from meeting import create_app
from meeting.config import TestConfig
from meeting.security import content_security_policy
from meeting.services.setup.meetings import create_meeting

PAGES = ("projector", "viewer", "overlay")
SOCKET_IO = "vendor/socket.io/socket.io.min.js"


@pytest.fixture
def make_app(database_url: str, tmp_path) -> Iterator:
    """An app factory with extra configuration; every table is emptied after the test."""
    made: list[Flask] = []

    def make(**extra) -> Flask:
        app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                          "DATABASE_URL": database_url, **extra})
        app.instance_path = str(tmp_path)
        made.append(app)
        return app

    yield make
    from meeting.extensions import db
    from tests.dbutil import clear_tables
    for app in made:
        with app.app_context():
            engine = db.engine
            db.remove()
            clear_tables(engine)
            engine.dispose()


def _meeting(app: Flask) -> int:
    from meeting.extensions import db
    with app.app_context():
        meeting = create_meeting(db.session, {"title": "沂水县现场直播调查大会", "venue": "县会堂",
                                              "date": dt.date.today().isoformat(), "rounds_planned": 3, "quorum": 3})
        return meeting.id


def _page(app: Flask, path: str) -> tuple[dict, str, dict[str, str]]:
    response = app.test_client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="screen-config">(.*?)</script>', html).group(1))
    header = response.headers["Content-Security-Policy"]
    csp = {p.strip().split(" ", 1)[0]: p.strip().split(" ", 1)[1] for p in header.split(";") if p.strip()}
    return config, html, csp


@pytest.mark.parametrize("page", PAGES)
def test_by_default_a_screen_follows_the_meeting_over_socketio_and_loads_its_client(make_app, page):
    app = make_app()
    mid = _meeting(app)
    config, html, _ = _page(app, f"/m/{mid}/{page}")
    assert config["transport"] == {"kind": "socketio"}
    assert SOCKET_IO in html


@pytest.mark.parametrize("page", PAGES)
def test_with_nchan_configured_a_screen_subscribes_to_its_meetings_channel_without_the_socketio_client(make_app, page):
    app = make_app(PUBLIC_TRANSPORT="nchan", NCHAN_SUBSCRIBE_URL="/live/")
    mid = _meeting(app)
    config, html, _ = _page(app, f"/m/{mid}/{page}")
    assert config["transport"] == {"kind": "nchan", "url": f"/live/m{mid}",
                                   "order": ["websocket", "eventsource", "longpoll"]}
    assert SOCKET_IO not in html


def test_publishing_to_nchan_alone_does_not_switch_the_screens(make_app):
    app = make_app(PUBLIC_TRANSPORT="socketio", NCHAN_SUBSCRIBE_URL="/live", NCHAN_PUBLISH_URL="http://127.0.0.1:9/pub")
    mid = _meeting(app)
    assert _page(app, f"/m/{mid}/viewer")[0]["transport"] == {"kind": "socketio"}


def test_nchan_without_a_subscriber_url_falls_back_to_socketio(make_app):
    app = make_app(PUBLIC_TRANSPORT="nchan", NCHAN_SUBSCRIBE_URL="")
    mid = _meeting(app)
    assert _page(app, f"/m/{mid}/projector")[0]["transport"] == {"kind": "socketio"}


def test_the_via_parameter_narrows_the_order_and_ignores_unknown_names(make_app):
    app = make_app(PUBLIC_TRANSPORT="nchan", NCHAN_SUBSCRIBE_URL="https://live.example.org/live")
    mid = _meeting(app)
    url = f"https://live.example.org/live/m{mid}"
    assert _page(app, f"/m/{mid}/viewer?via=eventsource")[0]["transport"] == {
        "kind": "nchan", "url": url, "order": ["eventsource"]}
    assert _page(app, f"/m/{mid}/viewer?via=longpoll,EventSource,bogus")[0]["transport"]["order"] == [
        "eventsource", "longpoll"]
    assert _page(app, f"/m/{mid}/viewer?via=bogus")[0]["transport"]["order"] == [
        "websocket", "eventsource", "longpoll"]


@pytest.mark.parametrize("page", PAGES)
def test_an_absolute_subscriber_origin_is_allowed_in_connect_src_over_http_and_websocket(make_app, page):
    app = make_app(PUBLIC_TRANSPORT="nchan", NCHAN_SUBSCRIBE_URL="https://live.example.org/live",
                   PUBLIC_BASE_URL="https://hall.example.org")
    mid = _meeting(app)
    connect = _page(app, f"/m/{mid}/{page}")[2]["connect-src"].split()
    assert connect == ["'self'", "wss://hall.example.org", "https://live.example.org", "wss://live.example.org"]


def test_a_same_origin_subscriber_path_adds_nothing_to_connect_src(make_app):
    app = make_app(PUBLIC_TRANSPORT="nchan", NCHAN_SUBSCRIBE_URL="/live")
    mid = _meeting(app)
    assert _page(app, f"/m/{mid}/viewer")[2]["connect-src"].split() == ["'self'", "ws://127.0.0.1:5000"]


def test_the_policy_names_each_origin_once_and_keeps_a_plain_http_subscriber_on_ws():
    policy = content_security_policy("http://live.example.org:8080", subscribe_url="http://live.example.org:8080/live")
    assert policy["connect-src"].split() == ["'self'", "ws://live.example.org:8080", "http://live.example.org:8080"]
    assert content_security_policy("http://h", subscribe_url="ftp://x/live")["connect-src"] == "'self' ws://h"
