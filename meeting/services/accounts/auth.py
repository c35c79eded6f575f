"""Staff log-in: password check with a database-backed throttle per (username, address).

Failures are stored as LoginAttempt rows so the throttle holds across restarts and processes.
There is no hard lock of an account: each (username, address) pair gets a few free tries, then
must wait after each failure, twice as long every time (up to MAX_DELAY). While a pair has to
wait it is refused *before* the password is checked, so guessing gains nothing. Another address
(a phone's mobile data, another laptop) is not held up by the failures of the first, and a
one-time code from `flask login-code` (login_codes.py) always gets the organiser in.
"""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from meeting.errors import UserError
from meeting.models import LoginAttempt, User, utcnow

# One person mistyping: a few tries without waiting; then 2 s, 4 s, 8 s … up to 5 minutes.
FREE_FAILURES = 3
FIRST_DELAY = dt.timedelta(seconds=2)
MAX_DELAY = dt.timedelta(minutes=5)
# Failures older than this no longer count (longer than MAX_DELAY, so a patient guesser stays slow).
WINDOW = dt.timedelta(hours=1)
# Failures older than this are deleted now and then so the table stays small.
KEEP_FOR = dt.timedelta(days=1)

# Checked when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class InvalidCredentials(UserError):
    """Unknown username or wrong password (deliberately not saying which)."""

    code = "invalid_credentials"
    status = 200  # the form is shown again with the message


class RateLimited(UserError):
    """This username from this address must wait before the next try (params: seconds)."""

    code = "rate_limited"
    status = 429

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait (the Retry-After header)."""
        return int(self.params.get("seconds", 1))


def normalise_username(username: str) -> str:
    """Trim surrounding blanks; attempts are counted case-insensitively."""
    return (username or "").strip()


def delay_after(failures: int) -> dt.timedelta:
    """How long a pair must wait after its last failure, given its recent failures."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    steps = failures - FREE_FAILURES
    if steps >= 20:  # far past the cap; avoid huge numbers
        return MAX_DELAY
    return min(FIRST_DELAY * (2 ** steps), MAX_DELAY)


def wait_needed(session: so.Session, username: str, remote_addr: str,
                now: dt.datetime | None = None) -> dt.timedelta:
    """How long this username from this address must still wait (zero: may try now)."""
    now = now or utcnow()
    count, last = session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.at)).select_from(LoginAttempt)
        .where(*_pair(username, remote_addr), LoginAttempt.at >= now - WINDOW)).one()
    if not count or last is None:
        return dt.timedelta(0)
    return max(last + delay_after(count) - now, dt.timedelta(0))


def authenticate(session: so.Session, username: str, password: str, remote_addr: str = "",
                 now: dt.datetime | None = None) -> User:
    """Return the User whose password matches, or raise.

    The errors carry codes (meeting/messages/accounts.py words them), so this also runs outside a request.

    Raises RateLimited(seconds=…) (nothing is checked or recorded) while this (username, address)
    must wait; InvalidCredentials (a failure recorded) otherwise. A success clears that
    pair's failures. Commits.
    """
    now = now or utcnow()
    name = normalise_username(username)
    wait = wait_needed(session, name, remote_addr, now)
    if wait > dt.timedelta(0):
        raise RateLimited(seconds=max(1, math.ceil(wait.total_seconds())))
    # Counted as a failure before the (slow) hash check, so parallel guesses cannot all slip
    # through the same gap; a success deletes it again.
    _record_failure(session, name, remote_addr, now)
    user = session.scalar(sa.select(User).where(User.username == name)) if name else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
    if user is None or not user.check_password(password or ""):
        raise InvalidCredentials()
    session.execute(sa.delete(LoginAttempt).where(*_pair(name, remote_addr)))
    session.commit()
    return user


def _pair(username: str, remote_addr: str) -> tuple[sa.ColumnElement[bool], ...]:
    return (LoginAttempt.username == normalise_username(username).lower()[:64],
            LoginAttempt.remote_addr == (remote_addr or "")[:64])


def _record_failure(session: so.Session, name: str, remote_addr: str, now: dt.datetime) -> None:
    session.add(LoginAttempt(username=name.lower()[:64], remote_addr=(remote_addr or "")[:64], at=now))
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_FOR))
    session.commit()
