"""The simulated provider (demo default, and the tests'): no network, nothing rings.

Placing a call only mints a reference. A person plays the household on the simulator page
(/sim/<meeting>): ring, answer, press keys, hang up. Each button becomes the provider events
a real call's webhooks would bring (`press`: LineStatus, Answered, KeysPressed, in our own
states), which meeting.services.calls.simulator hands to the same calls service the Twilio
webhooks feed: the same state machine, survey and TwiML, with no HTTP round trip and no
forged signature. What the household hears is read back from that TwiML (`spoken`).
"""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from typing import Any, Union

from meeting.telephony.port import Answered, CallRequest, HallRequest, KeysPressed, LineStatus

REF_PREFIX = "SIM"

Event = Union[LineStatus, Answered, KeysPressed]


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


# --- the household's phone -----------------------------------------------------------------

# The buttons of the simulated phone, and the call states each fits (the state machine would
# ignore the rest anyway; the page is told why nothing happened instead).
BUTTONS: dict[str, tuple[str, ...]] = {
    "ring": ("queued", "dialling"), "answer": ("queued", "dialling", "ringing"),
    "busy": ("queued", "dialling", "ringing"), "no_answer": ("queued", "dialling", "ringing"),
    "digits": ("answered",), "hangup": ("answered",),
}
# What the network reports when a button is pressed (scoring.calls states).
_STATE_OF = {"ring": "ringing", "answer": "answered", "busy": "busy", "no_answer": "no_answer", "hangup": "ended"}
MAX_DIGITS = 8


def _status(ref: str | None, state: str, action: str) -> LineStatus:
    return LineStatus(ref=ref, state=state, raw={"kind": "status", "leg": None, "source": "simulator",
                                                 "action": action, "ref": ref, "state": state})


def press(action: str, ref: str | None, *, digits: str = "", step: str = "", retry: int = 0) -> list[Event]:
    """The events one button brings, in the order a real network sends them: answering is the
    `answered` status, then the request for what to play; keys are one KeysPressed for `step`.
    Unknown buttons raise ValueError."""
    if action not in BUTTONS:
        raise ValueError(f"unknown button {action!r}")
    if action == "digits":
        keys = str(digits)[:MAX_DIGITS]
        return [KeysPressed(ref=ref, digits=keys, raw={"kind": "gather", "step": step, "retry": retry,
                                                      "source": "simulator", "ref": ref, "digits": keys})]
    events: list[Event] = [_status(ref, _STATE_OF[action], action)]
    if action == "answer":
        events.append(Answered(ref=ref, raw={"kind": "voice", "source": "simulator", "ref": ref}))
    return events


def hung_up_by_twiml(ref: str | None) -> LineStatus:
    """The TwiML ended the call (declined; thanked without a hall line): the network reports the
    call over, as Twilio does with `completed`."""
    return _status(ref, "ended", "twiml_hangup")


def spoken(xml: str) -> dict[str, Any]:
    """What the household hears and may press, read back from the TwiML itself."""
    root = ET.fromstring(xml)
    texts = [el.text or "" for el in root.iter() if el.tag in ("Say", "Play")]
    gather = root.find("Gather")
    return {"say": texts, "gather": None if gather is None else {"num_digits": int(gather.get("numDigits", "1"))},
            "conference": root.find("Dial/Conference") is not None, "hangup": root.find("Hangup") is not None}
