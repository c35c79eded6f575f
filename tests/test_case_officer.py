"""The case officer (督办员): follows up cases, may not run or set up a meeting."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.extensions import socketio
from meeting.models import ROLES, User
from meeting.services.accounts.users import stage_user
from meeting.services.setup.meetings import create_meeting
from meeting.services.setup.moderators import assign_moderator
from tests.admin_meetings_support import staff_client
from tests.cases_support import county


def test_case_officer_is_a_role_and_create_user_accepts_it(runner, session):
    assert "case_officer" in ROLES
    result = runner.invoke(args=["create-user", "duban", "--role", "case_officer", "--password", "a-long-pass-1"])
    assert result.exit_code == 0, result.output
    assert session.scalar(sa.select(User.role).where(User.username == "duban")) == "case_officer"


@pytest.fixture
def meeting_id(session):
    return create_meeting(session, {"title": "大会"}).id


@pytest.mark.parametrize("path", ["/console/{m}", "/admin/meetings/", "/admin/meetings/new",
                                  "/admin/meetings/{m}/", "/admin/meetings/{m}/jurors",
                                  "/admin/meetings/{m}/jurors/print", "/admin/meetings/{m}/draw", "/admin/import/"])
def test_a_case_officer_cannot_open_the_console_or_the_meeting_pages(client, session, meeting_id, path):
    staff_client(client, session, role="case_officer")
    assert client.get(path.format(m=meeting_id)).status_code == 403


def test_a_case_officer_may_not_connect_as_the_moderator(app, client, session, meeting_id):
    staff_client(client, session, role="case_officer")
    user = session.scalar(sa.select(User).where(User.role == "case_officer"))
    assert stage_user(session, user.id, user.session_version) is None
    sio = socketio.test_client(app, flask_test_client=client, auth={"meeting": meeting_id, "role": "moderator"})
    assert not sio.is_connected()


def test_a_moderator_with_the_same_cookie_path_does_connect(app, client, session, meeting_id):
    # The control for the test above: the refusal is the role's, not the test client's.
    staff_client(client, session, role="moderator")
    assign_moderator(session, meeting_id, "moderator1", actor="test")  # a moderator drives only a meeting bound to them
    sio = socketio.test_client(app, flask_test_client=client, auth={"meeting": meeting_id, "role": "moderator"})
    assert sio.is_connected()
    sio.disconnect()


def test_a_case_officer_uses_the_dashboard_and_the_case_actions(client, session):
    world = county(session, per_township=1)
    staff_client(client, session, role="case_officer")
    page = client.get("/cases")
    assert page.status_code == 200 and world.codes[0] in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert 'href="/cases"' in html and 'href="/admin/meetings/"' not in html   # the menu: cases, no meetings
    resp = client.post(f"/cases/{world.codes[0]}/act", data={"action": "reply", "reason": "代为回复"})
    assert resp.status_code == 302
    assert "代为回复" in client.get(f"/cases/{world.codes[0]}").get_data(as_text=True)


@pytest.mark.parametrize("role,status", [("admin", 200), ("moderator", 403)])
def test_the_dashboard_is_for_admins_and_case_officers_only(client, session, role, status):
    staff_client(client, session, role=role)
    assert client.get("/cases").status_code == status


def test_a_logged_out_visitor_is_sent_to_log_in_from_the_dashboard(client):
    resp = client.get("/cases")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
