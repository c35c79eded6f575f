"""Test helpers for the phone-in report and the cadre's claims: a live meeting with its cadre drawn."""
from __future__ import annotations

from typing import Any

from flask import Flask

from meeting import telephony
from tests.live_support import seed_meeting
from tests.telephony_support import Verifying, twilio_settings


def drawn(app: Flask, provider: Any, **settings: Any) -> Verifying:
    """A live meeting whose first round has its cadre drawn (stage draw), with `provider`."""
    seeded = seed_meeting(app, jurors=3)
    telephony.set_provider(app, provider, twilio_settings(**{"provider": provider.name, "hall_line": "", **settings}))
    v = Verifying(app, seeded.meeting_id)
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1})):
        v.perform(action, **params)
    return v
