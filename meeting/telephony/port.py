"""The telephony port: what the meeting needs from a phone provider, and what it hears back.

A provider dials (`place_call`), hangs up (`hangup`) and brings the hall line into a call's
conference (`connect_hall`). What happens on the line afterwards comes back as provider
events in our own words (`LineStatus`, `Answered`, `KeysPressed`: states of scoring.calls,
the keys pressed), which meeting.services.calls.webhooks turns into state changes. Each
adapter translates its own vocabulary into them: Twilio's signed webhooks
(telephony/twilio_webhooks.py, read by views/telephony.py), the household simulator
(telephony/simulated.py). A new provider (a domestic carrier's voice API, a SIP gateway) is
one module implementing `Provider`, plus a translation of its callbacks into these events.
See docs/TELEPHONY.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from meeting.messages import text


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
    """The provider refused or could not be reached.

    `code` is the stable key the console receives and the event log stores (e.g.
    "twilio_21217"); `reason` names the catalog entry that words it (meeting/messages/calls.py;
    by default the code itself) with `params`. Nothing here is worded: `message` asks the
    catalog, in the active locale, when the edge reads it.
    """

    def __init__(self, code: str = "provider_error", /, reason: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason or code
        self.params = params

    @property
    def message(self) -> str:
        """The words for the moderator, in the active locale."""
        return words(self.reason, self.params)


def words(reason: str, params: dict[str, Any]) -> str:
    """The words for `reason` with `params`, in the active locale."""
    return text(reason, **params)


# --- provider events: what happened on a call, in our words -------------------------------

@dataclass(frozen=True)
class LineStatus:
    """A leg's progress. `leg` None is the household's own leg; "hall" the hall line's; others
    ("conference", "recording") are stored only. `state` is a scoring.calls state, or None
    for a value the adapter did not recognise (stored, ignored)."""

    ref: str | None                # the provider's reference of the reporting leg (Twilio: CallSid)
    state: str | None
    leg: str | None = None
    reason: str = ""               # why the call failed, in the provider's words (state "failed")
    raw: dict[str, Any] = field(default_factory=dict)  # what the provider sent, stored as is


@dataclass(frozen=True)
class Answered:
    """The household picked up and the provider asks what to play (Twilio: the voice URL)."""

    ref: str | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KeysPressed:
    """The keys the household pressed for one survey step ("" when nothing was pressed)."""

    ref: str | None
    digits: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


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
