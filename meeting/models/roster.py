"""Cadres, their contact households, and the households' demands."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base
from meeting.models.grid import Township, Village

# Rank values, from the county head down; leaders can be drawn like anyone else.
RANKS = ("county_leader", "township_leader", "department_head", "cadre")
# The level at which a demand was resolved (Yishui's five levels).
LEVELS = ("cadre", "village", "work_area", "township", "county")
DEMAND_STATUSES = ("open", "resolved")


class Cadre(Base):
    """干部: has a public number and ~30 contact households."""

    __tablename__ = "cadres"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[int] = so.mapped_column(sa.Integer, unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    position: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    unit: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    rank: so.Mapped[str] = so.mapped_column(sa.String(24), default="cadre", index=True)
    township_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("townships.id"), index=True)
    village_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("villages.id"), index=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    township: so.Mapped[Township | None] = so.relationship()
    village: so.Mapped[Village | None] = so.relationship()
    households: so.Mapped[list["Household"]] = so.relationship(back_populates="cadre")

    @property
    def is_leader(self) -> bool:
        """County and township leaders (the 'leaders only' draw filter)."""
        return self.rank in ("county_leader", "township_leader")


class Household(Base):
    """联系户: a household assigned to one cadre. `code` is the import key (户编号)."""

    __tablename__ = "households"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    village_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("villages.id"), index=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    cadre_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cadres.id"), index=True)
    cadre: so.Mapped[Cadre] = so.relationship(back_populates="households")
    village: so.Mapped[Village] = so.relationship()
    demands: so.Mapped[list["Demand"]] = so.relationship(back_populates="household")


class Demand(Base):
    """诉求: raised by a household, resolved at one of LEVELS, answered on the echo wall."""

    __tablename__ = "demands"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("households.id"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    category: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open", index=True)
    level: so.Mapped[str | None] = so.mapped_column(sa.String(16), index=True)
    public_answer: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    raised_on: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    resolved_on: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    # 涉及个人隐私: answered to the household in person; public pages show only that, never the text.
    # The server default keeps bulk loaders that name their columns (meeting.demo.load) working.
    private: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    household: so.Mapped[Household] = so.relationship(back_populates="demands")
