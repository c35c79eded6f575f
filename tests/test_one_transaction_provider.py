"""The telephony provider is never called inside a transaction, and never while the meeting is
locked: a slow network must not hold the lock every console, tablet and webhook waits for.

The fake provider looks from inside each call: is the service's session in a transaction, and
can another connection take the meeting's lock at once (SQLite: BEGIN IMMEDIATE with no busy
wait; PostgreSQL: SELECT … FOR UPDATE NOWAIT)?
"""
from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa

from meeting import telephony
from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.calls import simulator
from meeting.telephony.simulated import SimulatedProvider
from tests.telephony_support import to_verification, twilio_settings


def lock_is_free(meeting_id: int) -> bool:
    """Could another connection take the meeting's write/row lock right now, without waiting?"""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
    with engine.connect() as other:
        try:
            other.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update(nowait=True))
            return True
        except sa.exc.OperationalError:
            return False
        finally:
            other.rollback()


class Watching(SimulatedProvider):
    """A simulated provider that notes, at each call, the transaction and the lock."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting_id = 0
        self.seen: list[tuple[str, bool, bool]] = []

    def _look(self, what: str) -> None:
        self.seen.append((what, db.session.in_transaction(), lock_is_free(self.meeting_id)))

    def place_call(self, request: Any) -> str:
        self._look("place_call")
        return super().place_call(request)

    def hangup(self, provider_ref: str) -> None:
        self._look("hangup")
        super().hangup(provider_ref)

    def connect_hall(self, request: Any) -> str | None:
        self._look("connect_hall")
        return super().connect_hall(request)


def test_the_provider_dials_hangs_up_and_connects_the_hall_with_no_transaction_open_and_the_meeting_unlocked(app):
    provider = Watching()
    v = to_verification(app, provider, twilio_settings(provider="simulated", hall_line=""))
    provider.meeting_id = v.meeting_id
    first = v.perform("place_call")            # picks the households and dials the first of them
    v.perform("hangup_call", call_id=first["call"])
    second = v.perform("place_call")
    with app.test_request_context():
        tel = telephony.context()
        for action, body in (("answer", {}), ("digits", {"digits": "1"})):  # consent 1: the hall is dialled
            simulator.play(db.session, v.meeting_id, second["call"], action, body, tel)
        db.remove()
    assert [what for what, _, _ in provider.seen] == ["place_call", "hangup", "place_call", "connect_hall"]
    assert provider.seen == [(what, False, True) for what, _, _ in provider.seen]
