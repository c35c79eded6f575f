"""Manual call-out verification: the moderator dials a desk phone and records what was said.

The telephony providers (Twilio, simulated) drive the same CallAttempt rows automatically;
this module is the path that needs no provider at all.
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import UserError
from meeting.models import CallAttempt, CallEvent, DrawRecord, Household, Round
from scoring.calls import RESOLVED, VISITED, contradicts_claim

OUTCOMES = ("answered", "busy", "no_answer", "failed")


def clean_answers(raw: Any) -> dict[str, Any]:
    """Validate the survey answers: visited, resolved, satisfaction (1–5); all optional."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise UserError("answers_not_object")
    unknown = set(raw) - {"visited", "resolved", "satisfaction"}
    if unknown:
        raise UserError("answers_unknown_fields", fields=", ".join(sorted(unknown)))
    out: dict[str, Any] = {}
    if raw.get("visited") is not None:
        if raw["visited"] not in VISITED:
            raise UserError("answer_visited")
        out["visited"] = raw["visited"]
    if raw.get("resolved") is not None:
        if raw["resolved"] not in RESOLVED:
            raise UserError("answer_resolved")
        out["resolved"] = raw["resolved"]
    if raw.get("satisfaction") is not None:
        sat = raw["satisfaction"]
        if not isinstance(sat, int) or isinstance(sat, bool) or not 1 <= sat <= 5:
            raise UserError("answer_satisfaction")
        out["satisfaction"] = sat
    return out


def record_manual_call(session: so.Session, rnd: Round, params: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Store one manually made call with its outcome and answers; returns the public event payload.

    The household must be one of the drawn cadre's households; if it was not picked by the
    verifiable draw it is logged as a manual pick.
    """
    code = params.get("household_code")
    if not isinstance(code, str) or not code.strip():
        raise UserError("missing_household_code")
    household = session.scalar(sa.select(Household).where(Household.code == code.strip()))
    if household is None or rnd.cadre_id is None or household.cadre_id != rnd.cadre_id:
        raise UserError("bad_household")
    outcome = params.get("outcome")
    if outcome not in OUTCOMES:
        raise UserError("call_outcome_unknown", list=", ".join(OUTCOMES))
    answers = clean_answers(params.get("answers"))
    if outcome != "answered" and answers:
        raise UserError("bad_answers")
    note = params.get("note", "")
    if not isinstance(note, str) or len(note) > 1000:
        raise UserError("call_note_too_long")
    drawn = session.scalar(sa.select(DrawRecord.id).where(
        DrawRecord.kind == "household", DrawRecord.household_id == household.id,
        DrawRecord.meeting_id == rnd.meeting_id))
    call = CallAttempt(round_id=rnd.id, household_id=household.id, pick="draw" if drawn else "manual",
                       provider="manual", state="ended" if outcome == "answered" else outcome,
                       answers=answers, note=note.strip())
    session.add(call)
    session.flush()
    session.add(CallEvent(call_attempt_id=call.id, source="moderator", state=call.state,
                          raw={"outcome": outcome, "answers": answers, "actor": actor}))
    if contradicts_claim(answers):
        rnd.discrepancy = True
    return {"call": call.id, "household": household.code, "pick": call.pick, "outcome": outcome,
            "answers": answers, "discrepancy": rnd.discrepancy}
