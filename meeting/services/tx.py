"""Transactions of the services: roll back on failure, and the per-meeting lock that serialises
every change to a meeting (draws, moderator actions, ballots, calls)."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Meeting

F = TypeVar("F", bound=Callable[..., Any])


def transactional(func: F) -> F:
    """Roll the session back if the use case fails, so no lock or half-change outlives it."""

    @functools.wraps(func)
    def wrapper(session: so.Session, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise

    return wrapper  # type: ignore[return-value]


def lock_meeting(session: so.Session, meeting_id: int) -> Meeting:
    """Take the meeting's row/write lock, then load it fresh; NotFound if it does not exist.

    The no-op UPDATE serialises concurrent draw calls on PostgreSQL (row lock) and SQLite
    (write lock) before anything is read, so two consoles can never derive the same step
    and two ballots never get the same version.
    """
    result = session.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(seq=Meeting.seq),
                             execution_options={"synchronize_session": False})
    if result.rowcount == 0:
        raise NotFound("meeting_not_found", id=meeting_id)
    return session.get(Meeting, meeting_id, populate_existing=True)


def get_meeting(session: so.Session, meeting_id: int) -> Meeting:
    """Load without locking (read-only pages); NotFound if missing."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found", id=meeting_id)
    return meeting
