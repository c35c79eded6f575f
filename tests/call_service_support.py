"""Reading a verification meeting from a call service test: what an action is refused with, the
snapshot an audience gets, the event log, and a provider status callback played on a call.

Each opens and removes its own session, as a request would (tests/telephony_support.Verifying
performs the actions)."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from meeting.errors import UserError
from meeting.extensions import db
from meeting.models import CallAttempt, Event
from meeting.services.calls import webhooks as calls_webhooks
from meeting.services.live.snapshot import build_state
from meeting.telephony import twilio_webhooks


def refused_code(v: Any, action: str, **params: Any) -> str:
    """The code of the UserError a moderator action is refused with (fails if it is not refused)."""
    with pytest.raises(UserError) as exc:
        v.perform(action, **params)
    return exc.value.code


def snapshot(app: Flask, meeting_id: int, audience: str = "moderator") -> dict[str, Any]:
    """The state one audience's screen is sent now."""
    with app.app_context():
        try:
            return build_state(db.session, meeting_id, audience)
        finally:
            db.remove()


def event_types(app: Flask) -> list[str]:
    """The types of the meeting events, in order."""
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(Event.type).order_by(Event.seq)))
        finally:
            db.remove()


def report_status(app: Flask, call_id: int, status: str) -> None:
    """A Twilio status callback (`CallStatus`) for the call's provider reference, through the webhooks service."""
    with app.test_request_context():
        try:
            sid = db.session.get(CallAttempt, call_id).provider_ref
            calls_webhooks.receive_status(db.session, call_id,
                                          twilio_webhooks.status_event({"CallSid": sid, "CallStatus": status}))
        finally:
            db.remove()
