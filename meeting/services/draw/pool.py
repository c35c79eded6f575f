"""The draw pool: exclusions (with reasons) and the freeze (protocol: docs/VERIFY.md).

Lifecycle of the draw, each step one transaction with its event (past tense) in the hash chain:
  pool.set_exclusions* → pool.freeze_pool → seed.commit_seed → (meeting starts)
  seed.enter_entropy → steps.draw_next / skip_drawn / pick_households … → (meeting ends)
  seed.reveal_seed → bundle.build_bundle.
Errors the moderator can cause raise meeting.errors.Conflict (wrong moment) or UserError (bad
input) with a code; every use case commits once on success and leaves nothing behind on error
(meeting.services.tx.unit_of_work).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import RANKS, Cadre, Household, Meeting, Township
from meeting.services.draw.common import PoolSummary, is_frozen
from meeting.services.events import append_event
from meeting.services.followup.scorecard import overdue_cadre_ids
from meeting.services.tx import lock_meeting, unit_of_work
from scoring.deadlines import Policy
from scoring.pool import (MAX_DRAWS_PER_STRATUM, PROTOCOL, REHEARSAL_PROTOCOL, PoolError, first_pool_error,
                          make_entry, normalise_exclusions, normalise_plan, plan_hash, roster_hash, roster_text,
                          admits, stratum_numbers)

# The compulsory stratum of cadres with an overdue case (督办逾期): a fixed roster field and plan
# key, so the verifier needs no rule of its own (docs/VERIFY.md, docs/FOLLOWUP.md).
OVERDUE_STRATUM = "督办逾期"


def overdue_option(plan: Mapping[str, Any] | None) -> int | None:
    """The draws of a plan's optional `overdue_stratum: {draws: N}`, None without it; UserError if bad."""
    option = (plan or {}).get("overdue_stratum") if isinstance(plan, Mapping) else None
    if option is None:
        return None
    draws = option.get("draws") if isinstance(option, Mapping) else None
    if not isinstance(draws, int) or isinstance(draws, bool) or not 1 <= draws <= MAX_DRAWS_PER_STRATUM:
        raise UserError("bad_plan_overdue", high=MAX_DRAWS_PER_STRATUM)
    if (plan or {}).get("kind") != "strata":
        raise UserError("bad_plan_overdue_kind")
    return draws


@unit_of_work
def set_exclusions(session: so.Session, meeting_id: int, exclusions: Iterable[Mapping[str, Any]],
                   actor: str = "") -> list[dict[str, Any]]:
    """Replace the list of cadres kept out of the draw ({number, reason}, a reason each).

    Only before the pool is frozen (Conflict after: exclusions are never decided later).
    UserError for a missing reason or an unknown cadre number. Event: exclusions_set.
    """
    meeting = lock_meeting(session, meeting_id)
    return set_exclusions_locked(session, meeting, exclusions, actor)


def set_exclusions_locked(session: so.Session, meeting: Meeting, exclusions: Iterable[Mapping[str, Any]],
                          actor: str = "") -> list[dict[str, Any]]:
    """Inner step of set_exclusions: the caller holds the meeting lock and commits."""
    if is_frozen(meeting):
        raise Conflict("exclusions_frozen")
    cleaned = _exclusions(session, exclusions)
    meeting.exclusions = cleaned
    append_event(session, meeting.id, "exclusions_set", {"exclusions": cleaned}, actor)
    return cleaned


@unit_of_work
def freeze_pool(session: so.Session, meeting_id: int, plan: Mapping[str, Any] | None = None,
                exclusions: Iterable[Mapping[str, Any]] | None = None, actor: str = "",
                policy: Policy | None = None) -> PoolSummary:
    """Freeze the draw pool: the canonical roster (active cadres the plan admits, minus the
    exclusions), its SHA-256, the canonical plan and the protocol label.

    `plan` defaults to meeting.draw_plan (draws default to meeting.rounds_planned); `exclusions`
    default to meeting.exclusions. Conflict if already frozen; UserError for a bad plan, an
    unknown rank/township/cadre, or a stratum with fewer cadres than draws. Event: pool_frozen.
    A stratified plan's `overdue_stratum: {draws: N}` puts the cadres with a case overdue today
    (services/followup/scorecard.py, `policy`'s deadlines) in the stratum OVERDUE_STRATUM instead
    of their township, drawn first: membership is fixed here, in the roster text.
    """
    meeting = lock_meeting(session, meeting_id)
    if is_frozen(meeting):
        raise Conflict("pool_frozen")
    source = plan if plan is not None else (meeting.draw_plan or {})
    try:
        canonical = normalise_plan(source, default_draws=meeting.rounds_planned)
    except PoolError as exc:
        raise UserError("bad_plan", why=str(exc)) from None
    overdue_draws = overdue_option({**source, "kind": canonical["kind"]}) if isinstance(source, Mapping) else None
    unknown = [r for r in canonical["ranks"] if r not in RANKS]
    if unknown:
        raise UserError("bad_plan_rank", ranks=", ".join(unknown))
    codes = set(session.scalars(sa.select(Township.code)))
    missing = [s["key"] for s in canonical["strata"] if s["key"] != "*" and s["key"] not in codes]
    if missing:
        raise UserError("bad_plan_township", codes=", ".join(missing))
    cleaned = _exclusions(session, exclusions if exclusions is not None else meeting.exclusions or [],
                          active_only=True)
    excluded = {x["number"] for x in cleaned}

    # Without the option nothing below differs: every roster field is the cadre's township code.
    overdue = overdue_cadre_ids(session, policy=policy) if overdue_draws else set()
    admitted = canonical if not overdue_draws else {
        **canonical, "strata": [{"key": OVERDUE_STRATUM, "draws": overdue_draws}, *canonical["strata"]]}

    entries = []
    households = _household_codes(session)
    rows = session.execute(sa.select(Cadre.id, Cadre.number, Cadre.name, Cadre.rank, Township.code)
                           .outerjoin(Township, Cadre.township_id == Township.id)
                           .where(Cadre.active.is_(True)))
    try:
        for cadre_id, number, name, rank, township in rows:
            field = OVERDUE_STRATUM if cadre_id in overdue else township or ""
            if number not in excluded and admits(admitted, field, rank or ""):
                entries.append(make_entry(number, field, rank, name, households.get(cadre_id, ())))
        text = roster_text(entries)
    except PoolError as exc:
        raise UserError("bad_roster", why=str(exc)) from None
    if overdue_draws:
        # Drawn first; all of them if fewer are overdue than the option asks; no stratum if none is.
        size = len(stratum_numbers(entries, OVERDUE_STRATUM))
        if size:
            canonical = normalise_plan({**canonical, "strata": [{"key": OVERDUE_STRATUM,
                                                                  "draws": min(overdue_draws, size)},
                                                                 *canonical["strata"]]})
    problem = first_pool_error(entries, canonical, cleaned)
    if problem or not entries:
        raise UserError("bad_roster", why=problem) if problem else UserError("pool_empty")

    meeting.protocol = REHEARSAL_PROTOCOL if meeting.rehearsal else PROTOCOL
    meeting.pool_text = text
    meeting.roster_hash = roster_hash(text)
    meeting.draw_plan = canonical
    meeting.exclusions = cleaned
    summary = PoolSummary(meeting.protocol, meeting.roster_hash, len(entries), canonical,
                          plan_hash(canonical), cleaned)
    append_event(session, meeting_id, "pool_frozen", {
        "meeting": {"id": meeting.id, "title": meeting.title}, "protocol": summary.protocol,
        "roster_hash": summary.roster_hash, "pool_size": summary.pool_size, "plan": canonical,
        "plan_hash": summary.plan_hash, "exclusions": cleaned}, actor)
    return summary


def _exclusions(session: so.Session, exclusions: Iterable[Mapping[str, Any]],
                active_only: bool = False) -> list[dict[str, Any]]:
    try:
        cleaned = normalise_exclusions(exclusions)
    except PoolError as exc:
        raise UserError("bad_exclusions", why=str(exc)) from None
    numbers = [x["number"] for x in cleaned]
    query = sa.select(Cadre.number).where(Cadre.number.in_(numbers))
    if active_only:
        query = query.where(Cadre.active.is_(True))
    known = set(session.scalars(query)) if numbers else set()
    unknown = ", ".join(str(n) for n in numbers if n not in known)
    if unknown:
        raise UserError("bad_exclusions_inactive" if active_only else "bad_exclusions_unknown", numbers=unknown)
    return cleaned


def _household_codes(session: so.Session) -> dict[int, list[str]]:
    """Household codes of every active cadre, by cadre id."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(sa.select(Household.cadre_id, Household.code)
                           .join(Cadre, Household.cadre_id == Cadre.id).where(Cadre.active.is_(True)))
    for cadre_id, code in rows:
        out[cadre_id].append(code)
    return out
