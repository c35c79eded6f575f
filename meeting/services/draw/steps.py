"""Draw steps on stage: the next cadre, a skip, household picks.

Each is a use case (`x(session, meeting_id, …)`: lock, inner step, one commit) and an inner step
(`x_locked(session, meeting, …)`: the caller holds the lock and commits) for the live actions
and the calls to run inside their own transaction."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import Cadre, DrawRecord, Household, Meeting, Round
from meeting.services.draw.common import (DrawOutcome, HouseholdPick, cadre_records, engine_for,
                                          meeting_master, outcome, require_drawable, roster_entries)
from meeting.services.tx import lock_meeting, unit_of_work
from meeting.services.events import append_event
from meeting.services.live import recusals
from scoring.draw import DrawError, pick_households as derive_household_picks
from scoring.pool import households_digest
from scoring.skips import SKIP_REASONS, SkipReasonError, skip_reason


@unit_of_work
def draw_next(session: so.Session, meeting_id: int, actor: str = "", *, expected_draw: int | None = None,
              round_id: int | None = None) -> DrawOutcome:
    """Draw the next cadre of the plan, or return an earlier draw: there is no re-roll.

    `expected_draw` (1-based, meeting-wide, skipped draws included) makes the call idempotent:
    if that draw exists it is returned unchanged (new=False); if it is the next one it is made;
    otherwise Conflict. Without it a new draw is always made. `round_id` links the draw to a
    Round and sets the round's cadre; a round whose latest draw is not skipped gets no new one
    (Conflict already_drawn: there is no silent re-roll). Conflict before entropy, after the reveal, or when the
    plan/pool is exhausted. Event: cadre_drawn.
    """
    return draw_next_locked(session, lock_meeting(session, meeting_id), actor, expected_draw=expected_draw,
                            round_id=round_id)


def draw_next_locked(session: so.Session, meeting: Meeting, actor: str = "", *, expected_draw: int | None = None,
                     round_id: int | None = None) -> DrawOutcome:
    """Inner step of draw_next: the caller holds the meeting lock and commits."""
    meeting_id = meeting.id
    require_drawable(meeting)
    the_round = _round(session, meeting_id, round_id)
    draws, skips = cadre_records(session, meeting_id)
    if expected_draw is not None:
        if expected_draw < 1 or expected_draw > len(draws) + 1:
            raise Conflict("draw_out_of_order", asked=expected_draw, next=len(draws) + 1)
        if expected_draw <= len(draws):
            record = draws[expected_draw - 1]
            return outcome(meeting_id, record, skips.get(expected_draw), new=False)
    if round_id is not None and any(r.round_id == round_id and r.detail["draw"] not in skips for r in draws):
        raise Conflict("already_drawn")  # one cadre per round: a new one only after a skip
    engine = engine_for(meeting, draws, skips)
    try:
        made = engine.draw()
    except DrawError as exc:
        raise Conflict("draw_exhausted", why=str(exc)) from None
    name = next(e.name for e in roster_entries(meeting) if e.number == made.number)
    cadre = session.scalar(sa.select(Cadre).where(Cadre.number == made.number))
    record = DrawRecord(meeting_id=meeting_id, round_id=round_id, kind="cadre", stratum=made.stratum,
                        slot=made.slot, attempt=made.attempt, index=made.index, pool_size=made.pool_size,
                        cadre_id=cadre.id if cadre else None,
                        detail={"draw": made.draw, "number": made.number, "name": name})
    session.add(record)
    if the_round is not None:
        the_round.cadre_id = record.cadre_id
    append_event(session, meeting_id, "cadre_drawn",
                 {**made.as_dict(), "name": name, "round_id": round_id}, actor)
    recusals.apply_draw(session, meeting_id, the_round, cadre, actor)  # 回避, in the draw's transaction
    return outcome(meeting_id, record, None, new=True)


@unit_of_work
def skip_drawn(session: so.Session, meeting_id: int, draw: int, reason: str, actor: str = "",
               text: str = "") -> DrawOutcome:
    """Log that the cadre of draw `draw` is absent; the next draw_next draws the next slot.

    `reason` is a code of the closed list scoring.skips.SKIP_REASONS (on the notice); "other"
    needs `text`. Only the latest draw can be skipped; skipping an already skipped draw returns
    it unchanged (new=False). The skipped cadre stays out of the pool. UserError for a reason
    off the list or "other" without text; Conflict for an earlier draw, before entropy or after
    the reveal. Event: cadre_skipped (reason: the code, or "other: <text>").
    """
    return skip_drawn_locked(session, lock_meeting(session, meeting_id), draw, reason, actor, text=text)


def skip_drawn_locked(session: so.Session, meeting: Meeting, draw: int, reason: str, actor: str = "",
                      text: str = "") -> DrawOutcome:
    """Inner step of skip_drawn: the caller holds the meeting lock and commits."""
    meeting_id = meeting.id
    require_drawable(meeting)
    draws, skips = cadre_records(session, meeting_id)
    if not 1 <= draw <= len(draws):
        raise NotFound("draw_not_found", draw=draw)
    record = draws[draw - 1]
    if draw in skips:
        return outcome(meeting_id, record, skips[draw], new=False)
    if draw != len(draws):
        raise Conflict("skip_not_latest")
    try:
        reason = skip_reason(reason, text)
    except SkipReasonError as exc:
        raise UserError(exc.code, reasons=", ".join(SKIP_REASONS)) from None
    skip = DrawRecord(meeting_id=meeting_id, round_id=record.round_id, kind="skip", stratum=record.stratum,
                      slot=record.slot, attempt=record.attempt, index=record.index,
                      pool_size=record.pool_size, cadre_id=record.cadre_id, reason=reason,
                      detail={"draw": draw, "number": record.detail["number"]})
    session.add(skip)
    the_round = _round(session, meeting_id, record.round_id)
    if the_round is not None and the_round.cadre_id == record.cadre_id:
        the_round.cadre_id = None
    append_event(session, meeting_id, "cadre_skipped",
                 {"draw": draw, "number": record.detail["number"], "reason": reason}, actor)
    recusals.clear_on_skip(session, meeting_id, the_round, actor)
    return outcome(meeting_id, record, skip, new=True)


@unit_of_work
def pick_households(session: so.Session, meeting_id: int, *, count: int, actor: str = "",
                    cadre_number: int | None = None, round_id: int | None = None) -> list[HouseholdPick]:
    """Pick households of a drawn cadre for call-out verification, verifiably.

    Give the cadre by number or by its round. Ensures at least `count` picks exist (capped at
    the cadre's household count) and returns every pick of that cadre in slot order; earlier
    picks are returned unchanged (new=False), so asking again never re-rolls and asking for
    count+1 adds one more household (e.g. when nobody answers). Conflict if the cadre was not
    drawn here, was skipped, has no households, or its households changed since the freeze.
    Event: households_picked (codes only, never names or phones).
    """
    if count < 1:
        raise UserError("bad_count")
    return pick_households_locked(session, lock_meeting(session, meeting_id), count=count, actor=actor,
                                  cadre_number=cadre_number, round_id=round_id)


def pick_households_locked(session: so.Session, meeting: Meeting, *, count: int, actor: str = "",
                           cadre_number: int | None = None, round_id: int | None = None) -> list[HouseholdPick]:
    """Inner step of pick_households: the caller holds the meeting lock and commits."""
    if count < 1:
        raise UserError("bad_count")
    meeting_id = meeting.id
    require_drawable(meeting)
    number = _cadre_number(session, meeting_id, cadre_number, round_id)
    draws, skips = cadre_records(session, meeting_id)
    drawn = [r for r in draws if r.detail["number"] == number]
    if not drawn:
        raise Conflict("not_drawn", number=number)
    if drawn[0].detail["draw"] in skips:
        raise Conflict("cadre_skipped", number=number)
    entry = next(e for e in roster_entries(meeting) if e.number == number)
    rows = session.execute(sa.select(Household.code, Household.id).join(Cadre, Household.cadre_id == Cadre.id)
                           .where(Cadre.number == number)).all()
    ids = dict(rows)
    codes = sorted(ids)
    if not codes:
        raise Conflict("no_households", number=number)
    if households_digest(codes) != entry.household_digest:
        raise Conflict("households_changed", number=number)
    existing = list(session.scalars(sa.select(DrawRecord).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind == "household",
        DrawRecord.stratum == str(number)).order_by(DrawRecord.slot)))
    picks = [HouseholdPick(number, r.slot, r.attempt, r.index, r.pool_size, r.detail["code"], r.household_id,
                           new=False) for r in existing]
    made = derive_household_picks(meeting_master(meeting), number, codes, [p.code for p in picks], count)
    if not made:
        return picks
    for h in made:
        detail = {"code": h.code, **({"households": codes} if h.slot == 0 else {})}
        session.add(DrawRecord(meeting_id=meeting_id, round_id=drawn[0].round_id, kind="household",
                               stratum=str(number), slot=h.slot, attempt=h.attempt, index=h.index,
                               pool_size=h.pool_size, cadre_id=drawn[0].cadre_id, household_id=ids[h.code],
                               detail=detail))
        picks.append(HouseholdPick(number, h.slot, h.attempt, h.index, h.pool_size, h.code, ids[h.code]))
    append_event(session, meeting_id, "households_picked",
                 {"cadre": number, "picks": [h.as_dict() for h in made]}, actor)
    return picks


def _round(session: so.Session, meeting_id: int, round_id: int | None) -> Round | None:
    if round_id is None:
        return None
    the_round = session.get(Round, round_id)
    if the_round is None or the_round.meeting_id != meeting_id:
        raise NotFound("round_not_in_meeting", id=round_id)
    return the_round


def _cadre_number(session: so.Session, meeting_id: int, cadre_number: int | None, round_id: int | None) -> int:
    if cadre_number is not None:
        return int(cadre_number)
    the_round = _round(session, meeting_id, round_id)
    if the_round is None or the_round.cadre_id is None:
        raise UserError("no_cadre")
    return session.get(Cadre, the_round.cadre_id).number
