"""Calls follow the draw: who may be called now, from the verifiable draw's picks.

Households are called in the drawn order; a backup only for a household found unreachable; a
household outside the draw only once its picks are exhausted, with a reason (docs/TELEPHONY.md).
Pure rule: scoring.calls.admission.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import CallAttempt, DrawRecord, Household, Round
from scoring import calls as core
from scoring.pool import clean_text

MAX_REASON = 200


def picked_codes(session: so.Session, meeting_id: int, rnd: Round) -> list[str]:
    """The verifiable draw's household picks for the round's cadre, in slot order."""
    if rnd.cadre_id is None:
        return []
    rows = session.scalars(sa.select(DrawRecord).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind == "household", DrawRecord.cadre_id == rnd.cadre_id)
        .order_by(DrawRecord.slot, DrawRecord.attempt))
    return list(dict.fromkeys(r.detail["code"] for r in rows))


def attempts_of(session: so.Session, rnd: Round) -> list[CallAttempt]:
    """Every household call attempt of the round, oldest first (a phone-in report's call to the
    cadre is not one: services/calls/cadre.py)."""
    return list(session.scalars(sa.select(CallAttempt).where(CallAttempt.round_id == rnd.id,
                                                             CallAttempt.kind == "household")
                                .options(so.joinedload(CallAttempt.household)).order_by(CallAttempt.id)))


def plan_for(session: so.Session, meeting_id: int, rnd: Round, per_round: int) -> core.CallPlan:
    """Who to call in this round (scoring.calls.call_plan over the database's facts)."""
    attempts = [(a.household.code, a.state) for a in attempts_of(session, rnd)]
    return core.call_plan(picked_codes(session, meeting_id, rnd), attempts, per_round)


def admit(session: so.Session, meeting_id: int, rnd: Round, code: str, reason: Any,
          per_round: int) -> tuple[Household, str, str]:
    """Calls follow the draw (scoring.calls.admission): the household, its pick ("draw", "backup"
    or "manual": named by the moderator) and the reason (named households only). Conflict
    household_not_next / household_not_picked / draw_not_exhausted, UserError named_reason."""
    household = session.scalar(sa.select(Household).where(Household.code == code))
    if household is None:
        raise UserError("bad_household")
    listed = list(session.scalars(sa.select(Household.code).where(Household.cadre_id == rnd.cadre_id)))
    called = [a.household.code for a in attempts_of(session, rnd) if a.state != "canceled"]
    try:
        pick = core.admission(plan_for(session, meeting_id, rnd, per_round), listed, called, code)
    except ValueError as exc:
        if str(exc) == "household_not_next":
            raise Conflict("household_not_next", household=code) from None
        if str(exc) == "household_not_picked":
            raise Conflict("household_not_picked", household=code) from None
        raise Conflict("draw_not_exhausted") from None
    if pick != "manual":
        return household, pick, ""
    if not isinstance(reason, str) or not clean_text(reason) or len(reason) > MAX_REASON:
        raise UserError("named_reason")
    return household, pick, clean_text(reason)
