"""The verifiable draw, as use cases the console calls (protocol: docs/VERIFY.md).

Lifecycle, each step one transaction with its event (past tense) in the hash chain:
  set_exclusions* → freeze_pool → commit_seed → (meeting starts) enter_entropy →
  draw_next / skip_drawn / pick_households … → (meeting ends) reveal_seed → build_bundle.
Errors the moderator can cause raise meeting.errors.Conflict (wrong moment) or UserError (bad
input) with a clear message; every function commits on success and leaves nothing behind on error.
The step functions live in draw_steps, the read side in draw_bundle; all are re-exported here.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import RANKS, Cadre, Household, Township, utcnow
from meeting.services.draw_bundle import build_bundle, draw_state, notice_data, published_roster
from meeting.services.draw_common import (DrawOutcome, HouseholdPick, PoolSummary, _, is_frozen,
                                          lock_meeting, require_committed, require_not_revealed,
                                          transactional)
from meeting.services.draw_steps import draw_next, pick_households, skip_drawn
from meeting.services.events import append_event
from scoring.draw import DrawError, commitment, new_seed, normalise_entropy, canonical_entropy, seed_bytes
from scoring.pool import (PROTOCOL, REHEARSAL_PROTOCOL, PoolError, first_pool_error, make_entry,
                          normalise_exclusions, normalise_plan, plan_hash, roster_hash, roster_text, admits)

__all__ = ["DrawOutcome", "HouseholdPick", "PoolSummary", "set_exclusions", "freeze_pool", "commit_seed",
           "enter_entropy", "draw_next", "skip_drawn", "pick_households", "reveal_seed", "build_bundle",
           "draw_state", "notice_data", "published_roster"]


@transactional
def set_exclusions(session: so.Session, meeting_id: int, exclusions: Iterable[Mapping[str, Any]],
                   actor: str = "") -> list[dict[str, Any]]:
    """Replace the list of cadres kept out of the draw ({number, reason}, a reason each).

    Only before the pool is frozen (Conflict after: exclusions are never decided later).
    UserError for a missing reason or an unknown cadre number. Event: exclusions_set.
    """
    meeting = lock_meeting(session, meeting_id)
    if is_frozen(meeting):
        raise Conflict(_("The draw pool is frozen; exclusions can no longer change."), code="pool_frozen")
    cleaned = _exclusions(session, exclusions)
    meeting.exclusions = cleaned
    append_event(session, meeting_id, "exclusions_set", {"exclusions": cleaned}, actor)
    session.commit()
    return cleaned


@transactional
def freeze_pool(session: so.Session, meeting_id: int, plan: Mapping[str, Any] | None = None,
                exclusions: Iterable[Mapping[str, Any]] | None = None, actor: str = "") -> PoolSummary:
    """Freeze the draw pool: the canonical roster (active cadres the plan admits, minus the
    exclusions), its SHA-256, the canonical plan and the protocol label.

    `plan` defaults to meeting.draw_plan (draws default to meeting.rounds_planned); `exclusions`
    default to meeting.exclusions. Conflict if already frozen; UserError for a bad plan, an
    unknown rank/township/cadre, or a stratum with fewer cadres than draws. Event: pool_frozen.
    """
    meeting = lock_meeting(session, meeting_id)
    if is_frozen(meeting):
        raise Conflict(_("The draw pool is already frozen."), code="pool_frozen")
    try:
        canonical = normalise_plan(plan if plan is not None else (meeting.draw_plan or {}),
                                   default_draws=meeting.rounds_planned)
    except PoolError as exc:
        raise UserError(_("The draw plan is not valid: %(why)s", why=str(exc)), code="bad_plan") from None
    unknown = [r for r in canonical["ranks"] if r not in RANKS]
    if unknown:
        raise UserError(_("Unknown rank in the draw plan: %(ranks)s", ranks=", ".join(unknown)), code="bad_plan")
    codes = set(session.scalars(sa.select(Township.code)))
    missing = [s["key"] for s in canonical["strata"] if s["key"] != "*" and s["key"] not in codes]
    if missing:
        raise UserError(_("No township has the code %(codes)s.", codes=", ".join(missing)), code="bad_plan")
    cleaned = _exclusions(session, exclusions if exclusions is not None else meeting.exclusions or [],
                          active_only=True)
    excluded = {x["number"] for x in cleaned}

    entries = []
    households = _household_codes(session)
    rows = session.execute(sa.select(Cadre.id, Cadre.number, Cadre.name, Cadre.rank, Township.code)
                           .outerjoin(Township, Cadre.township_id == Township.id)
                           .where(Cadre.active.is_(True)))
    try:
        for cadre_id, number, name, rank, township in rows:
            if number not in excluded and admits(canonical, township or "", rank or ""):
                entries.append(make_entry(number, township or "", rank, name, households.get(cadre_id, ())))
        text = roster_text(entries)
    except PoolError as exc:
        raise UserError(_("The roster cannot be frozen: %(why)s", why=str(exc)), code="bad_roster") from None
    problem = first_pool_error(entries, canonical, cleaned)
    if problem or not entries:
        raise UserError(_("The roster cannot be frozen: %(why)s", why=problem or _("the pool is empty")),
                        code="bad_roster")

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
    session.commit()
    return summary


@transactional
def commit_seed(session: so.Session, meeting_id: int, actor: str = "",
                seed_factory: Callable[[], str] = new_seed) -> str:
    """Generate the secret 256-bit seed (with `secrets`) and publish only SHA-256(seed).

    Returns the commitment. Conflict if the pool is not frozen or a seed is already committed.
    `seed_factory` exists for tests and rehearsal fixtures. Event: seed_committed.
    """
    meeting = lock_meeting(session, meeting_id)
    if not is_frozen(meeting):
        raise Conflict(_("Freeze the draw pool before committing the seed."), code="pool_not_frozen")
    if meeting.commitment:
        raise Conflict(_("The seed is already committed."), code="seed_committed")
    seed = seed_factory()
    seed_bytes(seed)
    meeting.seed_hex = seed
    meeting.commitment = commitment(seed)
    append_event(session, meeting_id, "seed_committed", {"commitment": meeting.commitment}, actor)
    session.commit()
    return meeting.commitment


@transactional
def enter_entropy(session: so.Session, meeting_id: int, sources: str | Iterable[Any],
                  actor: str = "") -> dict[str, Any]:
    """Record the live entropy typed at the console before the first draw (shown on the projector).

    `sources`: one string, or (label, value) pairs / {label, value} in announced order, e.g.
    [("骰子", "3 5 1 6 2 4"), ("体彩排列五", "7 0 3 9 1")]. Returns {sources, canonical}.
    Conflict if not committed, already entered, or revealed; UserError if empty/invalid.
    Event: entropy_entered.
    """
    meeting = lock_meeting(session, meeting_id)
    require_committed(meeting)
    require_not_revealed(meeting)
    if meeting.live_entropy:
        raise Conflict(_("The live entropy has already been entered."), code="entropy_entered")
    try:
        cleaned = normalise_entropy(sources)
    except DrawError as exc:
        raise UserError(_("The live entropy is not valid: %(why)s", why=str(exc)), code="bad_entropy") from None
    entropy = {"sources": cleaned, "canonical": canonical_entropy(cleaned)}
    meeting.live_entropy = entropy
    append_event(session, meeting_id, "entropy_entered", entropy, actor)
    session.commit()
    return entropy


@transactional
def reveal_seed(session: so.Session, meeting_id: int, actor: str = "") -> str:
    """Publish the seed after the meeting; closes the draw and opens the bundle download.

    Returns the seed (hex). Conflict if nothing is committed or it is already revealed.
    Event: seed_revealed.
    """
    meeting = lock_meeting(session, meeting_id)
    require_committed(meeting)
    require_not_revealed(meeting)
    meeting.seed_revealed_at = utcnow()
    append_event(session, meeting_id, "seed_revealed",
                 {"seed": meeting.seed_hex, "commitment": meeting.commitment}, actor)
    session.commit()
    return meeting.seed_hex


def _exclusions(session: so.Session, exclusions: Iterable[Mapping[str, Any]],
                active_only: bool = False) -> list[dict[str, Any]]:
    try:
        cleaned = normalise_exclusions(exclusions)
    except PoolError as exc:
        raise UserError(_("The exclusions are not valid: %(why)s", why=str(exc)), code="bad_exclusions") from None
    numbers = [x["number"] for x in cleaned]
    query = sa.select(Cadre.number).where(Cadre.number.in_(numbers))
    if active_only:
        query = query.where(Cadre.active.is_(True))
    known = set(session.scalars(query)) if numbers else set()
    unknown = ", ".join(str(n) for n in numbers if n not in known)
    if unknown:
        message = (_("No active cadre has the number %(numbers)s.", numbers=unknown) if active_only
                   else _("No cadre has the number %(numbers)s.", numbers=unknown))
        raise UserError(message, code="bad_exclusions")
    return cleaned


def _household_codes(session: so.Session) -> dict[int, list[str]]:
    """Household codes of every active cadre, by cadre id."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(sa.select(Household.cadre_id, Household.code)
                           .join(Cadre, Household.cadre_id == Cadre.id).where(Cadre.active.is_(True)))
    for cadre_id, code in rows:
        out[cadre_id].append(code)
    return out
