"""Twilio behind the telephony port: the REST API through twilio.rest.Client.

The HTTP client is injectable (`http_client`), so tests run the real `twilio` library against
a recorder that answers in the shape of Twilio's API, and nothing leaves the machine.
"""
from __future__ import annotations

import logging
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.rest import Client

from meeting.telephony.port import CallRequest, HallRequest, ProviderError
from meeting.telephony.settings import TelephonySettings

log = logging.getLogger("minkao.telephony")

STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]


KNOWN_ERRORS = (21217, 21215, 21214, 20003, 20005, 21210, 21212)  # worded in meeting/messages/calls.py


def explain(exc: TwilioRestException) -> ProviderError:
    """A Twilio API error as a code the moderator can act on (the Twilio code stays visible):
    twilio_<code>, worded by meeting/messages/calls.py; an error without its own entry reads
    "Twilio refused the request: <Twilio's text>" (reason twilio_refused)."""
    code = exc.code
    key = f"twilio_{code or exc.status}"
    if code in KNOWN_ERRORS:
        return ProviderError(key, code=code)
    return ProviderError(key, reason="twilio_refused", message=exc.msg or "",
                         code=code if code is not None else exc.status)


class TwilioProvider:
    """Outbound calls with status callbacks; the hall line joins each call's conference."""

    name = "twilio"
    simulated = False
    dials = True

    def __init__(self, settings: TelephonySettings, http_client: HttpClient | None = None) -> None:
        self.settings = settings
        self.client = Client(settings.account_sid, settings.auth_token, http_client=http_client)

    def _guard(self, what: str, fn: Any) -> Any:
        try:
            return fn()
        except TwilioRestException as exc:
            log.warning("Twilio refused %s: %s %s", what, exc.code, exc.msg)
            raise explain(exc) from None
        except (TwilioException, OSError, ValueError) as exc:  # requests' errors are OSErrors
            log.warning("Twilio unreachable for %s: %s", what, exc)
            raise ProviderError("twilio_unreachable", error=str(exc)[:200]) from None

    def place_call(self, request: CallRequest) -> str:
        """POST /Calls: the household's leg, with TwiML at `voice_url` and every status callback."""
        call = self._guard("a call", lambda: self.client.calls.create(
            to=request.to, from_=self.settings.caller, url=request.voice_url, method="POST",
            status_callback=request.status_url, status_callback_event=STATUS_EVENTS,
            status_callback_method="POST", timeout=request.ring_seconds))
        return call.sid

    def hangup(self, provider_ref: str) -> None:
        """POST /Calls/{sid} Status=completed (Twilio cancels a call that is still ringing)."""
        self._guard("a hang-up", lambda: self.client.calls(provider_ref).update(status="completed"))

    def connect_hall(self, request: HallRequest) -> str | None:
        """Dial the hall line into the call's conference (created by friendly name if needed).

        Early media on: the hall hears its line's progress (ringing, carrier messages) rather
        than silence. The hall leaving does not end the household's call.
        """
        if not self.settings.hall_line:
            return None
        participant = self._guard("the hall line", lambda: self.client.conferences(request.conference).participants.create(
            from_=self.settings.caller, to=self.settings.hall_line, label="hall", early_media=True, beep="false",
            start_conference_on_enter=True, end_conference_on_exit=False, timeout=self.settings.ring_seconds,
            status_callback=request.status_url, status_callback_method="POST",
            status_callback_event=STATUS_EVENTS))
        return participant.call_sid
