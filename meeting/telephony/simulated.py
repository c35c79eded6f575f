"""The simulated provider (demo default, and the tests'): no network, nothing rings.

Placing a call only mints a reference. A person plays the household on the simulator page
(/sim/<meeting>): ring, answer, press keys, hang up. Each button becomes the webhook Twilio
would send, in Twilio's shape, signed with the same token, and goes through the same webhook
routes and state machine (meeting.views.simulator).
"""
from __future__ import annotations

import secrets

from meeting.telephony.port import CallRequest, HallRequest

REF_PREFIX = "SIM"


class SimulatedProvider:
    """Records what it was asked to do; the simulator page drives everything else."""

    name = "simulated"
    simulated = True
    dials = True

    def __init__(self) -> None:
        self.placed: list[CallRequest] = []
        self.hung_up: list[str] = []
        self.halls: list[HallRequest] = []

    def place_call(self, request: CallRequest) -> str:
        """A CallSid-like reference: SIM + 32 hex digits (Twilio's are CA + 32)."""
        self.placed.append(request)
        return REF_PREFIX + secrets.token_hex(16)

    def hangup(self, provider_ref: str) -> None:
        """Nothing to tell a network; the service records the hang-up itself."""
        self.hung_up.append(provider_ref)

    def connect_hall(self, request: HallRequest) -> str | None:
        """The simulated hall is the projector: nothing to dial."""
        self.halls.append(request)
        return None
