"""Who is on the other end of a socket: resolved once at connect, kept per sid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import session as flask_session

from meeting.extensions import db
from meeting.models import Juror, Meeting, User

AUDIENCES = ("moderator", "juror", "projector", "viewer", "overlay")
PUBLIC_AUDIENCES = ("projector", "viewer", "overlay")


@dataclass(frozen=True)
class Principal:
    """The authenticated role of one socket connection."""

    meeting_id: int
    audience: str
    user_id: int | None = None
    juror_id: int | None = None
    name: str = ""

    @property
    def actor(self) -> str:
        """How this principal is named in the event log."""
        if self.audience == "juror":
            return f"juror:{self.juror_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return self.audience


class AuthError(Exception):
    """The connection's credentials do not allow the requested audience."""


def resolve(auth: Any) -> Principal:
    """Check the `auth` payload of a Socket.IO connect and return the principal.

    Moderators are staff logged in through the web session (cookie); jurors present their
    private token (and PIN if one was set); public screens need nothing but a meeting id.
    """
    if not isinstance(auth, dict):
        raise AuthError("missing auth")
    meeting_id = auth.get("meeting")
    audience = auth.get("role")
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool) or audience not in AUDIENCES:
        raise AuthError("auth needs an integer 'meeting' and a known 'role'")
    if db.session.get(Meeting, meeting_id) is None:
        raise AuthError("no such meeting")
    if audience in PUBLIC_AUDIENCES:
        return Principal(meeting_id, audience)
    if audience == "moderator":
        user_id = flask_session.get("user_id")
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or user.role not in ("moderator", "admin"):
            raise AuthError("moderator log-in required")
        return Principal(meeting_id, "moderator", user_id=user.id, name=user.display_name or user.username)
    token = auth.get("token")
    if not isinstance(token, str) or not token:
        raise AuthError("juror token required")
    juror = db.session.scalar(sa.select(Juror).where(Juror.token == token, Juror.meeting_id == meeting_id))
    if juror is None or juror.revoked_at is not None:
        raise AuthError("this juror link is not valid")
    if juror.pin_hash:
        from werkzeug.security import check_password_hash

        pin = auth.get("pin")
        if not isinstance(pin, str) or not check_password_hash(juror.pin_hash, pin):
            raise AuthError("wrong PIN")
    return Principal(meeting_id, "juror", juror_id=juror.id, name=juror.name)
