"""One-time log-in codes: the organiser's way in when the password throttle holds them up.

`flask --app meeting login-code USERNAME` prints a fresh code; it logs that user in once,
within CODE_VALID_FOR, from any address. Only its SHA-256 is stored (the code is random with
~80 bits, so a fast hash is enough and guessing one is hopeless even without a throttle).
A new code replaces the user's unused ones.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound, UserError
from meeting.models import LoginCode, User, utcnow
from meeting.services.accounts.auth import normalise_username

CODE_VALID_FOR = dt.timedelta(minutes=15)
# Crockford-style alphabet: no 0/O, 1/I/L confusion when read off a terminal.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUPS, _GROUP_LEN = 4, 4


class InvalidLoginCode(UserError):
    """Wrong, used or expired code, or a code of another user (deliberately not saying which)."""

    code = "login_code_invalid"
    status = 200  # the form is shown again with the message


def _canonical(code: str) -> str:
    """Upper case without blanks or dashes, so 'abcd-efgh …' as typed still matches."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_canonical(code).encode()).hexdigest()


def issue_login_code(session: so.Session, username: str, now: dt.datetime | None = None,
                     valid_for: dt.timedelta = CODE_VALID_FOR) -> str:
    """A new one-time code for this staff user (printed once, stored hashed). Commits.

    Raises NotFound("login_code_user_unknown") for an unknown username.
    """
    now = now or utcnow()
    name = normalise_username(username)
    user = session.scalar(sa.select(User).where(User.username == name)) if name else None
    if user is None:
        raise NotFound("login_code_user_unknown", username=name)
    session.execute(sa.delete(LoginCode).where(LoginCode.user_id == user.id, LoginCode.used_at.is_(None)))
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LEN))
    session.add(LoginCode(user_id=user.id, code_hash=_digest(raw), created_at=now, expires_at=now + valid_for))
    session.commit()
    return "-".join(raw[i:i + _GROUP_LEN] for i in range(0, len(raw), _GROUP_LEN))


def redeem_login_code(session: so.Session, username: str, code: str, now: dt.datetime | None = None) -> User:
    """The user this unused, unexpired code belongs to; the code is used up. Commits.

    Raises InvalidLoginCode otherwise. Marking it used is one conditional UPDATE, so two
    requests racing with the same code cannot both succeed.
    """
    now = now or utcnow()
    name = normalise_username(username)
    row = session.execute(
        sa.select(LoginCode.id, User).join(User, User.id == LoginCode.user_id)
        .where(LoginCode.code_hash == _digest(code), User.username == name)).first() if name else None
    if row is None:
        session.rollback()
        raise InvalidLoginCode()
    code_id, user = row
    used = session.execute(
        sa.update(LoginCode)
        .where(LoginCode.id == code_id, LoginCode.used_at.is_(None), LoginCode.expires_at > now)
        .values(used_at=now))
    if used.rowcount != 1:
        session.rollback()
        raise InvalidLoginCode()
    session.commit()
    return user
