"""The drawn cadre's claims (述职称), entered by the moderator, beside the households' answers.

Before or during the report the moderator enters what the cadre claims: households visited of
those assigned (default: the cadre's household count), demands collected, demands resolved.
The claims are public — they are what the cadre said on stage — and are logged
(`claims_recorded`); entering them again corrects them (logged again). The pure rule
scoring.claims.compare sets them against the keypad answers of the households called, and the
snapshot shows both sides as the answers arrive (`claims_view`).
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Household, Meeting, Round
from meeting.services.calls.order import attempts_of
from meeting.services.events import append_event
from meeting.services.live.rounds import current_round
from scoring import claims as core
from scoring.calls import survey_answers

CLAIM_STAGES = ("draw", "report", "verification")  # draw: once the cadre is drawn


def _household_count(session: so.Session, cadre_id: int) -> int:
    return session.scalar(sa.select(sa.func.count(Household.id)).where(Household.cadre_id == cadre_id)) or 0


def record_claims(session: so.Session, meeting: Meeting, params: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Store the cadre's claims on the current round and log them; the caller holds the meeting
    lock and commits. Conflict claims_not_now outside draw (cadre drawn) / report / verification;
    UserError with the rule's code (scoring.claims.validate) and the field. Event: claims_recorded."""
    if meeting.status != "live":
        raise Conflict("not_live")
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.kind != "cadre" or rnd.cadre_id is None or rnd.stage not in CLAIM_STAGES:
        raise Conflict("claims_not_now")
    try:
        claims = core.validate(params, default_assigned=_household_count(session, rnd.cadre_id))
    except core.ClaimsError as exc:
        raise UserError(exc.code, field=exc.field) from None
    rnd.claims = {**claims.to_json(), "cadre_id": rnd.cadre_id}  # a skip and redraw leaves them behind
    event = append_event(session, meeting.id, "claims_recorded", {"round": rnd.number, **claims.to_json()}, actor)
    return {"type": event.type, "seq": event.seq, "claims": claims.to_json()}


def claims_view(session: so.Session, rnd: Round) -> dict[str, Any]:
    """Snapshot fields for every audience: `claims` (or None) and `claims_check`, the rule's
    verdict over the answers on record (None without claims)."""
    if not rnd.claims or rnd.claims.get("cadre_id") != rnd.cadre_id:
        return {"claims": None, "claims_check": None}
    claims = core.Claims(**{k: int(rnd.claims[k]) for k in core.FIELDS})
    answers = [survey_answers(a.answers or {}) for a in attempts_of(session, rnd)]
    return {"claims": claims.to_json(), "claims_check": core.compare(claims, answers).to_json()}
