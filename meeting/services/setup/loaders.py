"""Loaders for the set-up pages: one thing of a meeting, or NotFound.

The meeting itself: meeting.services.tx.get_meeting (the one "meeting or NotFound").
"""
from __future__ import annotations

import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Juror


def juror_of_meeting(session: so.Session, meeting_id: int, juror_id: int) -> Juror:
    """The juror with this id if they belong to this meeting; NotFound("juror_not_found") otherwise."""
    juror = session.get(Juror, juror_id)
    if juror is None or juror.meeting_id != meeting_id:
        raise NotFound("juror_not_found", id=juror_id)
    return juror
