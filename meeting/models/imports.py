"""Roster import jobs: one upload imported by a worker process, with its progress and result.

The uploaded bytes are kept on disk in the instance folder (instance/imports/<id>/), not here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow

# queued → running → writing → done | refused | cancelled | failed
IMPORT_STATUSES = ("queued", "running", "writing", "done", "refused", "cancelled", "failed")


class ImportJob(Base):
    """One upload (one or more files) and what became of it."""

    __tablename__ = "import_jobs"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="queued", index=True)
    filenames: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    locale: so.Mapped[str] = so.mapped_column(sa.String(16), default="zh_CN")
    rows_read: so.Mapped[int] = so.mapped_column(default=0)
    errors_found: so.Mapped[int] = so.mapped_column(default=0)
    total_rows: so.Mapped[int] = so.mapped_column(default=0)  # an estimate, 0 when unknown
    cancel_requested: so.Mapped[bool] = so.mapped_column(default=False)
    result: so.Mapped[list[dict[str, Any]] | None] = so.mapped_column(sa.JSON)  # one report per file
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
