"""Staff sessions end on the server: log-out and a new password refuse copied cookies, on the
web and on the moderator's socket; the cookie is SameSite=Lax and Secure over https."""
from __future__ import annotations

import pytest

from meeting.commands.db import ensure_user
from meeting.config import Config
from meeting.models import Meeting
from meeting.realtime.principal import AuthError, resolve
from tests.helpers_roster import login, make_user


def _session_cookie(response) -> str:
    """The `session=…` pair from a response's Set-Cookie (what a thief would copy)."""
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    return header.split(";", 1)[0]


def _logged_in_cookie(client, username: str = "organiser", password: str = "secret-pass") -> str:
    response = login(client, username, password)
    assert response.status_code == 302
    return _session_cookie(response)


def _browser_with(app, cookie: str):
    """A fresh test client holding only this cookie."""
    other = app.test_client()
    name, value = cookie.split("=", 1)
    other.set_cookie(name, value)
    return other


def _opens_admin(app, cookie: str) -> bool:
    """Does a fresh browser holding only this cookie get the admin overview?"""
    return _browser_with(app, cookie).get("/admin/").status_code == 200


def test_a_copied_cookie_no_longer_opens_admin_after_log_out(app, client, session):
    make_user(session, "organiser")
    cookie = _logged_in_cookie(client)
    assert _opens_admin(app, cookie)
    client.post("/logout")
    assert not _opens_admin(app, cookie)


def test_log_out_with_a_copied_cookie_ends_the_original_session_too(app, client, session):
    make_user(session, "organiser")
    cookie = _logged_in_cookie(client)
    _browser_with(app, cookie).post("/logout")
    assert client.get("/admin/").status_code == 302


def test_after_a_password_change_an_old_cookie_is_refused_and_the_new_password_works(app, client, session):
    make_user(session, "organiser")
    cookie = _logged_in_cookie(client)
    ensure_user("organiser", "a-new-password-1", "admin")
    assert not _opens_admin(app, cookie)
    assert client.get("/admin/").status_code == 302
    assert _opens_admin(app, _logged_in_cookie(client, password="a-new-password-1"))


def test_logging_in_again_after_log_out_works(app, client, session):
    make_user(session, "organiser")
    _logged_in_cookie(client)
    client.post("/logout")
    assert _opens_admin(app, _logged_in_cookie(client))


def test_log_out_with_an_ended_session_changes_nothing_else(app, client, session):
    make_user(session, "organiser")
    old = _logged_in_cookie(client)
    client.post("/logout")
    fresh = _logged_in_cookie(client)
    _browser_with(app, old).post("/logout")
    assert _opens_admin(app, fresh)


def test_the_session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_plain_http(client, session):
    make_user(session, "organiser")
    header = next(h for h in login(client, "organiser").headers.getlist("Set-Cookie")
                  if h.startswith("session="))
    assert "SameSite=Lax" in header and "HttpOnly" in header
    assert "Secure" not in header


def test_the_session_cookie_is_secure_when_the_request_came_over_https(app, session):
    make_user(session, "organiser")
    client = app.test_client()
    response = client.post("/login", data={"username": "organiser", "password": "secret-pass"},
                           base_url="https://hall.example")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in header and "SameSite=Lax" in header


def test_the_session_cookie_is_secure_when_the_public_address_is_https_even_behind_a_plain_proxy(app, session):
    make_user(session, "organiser")
    app.config["SESSION_COOKIE_SECURE"] = Config.from_env(
        {"PUBLIC_BASE_URL": "https://minkao.example.gov.cn"})["SESSION_COOKIE_SECURE"]
    response = login(app.test_client(), "organiser")  # plain http, as from a TLS-terminating proxy
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in header


@pytest.mark.parametrize(("environ", "secure"), [
    ({}, False),
    ({"PUBLIC_BASE_URL": "https://minkao.example"}, True),
    ({"PUBLIC_BASE_URL": "HTTPS://minkao.example"}, True),
    ({"PUBLIC_BASE_URL": "https://minkao.example", "SESSION_COOKIE_SECURE": "0"}, False),
    ({"SESSION_COOKIE_SECURE": "1"}, True),
])
def test_the_cookie_settings_come_from_the_environment(environ, secure):
    values = Config.from_env(environ)
    assert values["SESSION_COOKIE_SECURE"] is secure
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_malformed_secure_setting_names_its_variable():
    with pytest.raises(ValueError, match="SESSION_COOKIE_SECURE"):
        Config.from_env({"SESSION_COOKIE_SECURE": "maybe"})


def _moderator_socket(app, cookie: str, meeting_id: int):
    """Resolve a moderator's Socket.IO connect the way the handler does, with this cookie."""
    with app.test_request_context("/socket.io/", headers={"Cookie": cookie}):
        return resolve({"meeting": meeting_id, "role": "moderator"})


def test_a_moderator_socket_with_an_ended_session_is_refused(app, client, session):
    meeting = Meeting(title="测试大会")
    session.add(meeting)
    session.commit()
    make_user(session, "moderator1", role="moderator", moderates=(meeting.id,))
    cookie = _logged_in_cookie(client, "moderator1")
    assert _moderator_socket(app, cookie, meeting.id).user_id is not None
    client.post("/logout")
    with pytest.raises(AuthError):
        _moderator_socket(app, cookie, meeting.id)


def test_a_moderator_socket_is_refused_after_a_password_change(app, client, session):
    meeting = Meeting(title="测试大会")
    session.add(meeting)
    session.commit()
    make_user(session, "moderator1", role="moderator", moderates=(meeting.id,))
    cookie = _logged_in_cookie(client, "moderator1")
    ensure_user("moderator1", "a-new-password-1", "moderator")
    with pytest.raises(AuthError):
        _moderator_socket(app, cookie, meeting.id)
