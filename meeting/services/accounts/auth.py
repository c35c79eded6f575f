"""Staff log-in: password check with a database-backed rate limit.

Failures are stored as LoginAttempt rows so the limit holds across restarts and processes.
A locked-out username or address is refused *before* the password is checked, so guessing
gains nothing while the lock lasts.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from meeting.errors import UserError
from meeting.models import LoginAttempt, User, utcnow

# One person mistyping: a handful of tries. A whole office behind one NAT address: more.
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = dt.timedelta(minutes=10)
# Failures older than this are deleted now and then so the table stays small.
KEEP_FOR = dt.timedelta(days=1)

# Checked when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class InvalidCredentials(UserError):
    """Unknown username or wrong password (deliberately not saying which)."""

    code = "invalid_credentials"
    status = 200  # the form is shown again with the message


class RateLimited(UserError):
    """Too many recent failures for this username or address."""

    code = "rate_limited"
    status = 429


def normalise_username(username: str) -> str:
    """Trim surrounding blanks; attempts are counted case-insensitively."""
    return (username or "").strip()


def recent_failures(session: so.Session, username: str, remote_addr: str,
                    now: dt.datetime | None = None) -> tuple[int, int]:
    """(failures for this username, failures from this address) inside WINDOW."""
    since = (now or utcnow()) - WINDOW
    key = normalise_username(username).lower()
    by_user = session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.username == key, LoginAttempt.at >= since)) or 0
    by_addr = 0
    if remote_addr:
        by_addr = session.scalar(
            sa.select(sa.func.count()).select_from(LoginAttempt)
            .where(LoginAttempt.remote_addr == remote_addr, LoginAttempt.at >= since)) or 0
    return by_user, by_addr


def authenticate(session: so.Session, username: str, password: str, remote_addr: str = "",
                 now: dt.datetime | None = None) -> User:
    """Return the User whose password matches, or raise.

    The errors carry codes (meeting/messages/accounts.py words them), so this also runs outside a request.

    Raises RateLimited (nothing is checked or recorded) when the username or the address has
    too many recent failures; InvalidCredentials after recording a failure otherwise. A success
    clears that username's failures. Commits.
    """
    now = now or utcnow()
    name = normalise_username(username)
    by_user, by_addr = recent_failures(session, name, remote_addr, now)
    if by_user >= MAX_FAILURES_PER_USERNAME or by_addr >= MAX_FAILURES_PER_ADDRESS:
        raise RateLimited(minutes=int(WINDOW.total_seconds() // 60))
    user = session.scalar(sa.select(User).where(User.username == name)) if name else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
    if user is None or not user.check_password(password or ""):
        _record_failure(session, name, remote_addr, now)
        raise InvalidCredentials()
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == name.lower()))
    session.commit()
    return user


def _record_failure(session: so.Session, name: str, remote_addr: str, now: dt.datetime) -> None:
    session.add(LoginAttempt(username=name.lower()[:64], remote_addr=(remote_addr or "")[:64], at=now))
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_FOR))
    session.commit()
