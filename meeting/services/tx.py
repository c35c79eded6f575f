"""Transactions of the services: one use case, one unit of work, and the per-meeting lock that
serialises every change to a meeting (draws, moderator actions, ballots, calls).

A use case is a public function decorated with `unit_of_work`: it locks what it changes, calls
inner steps (functions that take the locked Meeting, assume the lock is held and never commit),
and the decorator commits once when it returns, or rolls back when it raises. A use case that
must call the outside world (the telephony provider) is instead a sequence of explicitly named
units of work with the call between them, marked `steps_outside_transaction`.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Meeting

F = TypeVar("F", bound=Callable[..., Any])
_OPEN = "minkao_unit_of_work"  # session.info key: a unit of work is running in this session


def unit_of_work(func: F) -> F:
    """Run the use case in one transaction: commit once if it returns, roll back if it raises.

    The function itself never commits. Calling a unit of work from inside another is refused
    (RuntimeError): the inner one would commit the outer's half-done change; call its inner step.
    """

    @functools.wraps(func)
    def wrapper(session: so.Session, *args: Any, **kwargs: Any) -> Any:
        if session.info.get(_OPEN):
            raise RuntimeError(f"{func.__qualname__} is a unit of work of its own: call its inner step")
        session.info[_OPEN] = True
        try:
            result = func(session, *args, **kwargs)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(_OPEN, None)

    return wrapper  # type: ignore[return-value]


def steps_outside_transaction(func: F) -> F:
    """A use case made of named units of work with an outside call between them (the provider).

    It commits nothing itself: each step does. If it raises, whatever is open is rolled back;
    the steps already committed stay (that is the point: the attempt is on disk before dialling).
    """

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
