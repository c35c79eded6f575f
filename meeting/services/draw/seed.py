"""The seed of the verifiable draw: commit before, live entropy on stage, reveal after.

See docs/VERIFY.md; the pool is frozen first (draw.pool), the draws use both (draw.steps).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Meeting, utcnow
from meeting.services.draw.bundle import notice_sha256
from meeting.services.draw.common import is_frozen, require_committed, require_not_revealed
from meeting.services.draw.sealing import seal_seed, secret_seed
from meeting.services.chain_check import verify_before_reveal
from meeting.services.events import append_event
from meeting.services.tx import lock_meeting, unit_of_work
from scoring.draw import DrawError, canonical_entropy, commitment, new_seed, normalise_entropy, seed_bytes
from scoring.entropy import EntropyFormError, check_entry, declared_sources


@unit_of_work
def declare_entropy_sources(session: so.Session, meeting_id: int, sources: Any, actor: str = "") -> list[dict[str, Any]]:
    """Fix the live-entropy sources and their canonical form before the seed is committed.

    `sources`: [{label, kind: "dice"|"digits", count, supplier}] (scoring.entropy). They are
    printed on the notice and the event lies in the hash chain before seed_committed, so the
    commitment's chain hash binds them. Conflict once the seed is committed; UserError if
    invalid. Event: entropy_declared.
    """
    meeting = lock_meeting(session, meeting_id)
    if meeting.commitment:
        raise Conflict("entropy_sources_fixed")
    try:
        declared = declared_sources(sources)
    except EntropyFormError as exc:
        raise UserError(exc.code, **exc.values) from None
    meeting.entropy_sources = declared
    append_event(session, meeting_id, "entropy_declared", {"sources": declared}, actor)
    return declared


@unit_of_work
def commit_seed(session: so.Session, meeting_id: int, actor: str = "",
                seed_factory: Callable[[], str] = new_seed) -> str:
    """Generate the secret 256-bit seed (with `secrets`) and publish only SHA-256(seed).

    Returns the commitment. Conflict if the pool is not frozen or a seed is already committed.
    `seed_factory` exists for tests and rehearsal fixtures. Event: seed_committed.
    """
    meeting = lock_meeting(session, meeting_id)
    if not is_frozen(meeting):
        raise Conflict("seed_needs_frozen_pool")
    if meeting.commitment:
        raise Conflict("seed_committed")
    seed = seed_factory()
    seed_bytes(seed)
    meeting.seed_sealed = seal_seed(meeting_id, seed)  # never stored in the clear before the reveal
    meeting.commitment = commitment(seed)
    append_event(session, meeting_id, "seed_committed",
                 {"commitment": meeting.commitment, "notice_sha256": notice_sha256(meeting)}, actor)
    return meeting.commitment


@unit_of_work
def enter_entropy(session: so.Session, meeting_id: int, sources: str | Iterable[Any],
                  actor: str = "") -> dict[str, Any]:
    """Record the live entropy typed at the console before the first draw (shown on the projector).

    `sources`: one string, or (label, value) pairs / {label, value} in announced order, e.g.
    [("骰子", "3 5 1 6 2 4"), ("体彩排列五", "7 0 3 9 1")]. When sources were declared
    (declare_entropy_sources) one value per declared source, in order, in its canonical form
    ("3 5 1 6 2"; "35162" is refused). Returns {sources, canonical}.
    Conflict if not committed, already entered, or revealed; UserError if empty/invalid.
    Event: entropy_entered.
    """
    return enter_entropy_locked(session, lock_meeting(session, meeting_id), sources, actor)


def enter_entropy_locked(session: so.Session, meeting: Meeting, sources: str | Iterable[Any],
                         actor: str = "") -> dict[str, Any]:
    """Inner step of enter_entropy: the caller holds the meeting lock and commits."""
    require_committed(meeting)
    require_not_revealed(meeting)
    if meeting.live_entropy:
        raise Conflict("entropy_entered")
    if meeting.entropy_sources:  # declared: one canonical spelling per value, nothing else
        try:
            sources = check_entry(meeting.entropy_sources, sources)
        except EntropyFormError as exc:
            raise UserError(exc.code, **exc.values) from None
    try:
        cleaned = normalise_entropy(sources)
    except DrawError as exc:
        raise UserError("bad_entropy", why=str(exc)) from None
    entropy = {"sources": cleaned, "canonical": canonical_entropy(cleaned)}
    meeting.live_entropy = entropy
    append_event(session, meeting.id, "entropy_entered", entropy, actor)
    return entropy


@unit_of_work
def reveal_seed(session: so.Session, meeting_id: int, actor: str = "") -> str:
    """Publish the seed after the meeting; closes the draw and opens the bundle download.

    Returns the seed (hex). Conflict if nothing is committed or it is already revealed, and
    chain_broken (the meeting is then stopped: that mark is committed) if the log fails its check.
    Event: seed_revealed.
    """
    meeting = lock_meeting(session, meeting_id)
    require_committed(meeting)
    require_not_revealed(meeting)
    verify_before_reveal(session, meeting_id)
    return reveal_seed_locked(session, meeting, actor)


def reveal_seed_locked(session: so.Session, meeting: Meeting, actor: str = "") -> str:
    """Inner step of reveal_seed: the caller holds the meeting lock, has run verify_before_reveal
    before changing anything (a failed check commits the stop mark), and commits."""
    require_committed(meeting)
    require_not_revealed(meeting)
    seed = secret_seed(meeting)  # Conflict (missing or wrong key) before anything changes
    meeting.seed_hex, meeting.seed_sealed = seed, ""
    meeting.seed_revealed_at = utcnow()
    append_event(session, meeting.id, "seed_revealed",
                 {"seed": meeting.seed_hex, "commitment": meeting.commitment}, actor)
    return meeting.seed_hex
