"""Moderators bound to meetings: who may drive which meeting's stage.

An admin binds moderator accounts to a meeting at set-up; admins may drive every meeting.
The console page, the moderator's socket connect and every moderator action ask
`may_moderate` / `require_moderator_of` again, so unassigning a moderator during the meeting
stops them at their next action. The bindings table keeps unassigned rows (with who and
when), so it is also the set-up's record of who was allowed on stage.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, Forbidden, NotFound
from meeting.models import ModeratorAssignment, User, utcnow
from meeting.services.tx import lock_meeting, unit_of_work


@dataclass(frozen=True)
class Binding:
    """One moderator bound to a meeting, as the set-up page lists it."""

    user_id: int
    username: str
    display_name: str
    assigned_by: str


def _active(meeting_id: int, user_id: int) -> sa.Select:
    return sa.select(ModeratorAssignment).where(
        ModeratorAssignment.meeting_id == meeting_id, ModeratorAssignment.user_id == user_id,
        ModeratorAssignment.removed_at.is_(None))


def may_moderate(session: so.Session, user: User | None, meeting_id: int) -> bool:
    """Whether `user` may drive meeting `meeting_id`: an admin always, a moderator if bound to it."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    if user.role != "moderator":
        return False
    return session.scalar(_active(meeting_id, user.id).limit(1)) is not None


def require_moderator_of(session: so.Session, user_id: int | None, meeting_id: int) -> User:
    """The user, if they may drive this meeting now; Forbidden("not_meeting_moderator") if not.

    Read fresh on every call (no cache): an admin's unassignment takes effect at the next action.
    """
    # populate_existing: the role may have changed since the object was loaded.
    user = session.get(User, user_id, populate_existing=True) if isinstance(user_id, int) else None
    if not may_moderate(session, user, meeting_id):
        raise Forbidden("not_meeting_moderator")
    return user


def _moderator(session: so.Session, username: str) -> User:
    name = (username or "").strip()
    user = session.scalar(sa.select(User).where(User.username == name))
    if user is None or user.role != "moderator":
        raise NotFound("moderator_unknown", username=name)
    return user


@unit_of_work
def assign_moderator(session: so.Session, meeting_id: int, username: str, actor: str = "") -> User:
    """Bind the moderator account `username` to the meeting; commits.

    NotFound if there is no such moderator (admins need no binding), Conflict if already bound.
    """
    lock_meeting(session, meeting_id)
    user = _moderator(session, username)
    if session.scalar(_active(meeting_id, user.id).limit(1)) is not None:
        raise Conflict("moderator_already_assigned", username=user.username)
    session.add(ModeratorAssignment(meeting_id=meeting_id, user_id=user.id, assigned_by=actor[:64]))
    return user


@unit_of_work
def unassign_moderator(session: so.Session, meeting_id: int, username: str, actor: str = "") -> User:
    """End the moderator's binding to the meeting (kept on record with who and when); commits.

    Their open console is refused from its next action on. Conflict if they were not bound.
    """
    lock_meeting(session, meeting_id)
    user = _moderator(session, username)
    rows = list(session.scalars(_active(meeting_id, user.id)))
    if not rows:
        raise Conflict("moderator_not_assigned", username=user.username)
    for row in rows:
        row.removed_at = utcnow()
        row.removed_by = actor[:64]
    return user


def meeting_moderators(session: so.Session, meeting_id: int) -> list[Binding]:
    """The moderators bound to the meeting now, by username."""
    rows = session.execute(
        sa.select(User, ModeratorAssignment.assigned_by).join(ModeratorAssignment, ModeratorAssignment.user_id == User.id)
        .where(ModeratorAssignment.meeting_id == meeting_id, ModeratorAssignment.removed_at.is_(None))
        .order_by(User.username))
    return [Binding(u.id, u.username, u.display_name, by) for u, by in rows]


def unassigned_moderators(session: so.Session, meeting_id: int) -> list[str]:
    """Usernames of the moderator accounts not bound to the meeting (what the set-up page offers)."""
    bound = sa.select(ModeratorAssignment.user_id).where(
        ModeratorAssignment.meeting_id == meeting_id, ModeratorAssignment.removed_at.is_(None))
    return list(session.scalars(sa.select(User.username).where(
        User.role == "moderator", User.id.not_in(bound)).order_by(User.username)))
