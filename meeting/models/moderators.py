"""Which moderators may drive which meeting (admins may drive every meeting)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow


class ModeratorAssignment(Base):
    """One moderator bound to one meeting by an admin at set-up.

    A row is never deleted: unassigning sets `removed_at`/`removed_by`, so the table is also
    the set-up's record of who was allowed on stage, when, and by whom. A binding is active
    while `removed_at` is empty.
    """

    __tablename__ = "moderator_assignments"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    assigned_by: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    removed_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    removed_by: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
