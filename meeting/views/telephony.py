"""Twilio webhooks: the household's TwiML, its key presses, status callbacks, the hall's TwiML.

Every request must carry a valid X-Twilio-Signature, checked against the URL rebuilt from
PUBLIC_BASE_URL (the address Twilio was given and signed), not request.url, which is wrong
behind a proxy or TLS terminator. A missing or wrong signature gets 403 and changes nothing.
The Twilio adapter (telephony/twilio_webhooks.py) checks the signature and translates the
form into provider events; the calls service takes them from there. Only Twilio posts here:
the household simulator hands its events to the same service directly.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from meeting import telephony
from meeting.errors import NotFound, UserError
from meeting.extensions import csrf, db
from meeting.realtime import broadcast
from meeting.services.calls import webhooks as calls_webhooks
from meeting.services.calls.webhooks import WebhookResult
from meeting.telephony import twilio_webhooks as twilio, twiml
from meeting.telephony.settings import WEBHOOK_PREFIX

log = logging.getLogger("minkao.telephony")

bp = Blueprint("telephony", __name__, url_prefix=WEBHOOK_PREFIX)
csrf.exempt(bp)  # Twilio cannot send our CSRF token; the signature stands in for it

SIGNATURE_HEADER = twilio.SIGNATURE_HEADER


def signed_url() -> str:
    """The URL Twilio requested, as it signed it: public base + this path + the raw query."""
    path = quote(request.path, safe="/:@!$&'()*+,;=-._~%")
    query = request.query_string.decode("latin-1")
    return telephony.settings().base_url + path + (f"?{query}" if query else "")


def _require_signature() -> None:
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not twilio.signature_valid(signed_url(), request.form, signature, telephony.settings().auth_token):
        log.warning("refused a telephony webhook with a bad signature: %s", request.path)
        abort(403)


def _call_id() -> int:
    call_id = request.args.get("call", type=int)
    if call_id is None:
        abort(404)
    return call_id


def _xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _publish(result: WebhookResult) -> None:
    for cause in result.causes:
        broadcast.publish(result.meeting_id, cause)


def _run(fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(db.session, *args)
    except NotFound:
        abort(404)
    except UserError:
        abort(400)


def _answer(result: WebhookResult) -> Response:
    tel = telephony.context()
    return _xml(twiml.for_step(result.step, result.call_id, tel.settings, tel.urls, retry=result.retry,
                               title=result.title))


@bp.post("/voice")
def voice() -> Response:
    """TwiML for the household's leg when it answers: the consent question first (the drawn
    cadre's phone-in report: straight into the conference, the hall line dialled in)."""
    _require_signature()
    result = _run(calls_webhooks.receive_answer, _call_id(), twilio.answered_event(request.form), telephony.context())
    _publish(result)
    return _answer(result)


@bp.post("/gather/<step>")
def gather(step: str) -> Response:
    """The household's key press for one step; answers with the next step's TwiML. After the
    consent (1) the provider dials the hall line into the call's conference."""
    _require_signature()
    retry = request.args.get("retry", default=0, type=int) or 0
    result = _run(calls_webhooks.receive_keys, _call_id(), step, twilio.keys_event(request.form, step, retry),
                  retry, telephony.context())
    _publish(result)
    return _answer(result)


@bp.post("/status")
def status() -> Response:
    """Status callbacks of the household's leg, or (leg=hall|conference|recording) the others."""
    _require_signature()
    leg = request.args.get("leg") or None
    result = _run(calls_webhooks.receive_status, _call_id(), twilio.status_event(request.form, leg))
    _publish(result)
    return _xml(twiml.empty())


@bp.post("/hall")
def hall() -> Response:
    """TwiML joining the hall side of a call's conference (for a hall line that dials in, or a
    gateway that fetches TwiML for the hall leg)."""
    _require_signature()
    call_id = _run(calls_webhooks.known_call, _call_id())
    tel = telephony.context()
    return _xml(twiml.hall(call_id, tel.settings, tel.urls))
