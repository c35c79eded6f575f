"""The append-only, hash-chained event log of a meeting."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow


class Event(Base):
    """One state change. `hash` chains to `prev_hash`; see scoring.chain for the exact bytes."""

    __tablename__ = "events"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "seq", name="uq_events_meeting_seq"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    seq: so.Mapped[int] = so.mapped_column()
    type: so.Mapped[str] = so.mapped_column(sa.String(48))
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    actor: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
