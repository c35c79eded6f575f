"""The one juror-token lookup: the tablet page (`/j/<token>`) and the juror's socket both use it.

A token is the juror's credential. Unknown, over-long and other meetings' tokens are the same
"invalid link"; a withdrawn juror's token is refused as withdrawn; a PIN, if one was set, must match.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import check_password_hash

from meeting.errors import Forbidden, NotFound
from meeting.models import Juror

# Tokens are issued far shorter; anything longer is refused before touching the database.
MAX_TOKEN_LENGTH = 64


def juror_by_token(session: so.Session, token: object, meeting_id: int | None = None) -> Juror:
    """The juror whose private link this is (of `meeting_id` if given).

    Raises NotFound("juror_link_invalid") for a token that is not one (or of another meeting),
    Forbidden("juror_link_revoked") for a withdrawn juror.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("juror_link_invalid")
    juror = session.scalar(sa.select(Juror).where(Juror.token == token))
    if juror is None or (meeting_id is not None and juror.meeting_id != meeting_id):
        raise NotFound("juror_link_invalid")
    if juror.revoked_at is not None:
        raise Forbidden("juror_link_revoked")
    return juror


def authenticate_juror(session: so.Session, meeting_id: int, token: object, pin: object) -> Juror:
    """juror_by_token for this meeting, then the PIN check: Forbidden("juror_pin_wrong")."""
    juror = juror_by_token(session, token, meeting_id)
    if juror.pin_hash and not (isinstance(pin, str) and check_password_hash(juror.pin_hash, pin)):
        raise Forbidden("juror_pin_wrong")
    return juror
