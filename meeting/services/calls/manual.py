"""Manual call-out verification: the moderator dials a desk phone and records what was said.

The telephony providers (Twilio, simulated) drive the same CallAttempt rows automatically;
this module is the path that needs no provider at all.
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy.orm as so

from meeting.errors import UserError
from meeting.models import CallAttempt, CallEvent, Round
from meeting.services.calls.order import admit
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


def record_manual_call(session: so.Session, rnd: Round, params: Mapping[str, Any], actor: str,
                       per_round: int) -> dict[str, Any]:
    """Store one manually made call with its outcome and answers; returns the public event payload.

    Calls follow the draw (meeting.services.calls.order.admit): the drawn households in order, a
    household outside the draw only once it is exhausted, with a `reason`. The outcome is the
    moderator's (the bundle marks it so).
    """
    code = params.get("household_code")
    if not isinstance(code, str) or not code.strip():
        raise UserError("missing_household_code")
    outcome = params.get("outcome")
    if outcome not in OUTCOMES:
        raise UserError("call_outcome_unknown", list=", ".join(OUTCOMES))
    answers = clean_answers(params.get("answers"))
    if outcome != "answered" and answers:
        raise UserError("bad_answers")
    note = params.get("note", "")
    if not isinstance(note, str) or len(note) > 1000:
        raise UserError("call_note_too_long")
    household, pick, reason = admit(session, rnd.meeting_id, rnd, code.strip(), params.get("reason"), per_round)
    call = CallAttempt(round_id=rnd.id, household_id=household.id, pick=pick,
                       provider="manual", state="ended" if outcome == "answered" else outcome,
                       answers=answers, note=note.strip())
    session.add(call)
    session.flush()
    session.add(CallEvent(call_attempt_id=call.id, source="moderator", state=call.state,
                          raw={"outcome": outcome, "answers": answers, "actor": actor, "reason": reason}))
    if contradicts_claim(answers):
        rnd.discrepancy = True
    return {"call": call.id, "household": household.code, "pick": call.pick, "outcome": outcome,
            "answers": answers, "discrepancy": rnd.discrepancy,
            **({"reason": reason} if pick == "manual" else {})}
