"""The telephony port: what the meeting needs from a phone provider, and nothing more.

A provider dials (`place_call`), hangs up (`hangup`) and brings the hall line into a call's
conference (`connect_hall`). Everything that happens on the line afterwards comes back as
webhooks in Twilio's shape (form fields CallSid, CallStatus, Digits, … signed with
X-Twilio-Signature) to /telephony/twilio/*; meeting.services.calls.webhooks turns them into
state changes. A new provider (a domestic carrier's voice API, a SIP gateway) is one module
implementing `Provider`, plus, if its callbacks look different, a small view translating them
into the same service calls. See docs/TELEPHONY.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CallRequest:
    """Everything a provider needs to dial one household."""

    call_id: int
    to: str            # E.164, e.g. +8613812345678
    voice_url: str     # TwiML for the household's leg (consent, survey, bridge)
    status_url: str    # status callbacks: initiated, ringing, answered, completed
    ring_seconds: int = 30


@dataclass(frozen=True)
class HallRequest:
    """Bring the hall line into the conference of one call (after the household consented)."""

    call_id: int
    conference: str    # conference friendly name, shared with the household's <Dial><Conference>
    hall_url: str      # TwiML that joins the hall side of the conference (for dial-in halls)
    status_url: str


class ProviderError(Exception):
    """The provider refused or could not be reached. `message` is shown to the moderator."""

    def __init__(self, message: str, code: str = "provider_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@runtime_checkable
class Provider(Protocol):
    """One telephony provider. Implementations: twilio_provider, simulated, manual."""

    name: str        # stored on each CallAttempt.provider: "twilio" | "simulated" | "manual"
    simulated: bool  # True: no real phone rings (the console says so)
    dials: bool      # False: a person dials a desk phone and enters the outcome

    def place_call(self, request: CallRequest) -> str:
        """Start dialling; return the provider's reference for the call (Twilio: the CallSid).

        Called after the CallAttempt row is committed, never inside a transaction. Raises
        ProviderError with a clear message when the provider refuses.
        """
        ...

    def hangup(self, provider_ref: str) -> None:
        """End the call (ringing or in progress). Raises ProviderError."""
        ...

    def connect_hall(self, request: HallRequest) -> str | None:
        """Dial the hall line into the call's conference; return its reference, or None when
        there is no hall line (or nothing to dial). Raises ProviderError."""
        ...
