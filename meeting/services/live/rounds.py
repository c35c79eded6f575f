"""The round state machine: each action checks scoring.stages, saves and logs, inside the caller's
transaction (live.actions.perform holds the meeting lock and commits once)."""
from __future__ import annotations

from typing import Any, Callable, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Ballot, CallAttempt, Decision, Event, Juror, Meeting, Round, utcnow
from meeting.services.events import append_event
from meeting.services.followup.opening import open_case_for_decision
from meeting.services.live import anonymous, recusals
from scoring import stages
from scoring.aggregate import QuorumNotMet, bands_from_json, effective_quorum, tally
from scoring.calls import ACTIVE
from scoring.deadlines import local_date
from scoring.stages import DecisionError, TransitionRefused, VerificationSkipReasonError

Handler = Callable[[so.Session, Meeting, Round, Mapping[str, Any], str], tuple[str, dict[str, Any]]]


def current_round(session: so.Session, meeting_id: int) -> Round | None:
    """The meeting's latest round, or None before the meeting starts."""
    return session.scalar(sa.select(Round).where(Round.meeting_id == meeting_id)
                          .order_by(Round.number.desc()).limit(1))


def latest_ballots(session: so.Session, round_id: int) -> list[Ballot]:
    """Each juror's newest ballot version for the round, by juror seat (revoked jurors excluded)."""
    newest = (sa.select(Ballot.juror_id, sa.func.max(Ballot.version).label("v"))
              .where(Ballot.round_id == round_id).group_by(Ballot.juror_id).subquery())
    rows = session.scalars(
        sa.select(Ballot).join(newest, sa.and_(Ballot.juror_id == newest.c.juror_id, Ballot.version == newest.c.v))
        .join(Juror, Juror.id == Ballot.juror_id).where(Ballot.round_id == round_id, Juror.revoked_at.is_(None))
        .order_by(Juror.seat, Juror.id))
    return list(rows)


def _move(session: so.Session, rnd: Round, action: str, **guards: Any) -> str:
    try:
        rnd.stage = stages.transition(rnd.kind, rnd.stage, action, **guards)
    except QuorumNotMet as exc:
        raise Conflict("quorum_not_met", ballots=exc.count, quorum=exc.quorum) from None
    except TransitionRefused as exc:
        raise Conflict(f"transition_{exc.code}", kind=exc.kind, stage=exc.stage, action=exc.action) from None
    return rnd.stage


def _start_report(session, meeting, rnd, params, actor):
    # A phone-in report starts when the cadre answers (services/calls/cadre.py): not twice.
    if session.scalar(sa.select(CallAttempt.id).where(CallAttempt.round_id == rnd.id, CallAttempt.kind == "cadre",
                                                      CallAttempt.state.in_(ACTIVE)).limit(1)) is not None:
        raise Conflict("cadre_call_in_progress")
    _move(session, rnd, "start_report", has_subject=rnd.cadre_id is not None)
    rnd.report_started_at = utcnow()
    rnd.report_mode = "in_person"
    seconds = params.get("seconds")
    if seconds is not None:
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 30 <= seconds <= 3600:
            raise UserError("bad_seconds", low=30, high=3600)
        rnd.report_seconds = seconds
    return "report_started", {"round": rnd.number, "seconds": rnd.report_seconds}


def _start_answer(session, meeting, rnd, params, actor):
    _move(session, rnd, "start_answer", has_subject=bool(rnd.question))
    rnd.report_started_at = utcnow()
    return "answer_started", {"round": rnd.number}


def calls_with_outcome(session: so.Session, round_id: int) -> int:
    """How many household calls of the round have an outcome of the line (scoring.stages.CALL_OUTCOMES).

    The phone-in call to the cadre is not verification: it never counts."""
    return session.scalar(sa.select(sa.func.count(CallAttempt.id)).where(
        CallAttempt.round_id == round_id, CallAttempt.kind == "household",
        CallAttempt.state.in_(stages.CALL_OUTCOMES))) or 0


def verification_skip(session: so.Session, meeting_id: int, round_number: int) -> dict[str, str] | None:
    """The round's logged skip of verification as {reason (code), text}, or None (for the snapshot)."""
    rows = session.scalars(sa.select(Event.payload).where(Event.meeting_id == meeting_id,
                                                          Event.type == "verification_skipped"))
    for payload in rows:
        if payload.get("round") == round_number:
            code, words = stages.parse_verification_skip_reason(str(payload.get("reason", "")))
            return {"reason": code, "text": words}
    return None


def _open_scoring(session, meeting, rnd, params, actor):
    guards = {"calls_with_outcome": calls_with_outcome(session, rnd.id)} if rnd.stage == "verification" else {}
    _move(session, rnd, "open_scoring", **guards)
    return "scoring_opened", {"round": rnd.number}


def _skip_verification(session, meeting, rnd, params, actor):
    try:
        reason = stages.verification_skip_reason(params.get("reason"), params.get("text", ""))
    except VerificationSkipReasonError as exc:
        raise UserError(exc.code, reasons=", ".join(stages.VERIFICATION_SKIP_REASONS)) from None
    _move(session, rnd, "skip_verification", skip_reason=reason)
    # The skip and its reason are in the chain; scoring opens in the same step.
    return "verification_skipped", {"round": rnd.number, "reason": reason,
                                    "calls": calls_with_outcome(session, rnd.id)}


def _simple(action: str, event: str) -> Handler:
    def handler(session, meeting, rnd, params, actor):
        _move(session, rnd, action)
        return event, {"round": rnd.number}
    return handler


def eligible_jurors(meeting: Meeting, rnd: Round) -> int:
    """Active jurors who are not recused for the round: the quorum is counted against them."""
    out = recusals.recused_ids(rnd)
    return sum(1 for j in meeting.jurors if j.revoked_at is None and j.id not in out)


def _close_scoring(session, meeting, rnd, params, actor):
    out = recusals.recused_ids(rnd)
    ballots = [b for b in latest_ballots(session, rnd.id) if b.juror_id not in out]
    eligible = eligible_jurors(meeting, rnd)
    _move(session, rnd, "close_scoring", ballots=len(ballots), quorum=effective_quorum(meeting.quorum, eligible))
    bands = bands_from_json(meeting.grade_bands) if meeting.grade_bands else None
    kwargs = {"bands": bands} if bands else {}
    result = tally([b.total for b in ballots], rule=meeting.aggregation, quorum=meeting.quorum, eligible=eligible,
                   **kwargs)
    summary = result.to_json()
    jurors = {j.id: j for j in meeting.jurors}
    summary["ballots"] = [
        {"juror_id": b.juror_id, "seat": jurors[b.juror_id].seat, "name": jurors[b.juror_id].name,
         "category": jurors[b.juror_id].category, "version": b.version, "total": b.total, "scores": b.scores,
         "dropped": ("high" if i == result.result.dropped_high_index else
                     "low" if i == result.result.dropped_low_index else None),
         "outlier": i in result.outliers}
        for i, b in enumerate(ballots)]
    summary["eligible"] = eligible
    summary["recused"] = [r["seat"] for r in recusals.active(rnd)]
    if meeting.anonymous_seats:
        summary["public_order"] = anonymous.order_for(meeting, rnd.number, len(ballots))
    rnd.result = summary
    return "scoring_closed", {"round": rnd.number, "ballots": len(ballots)}


def _reopen_scoring(session, meeting, rnd, params, actor):
    _move(session, rnd, "reopen_scoring")
    rnd.result = None
    return "scoring_reopened", {"round": rnd.number}


def _reveal(session, meeting, rnd, params, actor):
    _move(session, rnd, "reveal_result")
    result = rnd.result or {}
    return "result_revealed", {
        "round": rnd.number, "final": result.get("final"), "band": result.get("band", {}).get("key"),
        "rule": result.get("rule_applied"),
        "ballots": anonymous.event_ballots(meeting, result)}


def _record_decision(session, meeting, rnd, params, actor):
    kind = params.get("kind")
    detail = params.get("detail") or {}
    if not isinstance(detail, dict):
        raise UserError("bad_decision_detail")
    try:
        # Deadlines are calendar days in Beijing, whatever the server's own zone.
        clean = stages.validate_decision(kind, detail, today=local_date(utcnow()))
    except DecisionError as exc:
        raise UserError("bad_decision", field=exc.field, problem=exc.code, why=str(exc)) from None
    except ValueError as exc:
        raise UserError("bad_decision", field="", problem="invalid", why=str(exc)) from None
    _move(session, rnd, "record_decision")
    decision = Decision(round_id=rnd.id, kind=kind, detail=clean, actor=actor)
    session.add(decision)
    # The decision and the case that follows it up are one transaction: no decision without its case.
    case = open_case_for_decision(session, decision, actor=actor)
    return "decision_recorded", {"round": rnd.number, "kind": kind, "detail": clean,
                                 "case": case.code if case else None}


def _next_round(session, meeting, rnd, params, actor):
    _move(session, rnd, "next_round")
    new = Round(meeting_id=meeting.id, number=rnd.number + 1, kind="cadre", stage=stages.initial_stage("cadre"))
    session.add(new)
    return "round_started", {"round": new.number}


ROUND_ACTIONS: dict[str, Handler] = {
    "start_report": _start_report,
    "start_verification": _simple("start_verification", "verification_started"),
    "start_answer": _start_answer,
    "open_scoring": _open_scoring,
    "skip_verification": _skip_verification,
    "close_scoring": _close_scoring,
    "reopen_scoring": _reopen_scoring,
    "reveal_result": _reveal,
    "record_decision": _record_decision,
    "next_round": _next_round,
    # no stage change: conflicts of interest, before scoring opens (live/recusals.py)
    "add_recusal": recusals.add_recusal,
    "lift_recusal": recusals.lift_recusal,
}


def run_round_action(session: so.Session, meeting: Meeting, action: str, params: Mapping[str, Any],
                     actor: str) -> dict[str, Any]:
    """Inner step: apply one state-machine action to the current round and log it.

    The caller holds the meeting lock and commits (see live.actions.perform). Raises Conflict when the action is
    not legal now, UserError for bad parameters; nothing is written then.
    """
    rnd = current_round(session, meeting.id)
    if rnd is None:
        raise Conflict("not_started")
    event_type, payload = ROUND_ACTIONS[action](session, meeting, rnd, params, actor)
    event = append_event(session, meeting.id, event_type, payload, actor)
    return {"type": event.type, "seq": event.seq}
