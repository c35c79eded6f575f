"""Loading staff accounts by id (the web session and the moderator's socket hold the id)."""
from __future__ import annotations

import sqlalchemy.orm as so

from meeting.models import User

STAGE_ROLES = ("moderator", "admin")  # who may drive the live meeting


def user_by_id(session: so.Session, user_id: object) -> User | None:
    """The User with this id, or None (also for a value that is not an integer id)."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return session.get(User, user_id)


def stage_user(session: so.Session, user_id: object) -> User | None:
    """The logged-in user if they may drive the stage (moderator or admin), else None."""
    user = user_by_id(session, user_id)
    return user if user is not None and user.role in STAGE_ROLES else None
