"""Read-only roster queries for the admin pages: search, paging, one cadre's file.

Built to stay fast at Yishui scale (~10,000 cadres, ~300,000 households): pages are cut with
LIMIT/OFFSET on the primary key (or the unique cadre number) *before* anything is joined,
then only that page's rows are loaded with their many-to-one parents in one query, and
per-row counts come from one grouped query per page, never one query per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Sequence, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea

T = TypeVar("T")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results. `page` is already clamped to 1..pages."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1, so an empty result still has page 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """True when a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when a next page exists."""
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item on this page (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0


@dataclass(frozen=True)
class CadreFilter:
    """Roster search: number is exact, name and village match anywhere in the name."""

    number: int | None = None
    name: str = ""
    township_id: int | None = None
    village: str = ""


@dataclass(frozen=True)
class HouseholdFilter:
    """Household search: the name matches from its start (index-backed: 300,000 rows), the
    village anywhere in its name (1,000 villages), the cadre number exactly."""

    name: str = ""
    village: str = ""
    cadre_number: int | None = None
    township_id: int | None = None


@dataclass(frozen=True)
class CadreRow:
    """A cadre with the counts the roster table shows."""

    cadre: Cadre
    households: int = 0
    open_demands: int = 0


@dataclass(frozen=True)
class HouseholdRow:
    """A household (cadre and village loaded) with its demand counts."""

    household: Household
    demands: int = 0
    open_demands: int = 0


@dataclass(frozen=True)
class CadreFile:
    """Everything the cadre page shows: the cadre, households in code order, demands loaded."""

    cadre: Cadre
    households: list[Household] = field(default_factory=list)

    @property
    def demand_count(self) -> int:
        """All demands of all this cadre's households."""
        return sum(len(h.demands) for h in self.households)

    @property
    def open_count(self) -> int:
        """Demands still open."""
        return sum(1 for h in self.households for d in h.demands if d.status == "open")


def clamp_page(page: int, per_page: int, total: int) -> int:
    """Bring a requested page into 1..last page (so a stale or typed link never errors)."""
    last = max(1, -(-total // per_page))
    return min(max(1, page), last)


def _cadre_conditions(flt: CadreFilter) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if flt.number is not None:
        conds.append(Cadre.number == flt.number)
    if flt.name:
        conds.append(Cadre.name.contains(flt.name, autoescape=True))
    if flt.township_id is not None:
        conds.append(Cadre.township_id == flt.township_id)
    if flt.village:
        conds.append(Cadre.village_id.in_(
            sa.select(Village.id).where(Village.name.contains(flt.village, autoescape=True))))
    return conds


def starts_with(column: sa.ColumnElement[str], text: str, dialect: str) -> sa.ColumnElement[bool]:
    """`column` begins with `text`, in a form the backend can answer from an index.

    SQLite uses an index for LIKE 'x%' only on NOCASE columns, but compares BINARY strings by
    UTF-8 bytes, i.e. by code point: every string starting with `text` lies in
    [text, text + U+10FFFF). PostgreSQL collations need not order by code point, so it gets
    LIKE (a scan of ~300,000 short names there takes tens of milliseconds).
    """
    if dialect == "sqlite":
        return sa.and_(column >= text, column < text + "\U0010ffff")
    return column.startswith(text, autoescape=True)


def _household_conditions(flt: HouseholdFilter, dialect: str) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if flt.name:
        conds.append(starts_with(Household.name, flt.name, dialect))
    if flt.village or flt.township_id is not None:
        villages = sa.select(Village.id)
        if flt.village:
            villages = villages.where(Village.name.contains(flt.village, autoescape=True))
        if flt.township_id is not None:
            villages = villages.where(Village.township_id == flt.township_id)
        conds.append(Household.village_id.in_(villages))
    if flt.cadre_number is not None:
        conds.append(Household.cadre_id.in_(
            sa.select(Cadre.id).where(Cadre.number == flt.cadre_number)))
    return conds


def _count(session: so.Session, model: type, conds: Sequence[sa.ColumnElement[bool]]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*conds)) or 0


def search_cadres(session: so.Session, flt: CadreFilter, page: int = 1,
                  per_page: int = 50) -> Page[CadreRow]:
    """One page of cadres in number order, with household and open-demand counts."""
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    conds = _cadre_conditions(flt)
    total = _count(session, Cadre, conds)
    page = clamp_page(page, per_page, total)
    ids = session.scalars(sa.select(Cadre.id).where(*conds).order_by(Cadre.number)
                          .limit(per_page).offset((page - 1) * per_page)).all()
    if not ids:
        return Page([], page, per_page, total)
    cadres = session.scalars(
        sa.select(Cadre).where(Cadre.id.in_(ids)).order_by(Cadre.number)
        .options(so.joinedload(Cadre.township), so.joinedload(Cadre.village))).all()
    households = dict(session.execute(
        sa.select(Household.cadre_id, sa.func.count()).where(Household.cadre_id.in_(ids))
        .group_by(Household.cadre_id)).all())
    open_demands = dict(session.execute(
        sa.select(Household.cadre_id, sa.func.count()).join(Demand, Demand.household_id == Household.id)
        .where(Household.cadre_id.in_(ids), Demand.status == "open")
        .group_by(Household.cadre_id)).all())
    rows = [CadreRow(c, households.get(c.id, 0), open_demands.get(c.id, 0)) for c in cadres]
    return Page(rows, page, per_page, total)


def search_households(session: so.Session, flt: HouseholdFilter, page: int = 1,
                      per_page: int = 50) -> Page[HouseholdRow]:
    """One page of households in id (import) order, with cadre, village and demand counts."""
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    conds = _household_conditions(flt, session.get_bind().dialect.name)
    total = _count(session, Household, conds)
    page = clamp_page(page, per_page, total)
    ids = session.scalars(sa.select(Household.id).where(*conds).order_by(Household.id)
                          .limit(per_page).offset((page - 1) * per_page)).all()
    if not ids:
        return Page([], page, per_page, total)
    households = session.scalars(
        sa.select(Household).where(Household.id.in_(ids)).order_by(Household.id)
        .options(so.joinedload(Household.cadre),
                 so.joinedload(Household.village).joinedload(Village.township))).all()
    counts = {hid: (n, o) for hid, n, o in session.execute(
        sa.select(Demand.household_id, sa.func.count(),
                  sa.func.sum(sa.case((Demand.status == "open", 1), else_=0)))
        .where(Demand.household_id.in_(ids)).group_by(Demand.household_id)).all()}
    rows = [HouseholdRow(h, *[int(x or 0) for x in counts.get(h.id, (0, 0))]) for h in households]
    return Page(rows, page, per_page, total)


def cadre_file(session: so.Session, number: int) -> CadreFile | None:
    """The cadre with this number, households (code order) and their demands; None if unknown."""
    cadre = session.scalar(
        sa.select(Cadre).where(Cadre.number == number)
        .options(so.joinedload(Cadre.township), so.joinedload(Cadre.village),
                 so.selectinload(Cadre.households).selectinload(Household.demands),
                 so.selectinload(Cadre.households).joinedload(Household.village)))
    if cadre is None:
        return None
    return CadreFile(cadre, sorted(cadre.households, key=lambda h: h.code))


def townships(session: so.Session) -> list[Township]:
    """All townships in code order (the search form's select)."""
    return list(session.scalars(sa.select(Township).order_by(Township.code)))


def roster_counts(session: so.Session) -> dict[str, int]:
    """Row counts for the dashboard: grid levels, cadres, households, demands by status."""
    counts = {
        "townships": _count(session, Township, []),
        "work_areas": _count(session, WorkArea, []),
        "villages": _count(session, Village, []),
        "cadres": _count(session, Cadre, []),
        "households": _count(session, Household, []),
    }
    by_status = dict(session.execute(
        sa.select(Demand.status, sa.func.count()).group_by(Demand.status)).all())
    counts["demands"] = sum(by_status.values())
    counts["open_demands"] = by_status.get("open", 0)
    counts["resolved_demands"] = by_status.get("resolved", 0)
    return counts
