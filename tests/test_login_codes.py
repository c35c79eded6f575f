"""The organiser's way in: a one-time code printed by `flask login-code`, stored only hashed."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa

from meeting.models import LoginCode, utcnow
from meeting.services.accounts import auth as auth_service
from meeting.services.accounts.login_codes import (CODE_VALID_FOR, InvalidLoginCode, issue_login_code,
                                                   redeem_login_code)
from tests.helpers_roster import login, make_user


def _code_from(output: str) -> str:
    return re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})", output).group(1)


def _log_in_with_code(client, username: str, code: str, **data):
    return client.post("/login/code", data={"username": username, "code": code, **data})


def test_the_command_prints_a_code_that_logs_in_once_and_never_again(app, runner, session):
    make_user(session, "organiser")
    result = runner.invoke(args=["login-code", "organiser"])
    assert result.exit_code == 0, result.output
    code = _code_from(result.output)
    first = app.test_client()
    response = _log_in_with_code(first, "organiser", code)
    assert response.status_code == 302 and response.location == "/admin/"
    assert first.get("/admin/").status_code == 200
    second = app.test_client()
    again = _log_in_with_code(second, "organiser", code)
    assert again.status_code == 200
    assert second.get("/admin/").status_code == 302


def test_the_code_gets_in_while_the_password_throttle_holds_the_pair_up(client, session):
    make_user(session, "organiser")
    for _ in range(auth_service.FREE_FAILURES):
        login(client, "organiser", "wrong")
    assert login(client, "organiser").status_code == 429
    code = issue_login_code(session, "organiser")
    response = _log_in_with_code(client, "organiser", code, next="/admin/cadres")
    assert response.status_code == 302 and response.location == "/admin/cadres"


def test_the_code_is_stored_only_as_its_sha256(session):
    make_user(session, "organiser")
    code = issue_login_code(session, "organiser")
    row = session.scalar(sa.select(LoginCode))
    canonical = code.replace("-", "")
    assert row.code_hash == hashlib.sha256(canonical.encode()).hexdigest()
    stored = " ".join(str(v) for v in session.execute(sa.select(LoginCode.__table__)).one())
    assert canonical not in stored and code not in stored


def test_an_expired_code_is_refused(session):
    make_user(session, "organiser")
    now = utcnow()
    code = issue_login_code(session, "organiser", now=now)
    with pytest.raises(InvalidLoginCode):
        redeem_login_code(session, "organiser", code, now=now + CODE_VALID_FOR + dt.timedelta(seconds=1))
    assert redeem_login_code(session, "organiser", code, now=now + CODE_VALID_FOR - dt.timedelta(seconds=1))


def test_a_code_works_typed_in_lower_case_with_spaces(session):
    make_user(session, "organiser")
    code = issue_login_code(session, "organiser")
    assert redeem_login_code(session, " organiser ", code.lower().replace("-", " ")).username == "organiser"


def test_a_code_is_refused_for_another_username(session):
    make_user(session, "organiser")
    make_user(session, "moderator1", role="moderator")
    code = issue_login_code(session, "organiser")
    with pytest.raises(InvalidLoginCode):
        redeem_login_code(session, "moderator1", code)
    assert redeem_login_code(session, "organiser", code).username == "organiser"


def test_a_new_code_replaces_the_unused_one(session):
    make_user(session, "organiser")
    old = issue_login_code(session, "organiser")
    new = issue_login_code(session, "organiser")
    with pytest.raises(InvalidLoginCode):
        redeem_login_code(session, "organiser", old)
    assert redeem_login_code(session, "organiser", new)


def test_a_wrong_code_shows_the_form_again_with_an_error(client, session):
    make_user(session, "organiser")
    client.get("/login?lang=en")
    response = _log_in_with_code(client, "organiser", "ABCD-EFGH-JKMN-PQRS")
    assert response.status_code == 200
    assert "not valid" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_the_command_refuses_an_unknown_username(runner, session):
    result = runner.invoke(args=["login-code", "nobody"])
    assert result.exit_code != 0
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginCode)) == 0


def test_the_log_in_page_links_to_the_code_form(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "/login/code" in page
    assert 'name="code"' in client.get("/login/code").get_data(as_text=True)
