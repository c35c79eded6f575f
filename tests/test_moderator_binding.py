"""Moderators are bound to meetings: a moderator drives only the meetings an admin assigned
them to (console page, socket connect, every action); admins drive every meeting."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, Forbidden, NotFound
from meeting.extensions import db, socketio
from meeting.models import Event, Meeting, ModeratorAssignment
from meeting.services.live.actions import ACTIONS
from meeting.services.setup.moderators import (assign_moderator, may_moderate, meeting_moderators,
                                               require_moderator_of, unassign_moderator, unassigned_moderators)
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster
from meeting.demo.sample_meeting import create_demo_meeting
from tests.helpers_roster import login, make_user


@pytest.fixture(autouse=True)
def _release_the_test_session(session):
    """Close the test's own session at the end: the socket handlers' db.remove() replaced the
    thread's scoped session, so the app's teardown would not close this one (on PostgreSQL its
    open transaction would block the tables' cleanup)."""
    yield
    session.close()

@pytest.fixture
def two_meetings(session) -> tuple[int, int]:
    """Meetings A and B, both ready to start; moderator "mod" bound to A only; admin "boss"."""
    load_roster(session, generate_roster(scale=0.003, seed=7))
    a = create_demo_meeting(session, jurors=3, rounds=2, title="A").id
    b = create_demo_meeting(session, jurors=3, rounds=2, title="B").id
    make_user(session, "mod", role="moderator", moderates=(a,))
    make_user(session, "boss", role="admin")
    return a, b


def _socket(app, client, meeting_id: int):
    return socketio.test_client(app, flask_test_client=client, auth={"meeting": meeting_id, "role": "moderator"})


def _seq(session, meeting_id: int) -> int:
    session.expire_all()
    return session.get(Meeting, meeting_id).seq


# --- the service ----------------------------------------------------------------------------

def test_a_bound_moderator_may_moderate_only_their_meeting_and_an_admin_every_meeting(session, two_meetings):
    a, b = two_meetings
    from meeting.models import User
    mod = session.scalar(sa.select(User).where(User.username == "mod"))
    boss = session.scalar(sa.select(User).where(User.username == "boss"))
    assert may_moderate(session, mod, a) and not may_moderate(session, mod, b)
    assert may_moderate(session, boss, a) and may_moderate(session, boss, b)
    assert not may_moderate(session, None, a)
    assert require_moderator_of(session, mod.id, a).username == "mod"
    with pytest.raises(Forbidden) as refused:
        require_moderator_of(session, mod.id, b)
    assert refused.value.code == "not_meeting_moderator"
    with pytest.raises(Forbidden):
        require_moderator_of(session, None, a)


def test_assigning_twice_or_an_unknown_or_admin_account_is_refused(session, two_meetings):
    a, _ = two_meetings
    with pytest.raises(Conflict) as twice:
        assign_moderator(session, a, "mod", "user:1")
    assert twice.value.code == "moderator_already_assigned"
    for name in ("nobody", "boss"):
        with pytest.raises(NotFound) as unknown:
            assign_moderator(session, a, name, "user:1")
        assert unknown.value.code == "moderator_unknown"
    assert [m.username for m in meeting_moderators(session, a)] == ["mod"]


def test_unassigning_keeps_a_record_of_who_was_allowed_and_by_whom(session, two_meetings):
    a, b = two_meetings
    unassign_moderator(session, a, "mod", "user:99")
    assert meeting_moderators(session, a) == [] and unassigned_moderators(session, a) == ["mod"]
    row = session.scalar(sa.select(ModeratorAssignment).where(ModeratorAssignment.meeting_id == a))
    assert row.removed_at is not None and row.removed_by == "user:99" and row.assigned_by == "test"
    with pytest.raises(Conflict) as again:
        unassign_moderator(session, a, "mod", "user:99")
    assert again.value.code == "moderator_not_assigned"
    assign_moderator(session, a, "mod", "user:99")  # bound again: a new row, the old one stays
    assert session.scalar(sa.select(sa.func.count()).select_from(ModeratorAssignment)) == 2
    assert [m.username for m in meeting_moderators(session, a)] == ["mod"]


# --- the console page -----------------------------------------------------------------------

def test_the_console_of_another_meeting_is_refused_with_the_reason(client, session, two_meetings):
    a, b = two_meetings
    login(client, "mod")
    assert client.get(f"/console/{a}").status_code == 200
    refused = client.get(f"/console/{b}?lang=en")
    assert refused.status_code == 403
    assert "You are not a moderator of this meeting." in refused.get_data(as_text=True)


def test_an_admin_opens_every_console(client, session, two_meetings):
    login(client, "boss")
    assert all(client.get(f"/console/{mid}").status_code == 200 for mid in two_meetings)


# --- the socket -----------------------------------------------------------------------------

def test_the_socket_connect_to_another_meeting_is_refused(app, client, session, two_meetings):
    a, b = two_meetings
    login(client, "mod")
    assert _socket(app, client, a).is_connected()
    assert not _socket(app, client, b).is_connected()


def test_every_action_on_a_meeting_the_moderator_was_removed_from_is_refused_while_the_other_runs(
        app, client, session, two_meetings):
    a, b = two_meetings
    assign_moderator(session, b, "mod", "user:1")
    login(client, "mod")
    on_a, on_b = _socket(app, client, a), _socket(app, client, b)
    assert on_b.emit("perform", {"action": "set_scene", "params": {"scene": "blank"}}, callback=True)["ok"]
    unassign_moderator(session, b, "mod", "user:1")
    before = _seq(session, b)
    for action in ACTIONS:
        ack = on_b.emit("perform", {"action": action, "params": {}}, callback=True)
        assert not ack["ok"] and ack["error"]["code"] == "not_meeting_moderator", action
    assert _seq(session, b) == before
    ack = on_a.emit("perform", {"action": "start_meeting", "params": {}}, callback=True)
    assert ack["ok"] and ack["type"] == "meeting_started"


def test_unassigning_mid_meeting_stops_the_next_action(app, client, session, two_meetings):
    a, _ = two_meetings
    login(client, "mod")
    sio = _socket(app, client, a)
    assert sio.emit("perform", {"action": "start_meeting", "params": {}}, callback=True)["ok"]
    assert sio.emit("perform", {"action": "enter_entropy", "params": {"sources": "3 5 1 6 2 4"}},
                    callback=True)["ok"]
    unassign_moderator(session, a, "mod", "user:1")
    before = _seq(session, a)
    ack = sio.emit("perform", {"action": "draw_cadre", "params": {"expected_draw": 1}}, callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "not_meeting_moderator"
    assert _seq(session, a) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.meeting_id == a, Event.type == "cadre_drawn")) == 0


def test_an_admin_drives_both_meetings(app, client, session, two_meetings):
    login(client, "boss")
    for mid in two_meetings:
        sio = _socket(app, client, mid)
        assert sio.is_connected()
        ack = sio.emit("perform", {"action": "start_meeting", "params": {}}, callback=True)
        assert ack["ok"] and ack["type"] == "meeting_started"


def test_a_removed_moderator_gets_no_more_state_after_the_refusal(app, client, session, two_meetings):
    a, _ = two_meetings
    login(client, "mod")
    mod = _socket(app, client, a)
    admin_client = app.test_client()
    login(admin_client, "boss")
    admin = _socket(app, admin_client, a)
    unassign_moderator(session, a, "mod", "user:1")
    sync = mod.emit("sync", {}, callback=True)
    assert not sync["ok"] and sync["error"]["code"] == "not_meeting_moderator"
    mod.get_received()
    assert admin.emit("perform", {"action": "start_meeting", "params": {}}, callback=True)["ok"]
    assert [m for m in admin.get_received() if m["name"] == "state"]  # the broadcast went out
    assert [m for m in mod.get_received() if m["name"] == "state"] == []  # but not to the removed console
