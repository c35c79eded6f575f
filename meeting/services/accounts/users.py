"""Staff accounts by id, and their web sessions (the cookie holds the id and a session version)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import User

STAGE_ROLES = ("moderator", "admin")  # who may drive the live meeting
# Cookies signed before session versions existed carry none; they count as the first version,
# so they end with the first log-out or password change like any other.
FIRST_SESSION_VERSION = 1


def user_by_id(session: so.Session, user_id: object) -> User | None:
    """The User with this id, or None (also for a value that is not an integer id)."""
    if not _is_int(user_id):
        return None
    return session.get(User, user_id)


def session_user(session: so.Session, user_id: object, version: object) -> User | None:
    """The User a session cookie names, or None when the account is gone or the session was ended.

    `version` is the session version stored in the cookie at log-in; it must still be the
    user's current one (log-out and a new password raise it).
    """
    user = user_by_id(session, user_id)
    if user is None:
        return None
    if version is None:
        version = FIRST_SESSION_VERSION
    if not _is_int(version) or version != user.session_version:
        return None
    return user


def stage_user(session: so.Session, user_id: object, version: object = None) -> User | None:
    """The logged-in user if the session is still valid and may drive the stage, else None."""
    user = session_user(session, user_id, version)
    return user if user is not None and user.role in STAGE_ROLES else None


def end_sessions(session: so.Session, user_id: object) -> None:
    """End every session of this user (log-out): raise the session version. Commits."""
    if not _is_int(user_id):
        return
    session.execute(sa.update(User).where(User.id == user_id)
                    .values(session_version=User.session_version + 1))
    session.commit()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
