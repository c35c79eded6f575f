"""The draft draw plan and the exclusions, edited one at a time before the pool is frozen.

draw.pool.set_exclusions replaces the whole list; these serialise on the meeting lock so two
organisers cannot lose each other's edits. plan_preview shows the pool a plan would draw from.
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import RANKS, Cadre, Meeting, Township
from meeting.services.draw import pool as draw_pool
from meeting.services.draw.common import is_frozen
from meeting.messages import Label
from meeting.services.tx import lock_meeting, unit_of_work
from scoring.pool import WHOLE, PoolError, normalise_plan


def _check_plan(session: so.Session, meeting: Meeting, plan: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical plan, or UserError with the same wording freeze_pool uses."""
    try:
        canonical = normalise_plan(plan, default_draws=meeting.rounds_planned)
    except PoolError as exc:
        raise UserError("bad_plan", why=str(exc)) from None
    unknown = [r for r in canonical["ranks"] if r not in RANKS]
    if unknown:
        raise UserError("bad_plan_rank", ranks=", ".join(unknown))
    keys = [s["key"] for s in canonical["strata"] if s["key"] != WHOLE]
    known = set(session.scalars(sa.select(Township.code).where(Township.code.in_(keys)))) if keys else set()
    missing = [k for k in keys if k not in known]
    if missing:
        raise UserError("bad_plan_township", codes=", ".join(missing))
    return canonical


@unit_of_work
def save_draw_plan(session: so.Session, meeting_id: int, plan: Mapping[str, Any]) -> dict[str, Any]:
    """Store a draft draw plan (canonical form) for freeze_pool to use; commits, returns it.

    Conflict once the pool is frozen (the frozen plan is final); UserError for a bad plan,
    an unknown rank or township. No event: the plan enters the log when the pool is frozen.
    """
    meeting = lock_meeting(session, meeting_id)
    if is_frozen(meeting):
        raise Conflict("plan_frozen")
    canonical = _check_plan(session, meeting, plan)
    draws = draw_pool.overdue_option({**plan, "kind": canonical["kind"]})
    if draws is not None:  # kept beside the plan until the freeze turns it into a stratum
        canonical = {**canonical, "overdue_stratum": {"draws": draws}}
    meeting.draw_plan = canonical
    return canonical


def _unfrozen(session: so.Session, meeting_id: int) -> Meeting:
    meeting = lock_meeting(session, meeting_id)
    if is_frozen(meeting):
        raise Conflict("exclusions_frozen")
    return meeting


@unit_of_work
def add_exclusion(session: so.Session, meeting_id: int, number: int, reason: str,
                  actor: str = "") -> list[dict[str, Any]]:
    """Keep one more cadre out of the draw (with a reason); returns the new list. Commits.

    UserError if the cadre is already excluded (or unknown, or no reason: see set_exclusions);
    Conflict once the pool is frozen.
    """
    meeting = _unfrozen(session, meeting_id)
    current = list(meeting.exclusions or [])
    if any(x["number"] == number for x in current):
        raise UserError("already_excluded", number=number)
    return draw_pool.set_exclusions_locked(session, meeting, current + [{"number": number, "reason": reason}], actor)


@unit_of_work
def remove_exclusion(session: so.Session, meeting_id: int, number: int, actor: str = "") -> list[dict[str, Any]]:
    """Put an excluded cadre back into the draw; returns the new list. Commits.

    Conflict once the pool is frozen; NotFound-like UserError if the number is not excluded.
    """
    meeting = _unfrozen(session, meeting_id)
    current = list(meeting.exclusions or [])
    kept = [x for x in current if x["number"] != number]
    if len(kept) == len(current):
        raise UserError("not_excluded", number=number)
    return draw_pool.set_exclusions_locked(session, meeting, kept, actor)


def exclusion_rows(session: so.Session, meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting's exclusions with each cadre's name and township, for the draw page."""
    numbers = [x["number"] for x in meeting.exclusions or []]
    found: dict[int, tuple[str, str]] = {}
    if numbers:
        for number, name, township in session.execute(
                sa.select(Cadre.number, Cadre.name, Township.name)
                .outerjoin(Township, Cadre.township_id == Township.id).where(Cadre.number.in_(numbers))):
            found[number] = (name, township or "")
    return [{**x, "name": found.get(x["number"], ("", ""))[0], "township": found.get(x["number"], ("", ""))[1]}
            for x in meeting.exclusions or []]


def plan_preview(session: so.Session, meeting: Meeting, plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per stratum of a canonical plan: its name, draws and how many active, not excluded
    cadres it would hold now; `short` when it has fewer cadres than draws (freezing would fail)."""
    excluded = {x["number"] for x in meeting.exclusions or []}
    ranks = plan.get("ranks") or []
    query = (sa.select(Township.code, sa.func.count()).select_from(Cadre)
             .outerjoin(Township, Cadre.township_id == Township.id).where(Cadre.active.is_(True)))
    if excluded:
        query = query.where(Cadre.number.not_in(excluded))
    if ranks:
        query = query.where(Cadre.rank.in_(ranks))
    counts = {code or "": n for code, n in session.execute(query.group_by(Township.code))}
    names = dict(session.execute(sa.select(Township.code, Township.name)).all())
    out = []
    for s in plan.get("strata") or []:
        size = sum(counts.values()) if s["key"] == WHOLE else counts.get(s["key"], 0)
        out.append({"key": s["key"], "draws": s["draws"], "size": size, "short": size < s["draws"],
                    "name": Label("whole_pool") if s["key"] == WHOLE else names.get(s["key"], s["key"])})
    return out
