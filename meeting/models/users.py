"""Staff accounts (admin, moderator, case officer). Jurors are per meeting and use tokens instead."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from meeting.models.base import Base, utcnow

# case_officer (督办员): follows up cases after the meetings; may not run or set up a meeting.
ROLES = ("admin", "moderator", "case_officer")


class User(Base):
    """An organiser (admin), a moderator or a case officer, with a hashed password."""

    __tablename__ = "users"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default="moderator")
    display_name: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    # Stored in the session cookie at log-in; raising it (log-out, new password) ends every
    # session issued before, wherever the cookie was copied to.
    session_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password; a changed password ends the old sessions."""
        self.password_hash = generate_password_hash(password)
        if self.session_version is not None:  # None: not yet saved, no session exists
            self.session_version += 1

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class LoginAttempt(Base):
    """Failed log-ins, kept in the database so rate limiting survives restarts and processes."""

    __tablename__ = "login_attempts"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)


class LoginCode(Base):
    """A one-time log-in code printed by `flask login-code`; only its SHA-256 is kept."""

    __tablename__ = "login_codes"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[dt.datetime]
    used_at: so.Mapped[dt.datetime | None]
