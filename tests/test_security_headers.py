"""Security headers on every response (meeting/security.py); the overlay alone may be framed."""
from __future__ import annotations

import pytest

from meeting import create_app
from meeting.config import Config, TestConfig, frame_origins
from tests.test_api import _live_meeting


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


def _app(database_url, tmp_path, **extra):
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "DATABASE_URL": database_url, **extra})
    app.instance_path = str(tmp_path)
    return app


@pytest.mark.parametrize("path", ["/login", "/api/v1/meetings", "/static/js/dom.js", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, app, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


def test_the_socket_may_connect_to_this_server_and_its_public_address(client, app):
    connect = _csp(client.get("/login"))["connect-src"].split()
    assert connect[0] == "'self'" and connect[1] == "ws://127.0.0.1:5000"


def test_plain_http_is_served_without_a_redirect_or_hsts(client, app):
    response = client.get("/login")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response.headers


def test_by_default_nobody_may_frame_the_overlay_either(client, app):
    meeting_id = _live_meeting(app)
    response = client.get(f"/m/{meeting_id}/overlay")
    assert response.status_code == 200
    assert _csp(response)["frame-ancestors"] == "'none'" and response.headers["X-Frame-Options"] == "DENY"


def test_the_configured_origins_may_frame_the_overlay_and_nothing_else(database_url, tmp_path):
    app = _app(database_url, tmp_path, OVERLAY_FRAME_ANCESTORS="http://spx.local:5656, https://gfx.example.org")
    try:
        meeting_id = _live_meeting(app)
        client = app.test_client()
        overlay = client.get(f"/m/{meeting_id}/overlay")
        assert _csp(overlay)["frame-ancestors"] == "http://spx.local:5656 https://gfx.example.org"
        assert "X-Frame-Options" not in overlay.headers
        viewer = client.get(f"/m/{meeting_id}/viewer")
        assert _csp(viewer)["frame-ancestors"] == "'none'" and viewer.headers["X-Frame-Options"] == "DENY"
    finally:
        from meeting.extensions import db
        from tests.dbutil import clear_tables
        with app.app_context():
            engine = db.engine
            db.remove()
            clear_tables(engine)
            engine.dispose()


def test_one_apps_overlay_origins_do_not_leak_into_another_app(database_url, tmp_path):
    framed = _app(database_url, tmp_path, OVERLAY_FRAME_ANCESTORS="http://spx.local:5656")
    plain = _app(database_url, tmp_path)
    assert framed.view_functions["screens.overlay"] is not plain.view_functions["screens.overlay"]
    assert plain.view_functions["screens.overlay"].talisman_view_options["frame_options"] == "DENY"


def test_the_overlay_origins_are_read_from_the_environment_and_checked():
    values = Config.from_env({"OVERLAY_FRAME_ANCESTORS": "http://spx.local:5656 https://*.example.org"})
    assert values["OVERLAY_FRAME_ANCESTORS"] == ("http://spx.local:5656", "https://*.example.org")
    assert Config.from_env({})["OVERLAY_FRAME_ANCESTORS"] == ()
    for bad in ("http://x; script-src *", "'unsafe-inline'", 'http://x"'):
        with pytest.raises(ValueError, match="OVERLAY_FRAME_ANCESTORS"):
            frame_origins(bad)
