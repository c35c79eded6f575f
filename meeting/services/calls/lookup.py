"""Loading one call attempt for the telephony edge (webhooks, TwiML, the simulator)."""
from __future__ import annotations

import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import CallAttempt


def call_attempt(session: so.Session, call_id: int, fresh: bool = False) -> CallAttempt:
    """The call attempt with this id (re-read from the database if `fresh`); NotFound("call_not_found")."""
    call = session.get(CallAttempt, call_id, populate_existing=fresh)
    if call is None:
        raise NotFound("call_not_found", id=call_id)
    return call
