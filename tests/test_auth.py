"""Staff log-in: sessions, roles, the rate limit and CSRF."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from meeting.models import LoginAttempt, utcnow
from meeting.services.accounts import auth as auth_service
from tests.helpers_roster import login, make_user

ADMIN_PAGES = ["/admin/", "/admin/cadres", "/admin/cadres?page=2", "/admin/households",
               "/admin/cadres/1001", "/admin/import/", "/admin/import/template/zh/all.xlsx"]


def english(client) -> None:
    """Switch the client's session to English so assertions can use the msgids."""
    client.get("/login?lang=en")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_every_admin_page_sends_a_logged_out_visitor_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert "/admin" in response.location


def test_an_import_post_from_a_logged_out_visitor_is_sent_to_log_in(client):
    response = client.post("/admin/import/", data={})
    assert response.status_code == 302 and response.location.startswith("/login")


def test_the_right_password_logs_in_and_returns_to_the_page_asked_for(client, session):
    make_user(session, "organiser")
    first = client.get("/admin/cadres?name=%E5%BC%A0")
    next_url = parse_qs(urlsplit(first.location).query)["next"][0]
    response = login(client, "organiser", next=next_url)
    assert response.status_code == 302
    assert response.location == "/admin/cadres?name=%E5%BC%A0"
    assert client.get("/admin/").status_code == 200


def test_a_log_in_without_next_lands_on_the_overview(client, session):
    make_user(session, "organiser")
    response = login(client, "organiser")
    assert response.status_code == 302 and response.location == "/admin/"


def test_a_wrong_password_shows_an_error_in_the_form(client, session):
    make_user(session, "organiser")
    english(client)
    response = login(client, "organiser", "wrong")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_an_unknown_username_gets_the_same_error_as_a_wrong_password(client, session):
    english(client)
    response = login(client, "nobody", "whatever")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_an_empty_form_shows_an_error_not_a_crash(client, session):
    response = client.post("/login", data={})
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "http://evil.example/admin",
                                    "https://evil.example", "/\\evil.example", "admin",
                                    "/\t/evil.example", "/\n/evil.example"])
def test_next_pointing_elsewhere_is_ignored(client, session, target):
    make_user(session, "organiser")
    response = login(client, "organiser", next=target)
    assert response.location == "/admin/"


def test_log_out_ends_the_session(client, session):
    make_user(session, "organiser")
    login(client, "organiser")
    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/admin/").status_code == 302


def test_log_out_keeps_the_language_choice(client, session):
    make_user(session, "organiser")
    english(client)
    login(client, "organiser")
    client.post("/logout")
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_a_logged_in_visitor_opening_log_in_goes_to_the_overview(client, session):
    make_user(session, "organiser")
    login(client, "organiser")
    assert client.get("/login").location == "/admin/"


def _at(client, address: str, username: str, password: str = "secret-pass"):
    """POST the log-in form as if from this network address."""
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_wrong_passwords_from_one_address_do_not_stop_the_right_password_from_another(app, session):
    make_user(session, "organiser")
    hall = app.test_client()
    for _ in range(5):
        _at(hall, "10.0.0.1", "organiser", "wrong")
    phone = app.test_client()
    response = _at(phone, "10.0.0.2", "organiser")
    assert response.status_code == 302 and response.location == "/admin/"


def test_wrong_passwords_for_other_usernames_from_the_hall_address_do_not_hold_up_the_moderator(client, session):
    make_user(session, "moderator1", role="moderator")
    for i in range(30):
        _at(client, "10.0.0.1", f"guess{i}", "wrong")
    assert _at(client, "10.0.0.1", "moderator1").status_code == 302


def test_after_a_few_free_tries_a_pair_must_wait_and_is_refused_with_429_and_retry_after(client, session):
    make_user(session, "organiser")
    english(client)
    for _ in range(auth_service.FREE_FAILURES):
        assert login(client, "organiser", "wrong").status_code == 200
    refused = login(client, "organiser")  # even the right password is not checked now
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert "Too many failed log-in attempts" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_the_wait_doubles_with_every_failure_up_to_the_cap(session):
    make_user(session, "organiser")
    now = utcnow()
    waits = []
    for _ in range(auth_service.FREE_FAILURES - 1):
        with pytest.raises(auth_service.InvalidCredentials):
            auth_service.authenticate(session, "organiser", "wrong", "10.0.0.1", now=now)
    for _ in range(10):
        with pytest.raises(auth_service.InvalidCredentials):
            auth_service.authenticate(session, "organiser", "wrong", "10.0.0.1", now=now)
        with pytest.raises(auth_service.RateLimited) as refused:
            auth_service.authenticate(session, "organiser", "secret-pass", "10.0.0.1", now=now)
        waits.append(refused.value.retry_after)
        now += dt.timedelta(seconds=refused.value.retry_after)
    assert waits[:5] == [2, 4, 8, 16, 32]
    assert waits[-1] == int(auth_service.MAX_DELAY.total_seconds()) == 300
    assert waits == sorted(waits)
    user = auth_service.authenticate(session, "organiser", "secret-pass", "10.0.0.1", now=now)
    assert user.username == "organiser"


def test_the_first_failures_cost_no_wait(session):
    make_user(session, "organiser")
    now = utcnow()
    for _ in range(auth_service.FREE_FAILURES - 1):
        with pytest.raises(auth_service.InvalidCredentials):
            auth_service.authenticate(session, "organiser", "wrong", "10.0.0.1", now=now)
    assert auth_service.authenticate(session, "organiser", "secret-pass", "10.0.0.1", now=now)


def test_a_refused_attempt_is_not_recorded_and_does_not_lengthen_the_wait(session):
    make_user(session, "organiser")
    now = utcnow()
    for _ in range(auth_service.FREE_FAILURES):
        with pytest.raises(auth_service.InvalidCredentials):
            auth_service.authenticate(session, "organiser", "wrong", "10.0.0.1", now=now)
    for _ in range(5):
        with pytest.raises(auth_service.RateLimited):
            auth_service.authenticate(session, "organiser", "wrong", "10.0.0.1", now=now)
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == auth_service.FREE_FAILURES
    later = now + dt.timedelta(seconds=2)
    assert auth_service.authenticate(session, "organiser", "secret-pass", "10.0.0.1", now=later)


def test_a_success_clears_that_pairs_failures(client, session):
    make_user(session, "organiser")
    for _ in range(auth_service.FREE_FAILURES - 1):
        login(client, "organiser", "wrong")
    assert login(client, "organiser").status_code == 302
    client.post("/logout")
    for _ in range(auth_service.FREE_FAILURES - 1):
        login(client, "organiser", "wrong")
    assert login(client, "organiser").status_code == 302


def test_failures_older_than_the_window_no_longer_count(session):
    make_user(session, "organiser")
    start = utcnow()
    for _ in range(auth_service.FREE_FAILURES + 3):
        with pytest.raises((auth_service.InvalidCredentials, auth_service.RateLimited)):
            auth_service.authenticate(session, "organiser", "wrong", "127.0.0.1", now=start)
    assert auth_service.wait_needed(session, "organiser", "127.0.0.1", start) > dt.timedelta(0)
    later = start + auth_service.WINDOW + dt.timedelta(seconds=1)
    assert auth_service.wait_needed(session, "organiser", "127.0.0.1", later) == dt.timedelta(0)
    user = auth_service.authenticate(session, "organiser", "secret-pass", "127.0.0.1", now=later)
    assert user.username == "organiser"


def test_failures_are_counted_whatever_the_case_of_the_username(session):
    make_user(session, "organiser")
    now = utcnow()
    for name in ("Organiser", "ORGANISER", " organiser "):
        with pytest.raises(auth_service.InvalidCredentials):
            auth_service.authenticate(session, name, "wrong", "", now=now)
    with pytest.raises(auth_service.RateLimited):
        auth_service.authenticate(session, "organiser", "secret-pass", "", now=now)


def test_a_moderator_may_read_the_roster_but_not_import(client, session):
    make_user(session, "moderator1", role="moderator")
    login(client, "moderator1")
    assert client.get("/admin/cadres").status_code == 200
    assert client.get("/admin/import/").status_code == 403
    assert client.post("/admin/import/", data={}).status_code == 403
    assert client.get("/admin/import/template/zh/all.xlsx").status_code == 403


def test_a_deleted_account_is_logged_out(client, session):
    user = make_user(session, "organiser")
    login(client, "organiser")
    session.delete(user)
    session.commit()
    assert client.get("/admin/").status_code == 302


@pytest.fixture
def csrf_app(app):
    """A second app on the same test database with CSRF protection switched on."""
    from meeting import create_app
    from meeting.config import TestConfig
    from meeting.extensions import db

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    csrf_app = create_app({**config, "DATABASE_URL": app.config["DATABASE_URL"],
                           "WTF_CSRF_ENABLED": True})
    yield csrf_app
    with csrf_app.app_context():
        db.remove()
        db.engine.dispose()


def test_a_log_in_post_without_the_csrf_token_is_refused_and_changes_nothing(csrf_app, session):
    make_user(session, "organiser")
    client = csrf_app.test_client()
    response = login(client, "organiser", "wrong")
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0
    assert login(client, "organiser").status_code == 400
    assert client.get("/admin/").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    accepted = login(client, "organiser", csrf_token=token)
    assert accepted.status_code == 302 and accepted.location == "/admin/"
