"""The calls of a meeting as the public bundle lists them (docs/VERIFY.md §13.2 `calls`).

Every household actually called, in the order the calls were made, with how it came to be
called (picked by the draw, or named by the moderator with a reason) and who reported each
outcome (the provider, with its call id and times, or the moderator). Codes only: never a
name or a phone number.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Cadre, CallAttempt, CallEvent, DrawRecord, Round
from meeting.services.events import iso_at
from scoring.calls import is_terminal


def bundle_calls(session: so.Session, meeting_id: int) -> list[dict[str, Any]]:
    """[{cadre, household, how, slot, reason, provider, provider_call_id, error, outcome,
    recorded_by, started_at, ended_at}] in call order."""
    calls = session.scalars(sa.select(CallAttempt).join(Round, CallAttempt.round_id == Round.id)
                            .where(Round.meeting_id == meeting_id, CallAttempt.kind == "household")
                            .order_by(CallAttempt.id)
                            .options(so.joinedload(CallAttempt.household)))
    slots = {(r.stratum, r.detail["code"]): r.slot for r in session.scalars(sa.select(DrawRecord).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind == "household"))}
    out = []
    for call in calls:
        rnd = session.get(Round, call.round_id)
        cadre = session.get(Cadre, rnd.cadre_id).number if rnd.cadre_id else 0
        events = list(session.scalars(sa.select(CallEvent).where(CallEvent.call_attempt_id == call.id)
                                      .order_by(CallEvent.id)))
        first = events[0].raw if events else {}
        final = next((e for e in reversed(events) if e.state == call.state), None)
        named = call.pick == "manual"
        out.append({
            "cadre": cadre, "household": call.household.code, "how": "named" if named else "picked",
            "slot": None if named else slots.get((str(cadre), call.household.code)),
            "reason": str(first.get("reason", "")) if named else "", "provider": call.provider,
            "provider_call_id": call.provider_ref or "", "error": _error(events),
            "outcome": call.state,
            "recorded_by": "moderator" if call.provider == "manual" or (final and final.source == "moderator")
            else "provider",
            "started_at": iso_at(call.created_at),
            "ended_at": iso_at(final.received_at) if final is not None and is_terminal(call.state) else "",
        })
    return out


def _error(events: list[CallEvent]) -> str:
    for e in events:
        if isinstance(e.raw, dict) and e.raw.get("error") and e.state == "failed":
            return str(e.raw["error"])
    return ""
