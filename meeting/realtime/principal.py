"""Who is on the other end of a socket: resolved once at connect, kept per sid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session as flask_session

from meeting.audience import Audience
from meeting.errors import NotFound, UserError
from meeting.extensions import db
from meeting.ids import is_db_int
from meeting.realtime import frames
from meeting.services.accounts.juror_tokens import authenticate_juror
from meeting.services.accounts.users import stage_user
from meeting.services.setup.moderators import may_moderate
from meeting.services.tx import get_meeting

# The refusal texts are protocol: the tablet recognises them (static/juror/tablet.js).
_JUROR_REFUSALS = {"juror_pin_wrong": "wrong PIN"}
_JUROR_INVALID = "this juror link is not valid"


@dataclass(frozen=True)
class Principal:
    """The authenticated role of one socket connection."""

    meeting_id: int
    audience: Audience
    user_id: int | None = None
    juror_id: int | None = None
    name: str = ""

    @property
    def actor(self) -> str:
        """How this principal is named in the event log."""
        if self.audience is Audience.JUROR:
            return f"juror:{self.juror_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return self.audience.value


class AuthError(Exception):
    """The connection's credentials do not allow the requested audience."""


def resolve(auth: Any) -> Principal:
    """Check the `auth` payload of a Socket.IO connect and return the principal.

    Moderators are staff logged in through the web session (cookie) and bound to this meeting
    (admins: every meeting; meeting.services.setup.moderators); jurors present their
    private token (and PIN if one was set); public screens need nothing but a meeting id.
    """
    if not isinstance(auth, dict):
        raise AuthError("missing auth")
    meeting_id = auth.get("meeting")
    audience = Audience.parse(auth.get("role"))
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool) or audience is None:
        raise AuthError("auth needs an integer 'meeting' and a known 'role'")
    if not is_db_int(meeting_id):  # beyond any database id: refused at once, not a hung connect
        raise AuthError("no such meeting")
    if audience.is_public and frames.current(meeting_id) is not None:
        return Principal(meeting_id, audience)  # a current public frame proves the meeting: no query
    try:
        get_meeting(db.session, meeting_id)
    except NotFound:
        raise AuthError("no such meeting") from None
    if audience.is_public:
        return Principal(meeting_id, audience)
    if audience is Audience.MODERATOR:
        # The same keys as meeting/views/auth.py writes: an ended session (log-out, new password) is refused.
        user = stage_user(db.session, flask_session.get("user_id"), flask_session.get("sv"))
        if user is None:
            raise AuthError("moderator log-in required")
        if not may_moderate(db.session, user, meeting_id):  # bound at set-up; admins drive all
            raise AuthError("not a moderator of this meeting")
        return Principal(meeting_id, audience, user_id=user.id, name=user.display_name or user.username)
    token = auth.get("token")
    if not isinstance(token, str) or not token:
        raise AuthError("juror token required")
    try:
        juror = authenticate_juror(db.session, meeting_id, token, auth.get("pin"))
    except UserError as exc:
        raise AuthError(_JUROR_REFUSALS.get(exc.code, _JUROR_INVALID)) from None
    return Principal(meeting_id, audience, juror_id=juror.id, name=juror.name)
