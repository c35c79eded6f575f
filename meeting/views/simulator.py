"""The household simulator: a staff member plays the household's phone for simulated calls.

Each button becomes the webhook Twilio would send, in Twilio's form fields, signed with the
webhook token (twilio's RequestValidator.compute_signature over PUBLIC_BASE_URL + path), and
is sent through the real webhook routes in-process (the app's WSGI test client): the same
routing, CSRF exemption, signature check, state machine and TwiML as a real call, with no
network. A loopback HTTP request would need the server to reach its own public address,
which behind a proxy or on a hall LAN with a public name it often cannot.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from twilio.request_validator import RequestValidator

from meeting import telephony
from meeting.extensions import db
from meeting.models import CallAttempt, CallEvent, Meeting, Round
from meeting.services.calls.webhooks import prompt_state
from meeting.services.live.rounds import current_round
from meeting.telephony import twiml
from meeting.views.auth import login_required
from meeting.views.telephony import SIGNATURE_HEADER
from scoring import calls as core
from scoring.masking import mask_name, mask_phone

bp = Blueprint("simulator", __name__, url_prefix="/sim")

RECENT_ENDED = 4
# Which buttons each state allows (the state machine would ignore the rest anyway).
ALLOWED = {"ring": ("queued", "dialling"), "answer": ("queued", "dialling", "ringing"),
           "busy": ("queued", "dialling", "ringing"), "no_answer": ("queued", "dialling", "ringing"),
           "digits": ("answered",), "hangup": ("answered",)}
STATUS_OF = {"ring": "ringing", "answer": "in-progress", "busy": "busy", "no_answer": "no-answer",
             "hangup": "completed"}


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


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
    }


@bp.get("/<int:meeting_id>")
@login_required()
def page(meeting_id: int) -> str:
    """The simulator page: every simulated call of the current round, as phones."""
    meeting = _meeting_or_404(meeting_id)
    return render_template("simulator/simulator.html", meeting=meeting, i18n=_i18n(),
                           tel=telephony.status(meeting.id))


def _spoken(xml: str) -> dict[str, Any]:
    """What the household hears and may press, read back from the TwiML itself."""
    root = ET.fromstring(xml)
    texts = [el.text or "" for el in root.iter() if el.tag in ("Say", "Play")]
    gather = root.find("Gather")
    return {"say": texts, "gather": None if gather is None else {"num_digits": int(gather.get("numDigits", "1"))},
            "conference": root.find("Dial/Conference") is not None, "hangup": root.find("Hangup") is not None}


def _call_json(call: CallAttempt, tel: telephony.Telephony, title: str) -> dict[str, Any]:
    h = call.household
    out: dict[str, Any] = {"id": call.id, "state": call.state, "answers": core.survey_answers(call.answers or {}),
                           "consent": (call.answers or {}).get("consent"),
                           "household": {"code": h.code, "village": h.village.name if h.village else "",
                                         "name": mask_name(h.name), "phone": mask_phone(h.phone)},
                           "step": None, "prompt": None}
    at = prompt_state(db.session, call.id) if call.state == "answered" else None
    if at is not None:
        step, retry = at
        out["step"] = step
        out["prompt"] = _spoken(twiml.for_step(step, call.id, tel.settings, tel.urls, retry=retry, title=title))
    return out


@bp.get("/<int:meeting_id>/calls.json")
@login_required()
def calls_json(meeting_id: int) -> Response:
    """The simulated calls of the current round: live ones first, then the last few ended."""
    meeting = _meeting_or_404(meeting_id)
    rnd = current_round(db.session, meeting_id)
    tel = telephony.context()
    calls: list[CallAttempt] = []
    if rnd is not None:
        calls = list(db.session.scalars(sa.select(CallAttempt).where(
            CallAttempt.round_id == rnd.id, CallAttempt.provider == "simulated").order_by(CallAttempt.id.desc())))
    live = [c for c in calls if not core.is_terminal(c.state)]
    ended = [c for c in calls if core.is_terminal(c.state)][:RECENT_ENDED]
    return jsonify({"simulated": tel.provider.simulated, "round": rnd.number if rnd else None,
                    "calls": [_call_json(c, tel, meeting.title) for c in live + ended]})


def signed_post(url: str, params: dict[str, str]) -> Response:
    """POST `params` to one of our webhook URLs, signed as Twilio signs, through the real route."""
    tel = telephony.context()
    signature = RequestValidator(tel.settings.auth_token).compute_signature(url, params)
    path = url[len(tel.settings.base_url):]
    return current_app.test_client().post(path, data=params, headers={SIGNATURE_HEADER: signature})


def _twilio_params(call: CallAttempt, status: str, tel: telephony.Telephony) -> dict[str, str]:
    sequence = db.session.scalar(sa.select(sa.func.count(CallEvent.id)).where(CallEvent.call_attempt_id == call.id))
    try:
        to = core.e164(call.household.phone, tel.settings.country_code)
    except ValueError:
        to = ""
    return {"AccountSid": tel.settings.account_sid or "AC" + "0" * 32, "ApiVersion": "2010-04-01",
            "CallSid": call.provider_ref or "", "CallStatus": status, "Direction": "outbound-api",
            "From": tel.settings.caller or "+10000000000", "To": to, "CallbackSource": "call-progress-events",
            "SequenceNumber": str(sequence or 0)}


def _refuse(message: str, status: int = 409) -> tuple[Response, int]:
    return jsonify({"ok": False, "error": {"message": message}}), status


@bp.post("/<int:meeting_id>/calls/<int:call_id>/<action>")
@login_required()
def act(meeting_id: int, call_id: int, action: str) -> Any:
    """One button on the simulated phone: ring, answer, busy, no_answer, digits, hangup."""
    meeting = _meeting_or_404(meeting_id)
    call = db.session.get(CallAttempt, call_id)
    owner = db.session.scalar(sa.select(Round.meeting_id).where(Round.id == call.round_id)) if call else None
    if owner != meeting.id or action not in ALLOWED:
        abort(404)
    if call.provider != "simulated":
        return _refuse(_("Only simulated calls can be played here."))
    if call.state not in ALLOWED[action]:
        return _refuse(_("Not possible now: the call is %(state)s.", state=call.state))
    tel = telephony.context()
    body = request.get_json(silent=True) or {}
    if action == "digits":
        at = prompt_state(db.session, call.id)
        digits = str(body.get("digits", ""))[:8]
        if at is None or (body.get("step") and body.get("step") != at[0]):
            return _refuse(_("The call has moved on; the page was refreshed."))
        if at[0] not in core.STEPS:
            return _refuse(_("The household is not being asked anything now."))
        url, params = tel.urls.gather(call.id, at[0], at[1]), {**_twilio_params(call, "in-progress", tel), "Digits": digits}
        params.pop("CallbackSource")
    else:
        url, params = tel.urls.status(call.id), _twilio_params(call, STATUS_OF[action], tel)
    db.session.commit()  # the forwarded request shares this session: hand it over clean
    response = signed_post(url, params)
    twiml_text = response.get_data(as_text=True)
    if action == "answer" and response.status_code == 200:
        voice = {k: v for k, v in params.items() if k != "CallbackSource"}
        response = signed_post(tel.urls.voice(call.id), voice)
        twiml_text = response.get_data(as_text=True)
    if response.status_code != 200:
        return _refuse(_("The webhook answered %(status)s.", status=response.status_code), 502)
    if action in ("answer", "digits") and _spoken(twiml_text)["hangup"]:
        # The TwiML ended the call (declined, or thanked without a hall line): Twilio would now
        # report it completed, so the simulated network does too.
        call = db.session.get(CallAttempt, call_id, populate_existing=True)
        signed_post(tel.urls.status(call.id), _twilio_params(call, "completed", tel))
    call = db.session.get(CallAttempt, call_id, populate_existing=True)
    return jsonify({"ok": True, "twiml": twiml_text, "call": _call_json(call, tel, meeting.title)})
