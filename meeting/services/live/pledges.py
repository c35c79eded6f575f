"""Pledge rounds (公开承诺): a department head pledges on stage what, how many demands, by when.

`start_pledge` names the head and the pledge at the start of a round nobody was drawn for (like
a question round); `record_pledge` confirms it and opens its follow-up case in the same
transaction (services/followup/opening.create_pledge_case_locked). Both are inner steps: the caller
(live.actions.perform) holds the meeting lock and commits once.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Meeting, Round, utcnow
from meeting.services.events import append_event
from meeting.services.followup.opening import create_pledge_case_locked
from meeting.services.live.rounds import current_round
from scoring import stages
from scoring.deadlines import local_date

MAX_DEMANDS = 9999
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_LIMITS = {"department_head": 64, "unit": 100, "promise": 500}


def _text(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key, "")
    if not isinstance(value, str) or len(value.strip()) > _LIMITS[key]:
        raise UserError("bad_param_text", key=key, limit=_LIMITS[key])
    if not value.strip():
        raise UserError("missing_param", key=key)
    return value.strip()


def _demands(params: Mapping[str, Any]) -> int:
    value = params.get("demands")
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DEMANDS:
        raise UserError("pledge_bad_demands", high=MAX_DEMANDS)
    return value


def _deadline(params: Mapping[str, Any], today: dt.date) -> str:
    """The pledged day: a real YYYY-MM-DD after today (Beijing calendar days)."""
    value = params.get("deadline")
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise UserError("pledge_bad_deadline")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UserError("pledge_bad_deadline") from None
    if day <= today:
        raise UserError("pledge_deadline_not_future", today=today.isoformat())
    return day.isoformat()


def validate_pledge(params: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The pledge's clean fields {department_head, unit, promise, demands, deadline}, or UserError."""
    return {"department_head": _text(params, "department_head"), "unit": _text(params, "unit"),
            "promise": _text(params, "promise"), "demands": _demands(params),
            "deadline": _deadline(params, today)}


def start_pledge(session: so.Session, meeting: Meeting, params: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Inner step: turn the current round, still awaiting its draw, into a pledge round and log it."""
    if meeting.status != "live":
        raise Conflict("not_live")
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.stage != "draw" or rnd.cadre_id is not None:
        raise Conflict("pledge_not_draw_stage")
    pledge = validate_pledge(params, local_date(utcnow()))  # deadlines are Beijing calendar days
    rnd.kind, rnd.stage, rnd.question = "pledge", stages.initial_stage("pledge"), pledge
    event = append_event(session, meeting.id, "pledge_started", {"round": rnd.number, **pledge}, actor)
    return {"type": event.type, "seq": event.seq}


def record_pledge(session: so.Session, meeting: Meeting, params: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """Inner step: the pledge is on the record and its case is open, both or neither (no commit)."""
    if meeting.status != "live":
        raise Conflict("not_live")
    rnd = current_round(session, meeting.id)
    if rnd is None:
        raise Conflict("not_started")
    try:
        rnd.stage = stages.transition(rnd.kind, rnd.stage, "record_pledge")
    except stages.TransitionRefused as exc:
        raise Conflict(f"transition_{exc.code}", kind=exc.kind, stage=exc.stage, action=exc.action) from None
    pledge = dict(rnd.question or {})
    case = create_pledge_case_locked(
        session, promise=pledge["promise"], responsible_person=pledge["department_head"],
        responsible_unit=pledge["unit"], actor=actor, deadline=dt.date.fromisoformat(pledge["deadline"]),
        round_id=rnd.id, pledged_demands=pledge["demands"])
    rnd.question = {**pledge, "case": case.code}  # a new dict: the JSON column sees the change
    event = append_event(session, meeting.id, "pledge_recorded", {"round": rnd.number, **pledge, "case": case.code},
                         actor)
    return {"type": event.type, "seq": event.seq, "case": case.code}


def pledge_view(rnd: Round) -> dict[str, Any] | None:
    """What every screen shows of a pledge round (all public: a head's pledge on stage), else None."""
    if rnd.kind != "pledge" or not rnd.question:
        return None
    q = rnd.question
    return {key: q.get(key) for key in ("department_head", "unit", "promise", "demands", "deadline", "case")}
