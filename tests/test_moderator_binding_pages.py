"""The meeting overview page lets an admin assign and remove a meeting's moderators."""
from __future__ import annotations

from meeting.services.setup.moderators import meeting_moderators
from tests.admin_meetings_support import new_meeting, staff_client
from tests.helpers_roster import make_user


def _page(client, mid: int) -> str:
    return client.get(f"/admin/meetings/{mid}/").get_data(as_text=True)


def test_an_admin_assigns_a_moderator_and_the_page_lists_them(client, session):
    mid = new_meeting(session)
    make_user(session, "stage1", role="moderator", display_name="主持人甲")
    staff_client(client, session)
    html = _page(client, mid)
    assert 'id="moderators"' in html and '<option value="stage1">stage1</option>' in html
    assert "No moderator yet" in html
    response = client.post(f"/admin/meetings/{mid}/moderators", data={"username": "stage1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#moderators")
    assert [m.username for m in meeting_moderators(session, mid)] == ["stage1"]
    html = _page(client, mid)
    assert "stage1 may now drive this meeting from the console." in html
    assert "主持人甲" in html and '<option value="stage1">' not in html


def test_an_admin_removes_a_moderator(client, session):
    mid = new_meeting(session)
    make_user(session, "stage1", role="moderator", moderates=(mid,))
    staff_client(client, session)
    assert client.post(f"/admin/meetings/{mid}/moderators/remove", data={"username": "stage1"}).status_code == 302
    assert meeting_moderators(session, mid) == []
    assert "stage1 may no longer drive this meeting." in _page(client, mid)


def test_a_refused_assignment_says_why_and_changes_nothing(client, session):
    mid = new_meeting(session)
    staff_client(client, session)
    client.post(f"/admin/meetings/{mid}/moderators", data={"username": "ghost"})
    assert "There is no moderator account named ghost." in _page(client, mid)
    assert meeting_moderators(session, mid) == []


def test_a_moderator_may_not_assign_anyone(client, session):
    mid = new_meeting(session)
    make_user(session, "stage2", role="moderator")
    staff_client(client, session, role="moderator")
    assert client.post(f"/admin/meetings/{mid}/moderators", data={"username": "stage2"}).status_code == 403
    assert client.post(f"/admin/meetings/{mid}/moderators", data={"username": "moderator1"}).status_code == 403
    assert meeting_moderators(session, mid) == []
    assert 'action="/admin/meetings/%d/moderators"' % mid not in _page(client, mid)


def test_an_unknown_meeting_is_not_found(client, session):
    staff_client(client, session)
    assert client.post("/admin/meetings/999/moderators", data={"username": "x"}).status_code == 404
