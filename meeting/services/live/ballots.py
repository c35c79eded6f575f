"""Jurors' ballots: validated, versioned, idempotent by the client's message id."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, Forbidden, UserError
from meeting.models import Ballot, Juror, Meeting, Round
from meeting.services.tx import lock_meeting, unit_of_work
from meeting.services.events import append_event
from meeting.services.live.recusals import recused_ids
from meeting.services.live.rounds import current_round
from scoring import stages
from scoring.rubric import (DEFAULT_RUBRIC, ScoreError, ballot_total, decimal_str, rubric_from_json,
                            scores_to_json, validate_scores)

_MSG_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# Versions one juror may store for one round (reopened scoring included); the next is refused
# with too_many_revisions and the last accepted version stands (docs/SCORING.md, docs/LIMITS.md).
MAX_REVISIONS = 20


@dataclass(frozen=True)
class BallotReceipt:
    """What the juror's tablet is told once the ballot is stored."""

    round_id: int
    round: int
    version: int
    total: str
    client_msg_id: str
    duplicate: bool
    seq: int | None = None  # the ballot_received event's seq (None on a duplicate)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form for the acknowledgement."""
        return asdict(self)


def rubric_of(meeting: Meeting):
    """The meeting's rubric (the Yishui default when none was configured)."""
    return rubric_from_json(meeting.rubric) if meeting.rubric else DEFAULT_RUBRIC


def _receipt(ballot: Ballot, rnd: Round, duplicate: bool) -> BallotReceipt:
    return BallotReceipt(ballot.round_id, rnd.number, ballot.version, ballot.total, ballot.client_msg_id, duplicate)


def _existing(session: so.Session, juror_id: int, client_msg_id: str) -> BallotReceipt | None:
    found = session.scalar(sa.select(Ballot).where(Ballot.juror_id == juror_id, Ballot.client_msg_id == client_msg_id))
    if found is None:
        return None
    return _receipt(found, session.get(Round, found.round_id), duplicate=True)


@unit_of_work
def submit_ballot(session: so.Session, meeting_id: int, juror_id: int, round_id: Any, scores: Any,
                  client_msg_id: Any) -> BallotReceipt:
    """Store a new version of the juror's ballot for the current round; one transaction.

    A message id seen before returns the first receipt (duplicate=True) and stores nothing, so
    a tablet may resend until it gets an acknowledgement (also after the cap). Raises UserError
    for a bad score, Conflict when scoring is not open for that round or the juror already
    stored MAX_REVISIONS versions of it or is recused for the round (juror_recused),
    Forbidden for a revoked juror.
    """
    if not isinstance(client_msg_id, str) or not _MSG_ID.fullmatch(client_msg_id):
        raise UserError("bad_msg_id")
    if not isinstance(round_id, int) or isinstance(round_id, bool):
        raise UserError("bad_whole_number", key="round_id")
    previous = _existing(session, juror_id, client_msg_id)
    if previous is not None:
        return previous
    meeting = lock_meeting(session, meeting_id)
    previous = _existing(session, juror_id, client_msg_id)  # a twin that won the lock
    if previous is not None:
        return previous
    juror = session.get(Juror, juror_id)
    if juror is None or juror.meeting_id != meeting_id or juror.revoked_at is not None:
        raise Forbidden("juror_revoked")
    rnd = current_round(session, meeting_id)
    if rnd is None or rnd.id != round_id:
        raise Conflict("not_current_round")
    if juror_id in recused_ids(rnd):
        raise Conflict("juror_recused")  # 回避: nothing is stored, no event
    if not stages.accepts_ballots(rnd.stage):
        raise Conflict("scoring_not_open")
    stored = session.scalar(sa.select(sa.func.max(Ballot.version)).where(
        Ballot.round_id == rnd.id, Ballot.juror_id == juror_id)) or 0
    if stored >= MAX_REVISIONS:
        raise Conflict("too_many_revisions", limit=MAX_REVISIONS)
    if not isinstance(scores, dict):
        raise UserError("bad_score_object")
    rubric = rubric_of(meeting)
    try:
        valid = validate_scores(rubric, scores)
    except ScoreError as exc:
        raise UserError("bad_score", field=exc.field, problem=exc.code, why=str(exc)) from None
    total = decimal_str(ballot_total(rubric, valid))
    version = stored + 1
    ballot = Ballot(round_id=rnd.id, juror_id=juror_id, version=version, scores=scores_to_json(valid),
                    total=total, client_msg_id=client_msg_id)
    session.add(ballot)
    # The event says who voted, never what: other jurors and the public must not see scores yet.
    event = append_event(session, meeting_id, "ballot_received", {"round": rnd.number, "juror": juror.seat,
                                                                  "version": version}, f"juror:{juror_id}")
    return BallotReceipt(ballot.round_id, rnd.number, ballot.version, ballot.total, ballot.client_msg_id,
                         duplicate=False, seq=event.seq)

