"""Shared pieces of the draw services: result types, state checks, the frozen pool.

The meeting lock and the transaction wrapper live in meeting.services.tx."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict
from meeting.models import DrawRecord, Meeting
from meeting.services.draw.sealing import secret_seed
from scoring.draw import CadreDraw, DrawEngine, master_key
from scoring.pool import RosterEntry, parse_roster, plan_hash

_ROSTER_CACHE: dict[str, list[RosterEntry]] = {}


@dataclass(frozen=True)
class PoolSummary:
    """What freezing the pool fixed (all of it is published on the pre-meeting notice)."""

    protocol: str
    roster_hash: str
    pool_size: int
    plan: dict[str, Any]
    plan_hash: str
    exclusions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DrawOutcome:
    """One cadre draw as the console and projector need it. `new` is False on a replay."""

    meeting_id: int
    draw: int
    stratum: str
    slot: int
    attempt: int
    index: int
    pool_size: int
    cadre_number: int
    cadre_id: int | None
    cadre_name: str
    round_id: int | None
    skipped: bool = False
    skip_reason: str = ""
    new: bool = True

    def public(self) -> dict[str, Any]:
        """JSON-ready dict for broadcasts (everything here is public)."""
        return asdict(self)


@dataclass(frozen=True)
class HouseholdPick:
    """One household picked for call-out verification. Look up name/phone by household_id,
    privately: only the code is public."""

    cadre_number: int
    slot: int
    attempt: int
    index: int
    pool_size: int
    code: str
    household_id: int | None
    new: bool = True

    def public(self) -> dict[str, Any]:
        """JSON-ready dict without the database id."""
        out = asdict(self)
        out.pop("household_id")
        return out


def is_frozen(meeting: Meeting) -> bool:
    """Whether the pool is frozen."""
    return bool(meeting.roster_hash)


def require_committed(meeting: Meeting) -> None:
    """Conflict unless the pool is frozen and the seed committed."""
    if not is_frozen(meeting):
        raise Conflict("pool_not_frozen")
    if not meeting.commitment:
        raise Conflict("seed_not_committed")


def require_not_revealed(meeting: Meeting) -> None:
    """Conflict once the seed is public: nothing more may be drawn."""
    if meeting.seed_revealed_at is not None:
        raise Conflict("seed_revealed")


def require_drawable(meeting: Meeting) -> None:
    """Conflict unless frozen, committed, live entropy entered and the seed still secret."""
    require_committed(meeting)
    require_not_revealed(meeting)
    if not meeting.live_entropy:
        raise Conflict("entropy_missing")


def roster_entries(meeting: Meeting) -> list[RosterEntry]:
    """The frozen roster, parsed once per roster hash (≈10k lines: parsing each draw is waste)."""
    cached = _ROSTER_CACHE.get(meeting.roster_hash)
    if cached is None:
        cached = parse_roster(meeting.pool_text)
        if len(_ROSTER_CACHE) >= 8:
            _ROSTER_CACHE.clear()
        _ROSTER_CACHE[meeting.roster_hash] = cached
    return cached


def meeting_master(meeting: Meeting) -> bytes:
    """The meeting's master key (needs the seed, unsealed here, and the live entropy)."""
    return master_key(secret_seed(meeting), meeting.protocol, meeting.roster_hash,
                      plan_hash(meeting.draw_plan), meeting.live_entropy["canonical"])


def cadre_records(session: so.Session, meeting_id: int) -> tuple[list[DrawRecord], dict[int, DrawRecord]]:
    """(cadre draw records in draw order, skip records by draw number)."""
    rows = session.scalars(sa.select(DrawRecord).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind.in_(("cadre", "skip"))).order_by(DrawRecord.id))
    draws: list[DrawRecord] = []
    skips: dict[int, DrawRecord] = {}
    for row in rows:
        if row.kind == "cadre":
            draws.append(row)
        else:
            skips[row.detail["draw"]] = row
    draws.sort(key=lambda r: r.detail["draw"])
    return draws, skips


def as_cadre_draw(record: DrawRecord) -> CadreDraw:
    """The pure view of a stored cadre draw."""
    return CadreDraw(record.detail["draw"], record.stratum, record.slot, record.attempt, record.index,
                     record.pool_size, record.detail["number"])


def engine_for(meeting: Meeting, draws: list[DrawRecord], skips: dict[int, DrawRecord]) -> DrawEngine:
    """A DrawEngine positioned after the stored draws and skips."""
    engine = DrawEngine(roster_entries(meeting), meeting.draw_plan, meeting_master(meeting))
    for record in draws:
        engine.record(as_cadre_draw(record))
        skip = skips.get(record.detail["draw"])
        if skip is not None:
            engine.skip(record.detail["draw"], skip.reason)
    return engine


def outcome(meeting_id: int, record: DrawRecord, skip: DrawRecord | None, new: bool) -> DrawOutcome:
    """DrawOutcome from a stored cadre draw (and its skip, if any)."""
    return DrawOutcome(meeting_id, record.detail["draw"], record.stratum, record.slot, record.attempt,
                       record.index, record.pool_size, record.detail["number"], record.cadre_id,
                       record.detail.get("name", ""),
                       record.round_id, skip is not None, skip.reason if skip is not None else "", new)
