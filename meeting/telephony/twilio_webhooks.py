"""Twilio's webhooks in our words: signature check, and the raw form as provider events.

Twilio speaks `CallStatus` ("in-progress", "no-answer", …), `CallSid`, `Digits`,
`ErrorMessage` / `SipResponseCode`; the meeting speaks scoring.calls' states and the port's
events (LineStatus, Answered, KeysPressed). This module is the only place that knows both:
views/telephony.py checks the signature here, asks for the event and hands it to the calls
service. The raw form travels with each event and is stored as is.
"""
from __future__ import annotations

from typing import Any, Mapping

from twilio.request_validator import RequestValidator

from meeting.telephony.port import Answered, KeysPressed, LineStatus

SIGNATURE_HEADER = "X-Twilio-Signature"

# Twilio's CallStatus values (status callbacks and the Call resource) -> scoring.calls states.
CALL_STATUS = {
    "queued": "queued", "initiated": "dialling", "ringing": "ringing", "in-progress": "answered",
    "answered": "answered", "completed": "ended", "busy": "busy", "no-answer": "no_answer",
    "failed": "failed", "canceled": "canceled",
}


def signature_valid(url: str, form: Mapping[str, Any], signature: str, token: str) -> bool:
    """Did Twilio (holding `token`) sign this POST of `form` to `url`?"""
    return bool(signature) and RequestValidator(token).validate(url, form, signature)


def call_state(status: Any) -> str | None:
    """Our state for a Twilio CallStatus, or None for a value we do not know."""
    return CALL_STATUS.get(str(status or "").strip().lower())


def raw_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook's form as plain JSON (repeated fields as lists)."""
    if hasattr(form, "to_dict"):
        multi = form.to_dict(flat=False)  # type: ignore[attr-defined]
        return {k: v[0] if len(v) == 1 else v for k, v in multi.items()}
    return dict(form)


def _ref(form: Mapping[str, Any]) -> str | None:
    sid = form.get("CallSid")
    return str(sid)[:64] if sid else None


def status_event(form: Mapping[str, Any], leg: str | None = None) -> LineStatus:
    """A status callback (of the household's leg, or of `leg`: hall, conference, recording)."""
    reason = form.get("ErrorMessage") or form.get("SipResponseCode") or ""
    return LineStatus(ref=_ref(form), state=call_state(form.get("CallStatus")), leg=leg, reason=str(reason),
                      raw={"kind": "status", "leg": leg, **raw_form(form)})


def answered_event(form: Mapping[str, Any]) -> Answered:
    """Twilio asks for the household leg's TwiML: the household answered."""
    return Answered(ref=_ref(form), raw={"kind": "voice", **raw_form(form)})


def keys_event(form: Mapping[str, Any], step: str, retry: int) -> KeysPressed:
    """A <Gather>'s action: the keys pressed for `step` (asked for the `retry`th time)."""
    return KeysPressed(ref=_ref(form), digits=str(form.get("Digits") or ""),
                       raw={"kind": "gather", "step": step, "retry": retry, **raw_form(form)})
