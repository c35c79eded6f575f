"""The household simulator page: a staff member plays the household's phone for simulated calls.

Thin: each route parses, calls one use case of meeting.services.calls.simulator and renders or
returns JSON; the button's events go to the calls service directly (the same state machine,
survey and TwiML as a real call's webhooks), and their causes are broadcast here.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import gettext as _

from meeting import telephony
from meeting.errors import NotFound, UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.realtime import broadcast
from meeting.services.calls import simulator as sim
from meeting.views.auth import login_required

bp = Blueprint("simulator", __name__, url_prefix="/sim")


def _i18n() -> dict[str, str]:
    return {
        "ringing": _("Ringing"), "dialling": _("Dialling"), "queued": _("Waiting"), "answered": _("On the line"),
        "ended": _("Hung up"), "busy": _("Busy"), "no_answer": _("No answer"), "failed": _("Call failed"),
        "canceled": _("Cancelled"), "answer": _("Answer"), "decline_busy": _("Busy"),
        "no_answer_btn": _("Let it ring out"), "hangup": _("Hang up"), "you_hear": _("The household hears:"),
        "press": _("Press a key"), "no_calls": _("No simulated call right now. Place a call from the console."),
        "incoming": _("Incoming call"), "error": _("The action was refused: {why}"),
        "recent": _("Ended calls"), "answers": _("Answers"),
        "q_visited": _("Visited"), "q_resolved": _("Demand"), "q_satisfaction": _("Satisfaction"),
        "v_yes": _("Yes"), "v_no": _("No"), "v_partly": _("Partly"), "v_none": _("No demand"),
        "cadre": _("drawn cadre, phone-in report"),
    }


@bp.get("/<int:meeting_id>")
@login_required()
def page(meeting_id: int) -> str:
    """The simulator page: every simulated call of the current round, as phones."""
    try:
        meeting = sim.simulator_meeting(db.session, meeting_id)
    except NotFound:
        abort(404)
    return render_template("simulator/simulator.html", meeting=meeting, i18n=_i18n(),
                           tel=telephony.status(meeting.id))


@bp.get("/<int:meeting_id>/calls.json")
@login_required()
def calls_json(meeting_id: int) -> Response:
    """The simulated calls of the current round: live ones first, then the last few ended."""
    try:
        return jsonify(sim.simulated_calls(db.session, meeting_id, telephony.context()))
    except NotFound:
        abort(404)


@bp.post("/<int:meeting_id>/calls/<int:call_id>/<action>")
@login_required()
def act(meeting_id: int, call_id: int, action: str) -> Any:
    """One button on the simulated phone: ring, answer, busy, no_answer, digits, hangup."""
    try:
        played = sim.play(db.session, meeting_id, call_id, action, request.get_json(silent=True) or {},
                          telephony.context())
    except NotFound:
        abort(404)
    except UserError as exc:
        return jsonify({"ok": False, "error": {"code": exc.code, "message": error_text(exc)}}), exc.status
    for cause in played.causes:
        broadcast.publish(meeting_id, cause)
    return jsonify({"ok": True, "twiml": played.twiml, "call": played.call})
