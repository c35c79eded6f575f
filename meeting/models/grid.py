"""The grid: township → work area → village."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base


class Township(Base):
    """乡镇 / 街道 / 园区 (Yishui: 18 townships + 2 zones)."""

    __tablename__ = "townships"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="township")  # township | zone
    work_areas: so.Mapped[list["WorkArea"]] = so.relationship(back_populates="township")


class WorkArea(Base):
    """工作片: a group of villages inside a township."""

    __tablename__ = "work_areas"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    township_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("townships.id"), index=True)
    township: so.Mapped[Township] = so.relationship(back_populates="work_areas")
    villages: so.Mapped[list["Village"]] = so.relationship(back_populates="work_area")


class Village(Base):
    """行政村. township_id is denormalised from the work area for fast roster filters."""

    __tablename__ = "villages"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    work_area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("work_areas.id"), index=True)
    township_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("townships.id"), index=True)
    work_area: so.Mapped[WorkArea] = so.relationship(back_populates="villages")
    township: so.Mapped[Township] = so.relationship()
