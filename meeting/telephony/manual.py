"""The manual provider: the moderator dials a desk phone and enters the outcome and answers.

A placed call shows as "dialling" on the screens while the moderator dials; the moderator
then records the outcome and answers (perform record_answers, or record_call in one step).
"""
from __future__ import annotations

from meeting.telephony.port import CallRequest, HallRequest


class ManualProvider:
    """Dials nothing; every change comes from the moderator."""

    name = "manual"
    simulated = False
    dials = False

    def place_call(self, request: CallRequest) -> str:
        """A reference for the log; the desk phone has none."""
        return f"MANUAL-{request.call_id}"

    def hangup(self, provider_ref: str) -> None:
        """The moderator puts the receiver down; nothing to do here."""

    def connect_hall(self, request: HallRequest) -> str | None:
        """The desk phone is on the hall's sound desk already."""
        return None
