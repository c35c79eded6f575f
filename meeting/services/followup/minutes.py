"""The minutes of a closed meeting (会议纪要): rounds, ballots, calls, decisions, cases, anchors.

Read-only: nothing here writes or commits. The result is plain data (strings, numbers, dates)
for the staff xlsx workbook (`minutes_xlsx`) and the printable A4 report. Households appear
only by code and masked name; the ballots per juror seat are for staff (the organisation
department), never for a public screen.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict
from meeting.models import Ballot, CallAttempt, Decision, Juror, Meeting, Round
from meeting.models.cases import Case
from meeting.services.draw.bundle import chain_head, notice_sha256
from meeting.services.live.ballots import rubric_of
from meeting.services.live.rounds import verification_skip
from meeting.services.tx import get_meeting
from scoring.calls import survey_answers
from scoring.masking import mask_name
from scoring.pool import plan_hash


def minutes_data(session: so.Session, meeting_id: int) -> dict[str, Any]:
    """Everything the minutes of a meeting hold. NotFound for an unknown meeting; Conflict
    (code minutes_not_closed) before the meeting is closed (its record is not final yet)."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status != "closed":
        raise Conflict("minutes_not_closed", id=meeting_id)
    rounds = list(session.scalars(sa.select(Round).where(Round.meeting_id == meeting_id)
                                  .order_by(Round.number).options(so.joinedload(Round.cadre))))
    return {
        "meeting": {"id": meeting.id, "title": meeting.title, "date": meeting.date, "venue": meeting.venue,
                    "rehearsal": meeting.rehearsal, "aggregation": meeting.aggregation, "quorum": meeting.quorum},
        "anchors": anchors(meeting),
        "criteria": [{"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en}
                     for c in rubric_of(meeting).criteria],
        "rounds": [_round_row(session, meeting_id, r) for r in rounds],
        "ballots": _ballots(session, meeting, rounds),
        "calls": _calls(session, rounds),
        "decisions": _decisions(session, rounds),
        "cases": _cases(session, meeting_id),
    }


def anchors(meeting: Meeting) -> dict[str, Any]:
    """The verifiable-draw anchors a reader compares with what was public (docs/VERIFY.md):
    commitment, revealed seed, roster hash, plan hash, notice digest, chain head (seq, hash)."""
    frozen = bool(meeting.roster_hash)
    head = chain_head(meeting)
    return {"commitment": meeting.commitment, "roster_hash": meeting.roster_hash,
            "seed": meeting.seed_hex if meeting.seed_revealed_at is not None else "",
            "plan_hash": plan_hash(meeting.draw_plan) if frozen else "",
            "notice_sha256": notice_sha256(meeting) if frozen else "",
            "chain_seq": head["seq"] if head else meeting.seq, "chain_hash": head["hash"] if head else meeting.last_hash}


def _round_row(session: so.Session, meeting_id: int, rnd: Round) -> dict[str, Any]:
    result = rnd.result or {}
    skip = verification_skip(session, meeting_id, rnd.number)
    question = rnd.question or {}
    return {
        "number": rnd.number, "kind": rnd.kind, "stage": rnd.stage,
        "cadre_number": rnd.cadre.number if rnd.cadre else None,
        "cadre_name": rnd.cadre.name if rnd.cadre else str(question.get("department_head", "")),
        "cadre_unit": rnd.cadre.unit if rnd.cadre else str(question.get("unit", "")),
        "report_seconds": rnd.report_seconds,
        "verification": "skipped" if skip else "done",
        "verification_skip": (skip or {}).get("text") or (skip or {}).get("reason", ""),
        "discrepancy": rnd.discrepancy,
        "ballots_counted": result.get("count"), "rule": result.get("rule_applied", ""),
        "final": result.get("final", ""),
        "band": (result.get("band") or {}).get("label_zh", ""),
        "band_key": (result.get("band") or {}).get("key", ""),
    }


def _ballots(session: so.Session, meeting: Meeting, rounds: list[Round]) -> list[dict[str, Any]]:
    """The last version of each juror's ballot per round, by seat: one score per criterion."""
    keys = [c.key for c in rubric_of(meeting).criteria]
    seats = {j.id: j.seat for j in session.scalars(sa.select(Juror).where(Juror.meeting_id == meeting.id))}
    by_id = {r.id: r for r in rounds}
    latest: dict[tuple[int, int], Ballot] = {}
    for ballot in session.scalars(sa.select(Ballot).where(Ballot.round_id.in_(list(by_id) or [0]))
                                  .order_by(Ballot.version)):
        latest[(ballot.round_id, ballot.juror_id)] = ballot
    rows = [{"round": by_id[rid].number, "seat": seats.get(jid, 0), "version": b.version,
             "scores": [str(b.scores.get(k, "")) for k in keys], "total": b.total}
            for (rid, jid), b in latest.items()]
    return sorted(rows, key=lambda r: (r["round"], r["seat"]))


def _calls(session: so.Session, rounds: list[Round]) -> list[dict[str, Any]]:
    numbers = {r.id: r.number for r in rounds}
    # Household calls only: the phone-in call to the cadre is no verification call (and has no household).
    calls = session.scalars(sa.select(CallAttempt).where(CallAttempt.round_id.in_(list(numbers) or [0]),
                                                         CallAttempt.kind == "household")
                            .order_by(CallAttempt.id).options(so.joinedload(CallAttempt.household)))
    out = []
    for call in calls:
        answers = survey_answers(call.answers or {})
        out.append({"round": numbers[call.round_id], "household_code": call.household.code,
                    "household": mask_name(call.household.name), "pick": call.pick, "provider": call.provider,
                    "state": call.state, "visited": str(answers.get("visited") or ""),
                    "resolved": str(answers.get("resolved") or ""),
                    "satisfaction": str(answers.get("satisfaction") or ""), "note": call.note})
    return out


def _decisions(session: so.Session, rounds: list[Round]) -> list[dict[str, Any]]:
    numbers = {r.id: r.number for r in rounds}
    rows = session.scalars(sa.select(Decision).where(Decision.round_id.in_(list(numbers) or [0]))
                           .order_by(Decision.id))
    return [{"round": numbers[d.round_id], "kind": d.kind, "detail": _detail_text(d.detail),
             "detail_items": _detail_items(d.detail), "actor": d.actor, "at": d.created_at} for d in rows]


def _cases(session: so.Session, meeting_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(sa.select(Case).where(Case.meeting_id == meeting_id).order_by(Case.code)
                           .options(so.joinedload(Case.cadre)))
    return [{"code": c.code, "kind": c.kind, "status": c.status, "cadre": c.cadre.name if c.cadre else "",
             "promise": c.promise, "responsible": " ".join(x for x in (c.responsible_unit, c.responsible_person) if x),
             "reply_due": c.reply_due, "deadline": c.deadline, "overdue": c.overdue_since is not None,
             "closed_on": c.closed_on} for c in rows]


def _detail_items(detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A decision's detail as (key, text) pairs, empty values left out (lists joined by "、")."""
    return [(key, "、".join(str(v) for v in value) if isinstance(value, list) else str(value))
            for key, value in (detail or {}).items() if value not in (None, "", [])]


def _detail_text(detail: dict[str, Any] | None) -> str:
    """A decision's detail as one readable line: "key: value; …"."""
    return "; ".join(f"{key}: {text}" for key, text in _detail_items(detail))


def iso_day(day: dt.date | None) -> str:
    """A date as YYYY-MM-DD ("" for none): how the report prints days."""
    return day.isoformat() if day else ""
