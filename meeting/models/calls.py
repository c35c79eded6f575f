"""Call-out verification: one row per call attempt, and every raw provider event."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow
from meeting.models.roster import Household


class CallAttempt(Base):
    """A call to one household (kind "household"), or to the drawn cadre for a phone-in report
    (kind "cadre": no household, `cadre_id` set), or a return visit (回访) of a case (kind
    "visit": no round, `case_id` and `visit` set), stored before the provider is asked to dial."""

    __tablename__ = "call_attempts"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rounds.id"), index=True)
    household_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("households.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="household")  # household | cadre | visit
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    visit: so.Mapped[int | None] = so.mapped_column()  # the case's return visit number (1, 2, …)
    cadre_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cadres.id"))
    pick: so.Mapped[str] = so.mapped_column(sa.String(16), default="draw")  # draw | backup | manual
    provider: so.Mapped[str] = so.mapped_column(sa.String(16), default="manual")
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default="queued")
    answers: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    error: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    household: so.Mapped[Household | None] = so.relationship()


class CallEvent(Base):
    """Every raw event about a call (webhook body, simulator action, moderator entry)."""

    __tablename__ = "call_events"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call_attempts.id"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default="provider")
    state: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    raw: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    received_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
