"""The moderator's actions during a live meeting: one entry point, `perform`.

Round transitions live in rounds.py; the verifiable draw in services/draw. Every action is one
transaction: it locks the meeting row first (a double tap or two consoles are serialised and the
second sees the first's result), checks, calls the inner steps of the other services (which
never commit), appends its events and commits once. The exceptions are the actions that call
the telephony provider (place_call, hangup_call): named steps, see services/calls/attempts.py.
Each returns the cause {type, seq} for the broadcast that follows the commit.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import sqlalchemy.orm as so

from meeting import telephony
from meeting.errors import Conflict, UserError
from meeting.models import Meeting, Round
from meeting.services.calls import attempts as call_service
from meeting.services.calls import cadre as cadre_calls
from meeting.services.live import claims, pledges
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from meeting.services.calls.manual import record_manual_call
from meeting.services.draw.common import require_committed
from meeting.services.draw.sealing import secret_seed
from meeting.services.tx import lock_meeting, unit_of_work
from meeting.services.chain_check import require_chain_intact, verify_before_reveal
from meeting.services.events import append_event
from meeting.services.live.rounds import ROUND_ACTIONS, current_round, run_round_action
from scoring import stages

SCENES = ("welcome", "round", "leaderboard", "blank")
MAX_TEXT = 500


def _text(params: Mapping[str, Any], key: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = params.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        raise UserError("bad_param_text", key=key, limit=limit)
    value = value.strip()
    if required and not value:
        raise UserError("missing_param", key=key)
    return value


def _event(session: so.Session, meeting: Meeting, type_: str, payload: dict[str, Any], actor: str) -> dict[str, Any]:
    event = append_event(session, meeting.id, type_, payload, actor)
    return {"type": event.type, "seq": event.seq}


def _start_meeting(session, meeting, params, actor):
    if meeting.status == "live":
        raise Conflict("already_live")
    if meeting.status == "closed":
        raise Conflict("closed")
    require_committed(meeting)
    meeting.status = "live"
    meeting.scene = "round"
    if current_round(session, meeting.id) is None:
        session.add(Round(meeting_id=meeting.id, number=1, kind="cadre", stage=stages.initial_stage("cadre")))
    return _event(session, meeting, "meeting_started", {"title": meeting.title}, actor)


def _require_live(meeting: Meeting) -> None:
    if meeting.status != "live":
        raise Conflict("not_live")


def _round_awaiting_draw(session, meeting) -> Round:
    _require_live(meeting)
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.kind != "cadre" or rnd.stage != "draw":
        raise Conflict("not_draw_stage")
    return rnd


def _draw_cadre(session, meeting, params, actor):
    rnd = _round_awaiting_draw(session, meeting)
    expected = params.get("expected_draw")
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
        raise UserError("bad_whole_number", key="expected_draw")
    if rnd.cadre_id is not None and expected is None:
        raise Conflict("already_drawn")
    out = draw_steps.draw_next_locked(session, meeting, actor, expected_draw=expected, round_id=rnd.id)
    return {"type": "cadre_drawn", "seq": meeting.seq, "draw": out.draw, "number": out.cadre_number, "new": out.new}


def _skip_cadre(session, meeting, params, actor):
    rnd = _round_awaiting_draw(session, meeting)  # the guard: only at the start of a round
    if cadre_calls.live_cadre_call(session, rnd) is not None:
        raise Conflict("cadre_call_in_progress")  # hang up the phone-in call first
    draw = params.get("draw")
    if not isinstance(draw, int) or isinstance(draw, bool):
        raise UserError("bad_whole_number", key="draw")
    reason = _text(params, "reason", limit=32)  # a code of scoring.skips.SKIP_REASONS
    text = _text(params, "text", required=False)
    draw_steps.skip_drawn_locked(session, meeting, draw, reason, actor, text=text)
    return {"type": "cadre_skipped", "seq": meeting.seq}


def _enter_entropy(session, meeting, params, actor):
    _require_live(meeting)  # live entropy is entered on stage, after the start, never before
    sources = params.get("sources")
    if not isinstance(sources, (str, list)):
        raise UserError("bad_entropy_sources")
    draw_seed.enter_entropy_locked(session, meeting, sources, actor)
    return {"type": "entropy_entered", "seq": meeting.seq}


def _start_question(session, meeting, params, actor):
    _require_live(meeting)
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.stage != "draw" or rnd.cadre_id is not None:
        raise Conflict("question_not_draw_stage")
    question = {"department_head": _text(params, "department_head", limit=64),
                "unit": _text(params, "unit", required=False, limit=100),
                "demand": _text(params, "demand")}
    rnd.kind, rnd.stage, rnd.question = "question", stages.initial_stage("question"), question
    return _event(session, meeting, "question_started", {"round": rnd.number, **question}, actor)


def _set_scene(session, meeting, params, actor):
    scene = params.get("scene")
    if scene not in SCENES:
        raise UserError("bad_scene", scenes=", ".join(SCENES))
    meeting.scene = scene
    return _event(session, meeting, "scene_changed", {"scene": scene}, actor)


def _clear_all(session, meeting, params, actor):
    meeting.scene = "blank"
    return _event(session, meeting, "screens_cleared", {"scene": "blank"}, actor)


def _record_call(session, meeting, params, actor):
    _require_live(meeting)
    rnd = current_round(session, meeting.id)
    if rnd is None or rnd.stage != "verification":
        raise Conflict("not_verification")
    payload = record_manual_call(session, rnd, params, actor, telephony.settings().calls_per_round)
    return _event(session, meeting, "call_recorded", {"round": rnd.number, **payload}, actor)


def _propose_calls(session, meeting, params, actor):
    return call_service.propose_calls_locked(session, meeting, params, actor, telephony.context())


def _record_answers(session, meeting, params, actor):
    return call_service.record_answers_locked(session, meeting, params, actor)


def _record_cadre_call(session, meeting, params, actor):
    return cadre_calls.record_cadre_call_locked(session, meeting, params, actor)


def _record_claims(session, meeting, params, actor):
    return claims.record_claims(session, meeting, params, actor)


def _close_meeting(session, meeting, params, actor):
    """Close and reveal the seed in one transaction: if the reveal fails the meeting stays live."""
    if meeting.status != "live":
        raise Conflict("close_not_live")
    if meeting.seed_revealed_at is not None:  # revealed already (a rehearsal's CLI): only close
        meeting.status = "closed"
        return _event(session, meeting, "meeting_closed", {}, actor)
    secret_seed(meeting)  # the reveal must be able to unseal it: a missing or wrong key closes nothing
    # The chain is checked before anything changes: a failed check commits only its stop mark.
    verify_before_reveal(session, meeting.id)
    meeting.status = "closed"
    closed = _event(session, meeting, "meeting_closed", {}, actor)
    draw_seed.reveal_seed_locked(session, meeting, actor)
    return {"type": "seed_revealed", "seq": meeting.seq, "closed_seq": closed["seq"]}


def _provider_action(name: str, service: Any = call_service) -> Callable[..., dict[str, Any]]:
    """place_call / hangup_call (dial_cadre: services.calls.cadre), with this app's provider. Not
    one transaction: the provider is never called inside one (their named steps:
    services/calls/attempts.py, cadre.py)."""

    def handler(session, meeting_id, params, actor):
        try:
            return getattr(service, name)(session, meeting_id, params, actor, telephony.context())
        except call_service.CallFailed as exc:
            # The failed attempt is committed: broadcast it (the handler publishes a returned
            # cause), and still answer the console with the provider's message. Built so that
            # nothing in the cause can turn the failure into ok (the handler merges it last).
            failed = dict(exc.cause)
            failed.update(ok=False, error={"code": exc.code, "message": exc.message})
            return failed
    return handler


PROVIDER_ACTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "place_call": _provider_action("place_call"),
    "hangup_call": _provider_action("hangup_call"),
    "dial_cadre": _provider_action("dial_cadre", cadre_calls),  # the phone-in report
}
MEETING_ACTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "start_meeting": _start_meeting,
    "enter_entropy": _enter_entropy,
    "draw_cadre": _draw_cadre,
    "skip_cadre": _skip_cadre,
    "start_question": _start_question,
    # a department head's public pledge and its case (live/pledges.py)
    "start_pledge": pledges.start_pledge,
    "record_pledge": pledges.record_pledge,
    "set_scene": _set_scene,
    "clear_all": _clear_all,
    "record_call": _record_call,
    "propose_calls": _propose_calls,
    "record_answers": _record_answers,
    # the drawn cadre's desk-phone outcome and claims (services/calls/cadre.py, live/claims.py)
    "record_cadre_call": _record_cadre_call,
    "record_claims": _record_claims,
    "close_meeting": _close_meeting,
}
ACTIONS = tuple(MEETING_ACTIONS) + tuple(PROVIDER_ACTIONS) + tuple(ROUND_ACTIONS)


def perform(session: so.Session, meeting_id: int, action: Any, params: Any, actor: str) -> dict[str, Any]:
    """Run one moderator action; returns the cause {type, seq, …} of what was committed.

    Raises UserError (bad input), Conflict (not legal now) or NotFound; then nothing changed
    (the telephony actions: nothing after the last committed step, services/calls/attempts.py).
    """
    if not isinstance(action, str) or action not in ACTIONS:
        raise UserError("unknown_action", action=str(action)[:64])
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise UserError("bad_params_object")
    if action in PROVIDER_ACTIONS:
        return PROVIDER_ACTIONS[action](session, meeting_id, params, actor)
    return _in_one_transaction(session, meeting_id, action, params, actor)


@unit_of_work
def _in_one_transaction(session: so.Session, meeting_id: int, action: str, params: dict[str, Any],
                        actor: str) -> dict[str, Any]:
    """Every other action: lock, check, change, log, and the one commit (unit_of_work)."""
    meeting = lock_meeting(session, meeting_id)
    require_chain_intact(meeting)
    if action in MEETING_ACTIONS:
        return MEETING_ACTIONS[action](session, meeting, params, actor)
    _require_live(meeting)
    return run_round_action(session, meeting, action, params, actor)
