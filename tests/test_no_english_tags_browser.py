"""No raw provider or source code on a Chinese screen: with the simulated telephone, a call the
provider reports (busy, through the simulator's webhook path) and a call recorded by hand, the
projector, the viewer, the overlay and the moderator's console never show "simulated",
"webhook" or "manual" — the catalog's names instead (meeting/messages/calls.py)."""
from __future__ import annotations

import re

import pytest

from meeting.messages.calls import CALL_SOURCE_NAMES, PROVIDER_NAMES
from tests.browser_support import chromium, log_in, new_page, screenshot  # noqa: F401 (fixture)
from tests.live_support import MODERATOR
from tests.simulated_phone_support import SimulatedPhone, ok, simulated_server, start_verification

pytestmark = [pytest.mark.browser, pytest.mark.server]

PROVIDER_NAMES_ZH = {"simulated": "模拟电话"}
RAW = re.compile(r"\b(simulated|simulator|webhook|manual|twilio_?\w*|provider)\b", re.IGNORECASE)


@pytest.fixture
def live(app, tmp_path):
    with simulated_server(app, tmp_path) as running:
        yield running


def test_every_provider_and_source_code_has_a_name_in_the_catalog():
    from meeting.messages import CATALOG, NAMES
    from meeting.telephony.settings import PROVIDERS

    assert set(PROVIDERS) <= set(PROVIDER_NAMES) and NAMES["provider"] is PROVIDER_NAMES
    assert {"provider", "moderator", "webhook", "simulator"} <= set(CALL_SOURCE_NAMES)
    assert all(f"provider.{c}" in CATALOG for c in PROVIDER_NAMES)
    assert all(f"call_source.{c}" in CATALOG for c in CALL_SOURCE_NAMES)


def test_an_error_naming_the_provider_names_it_in_words(app):
    from meeting.errors import Conflict
    from meeting.messages import error_text

    with app.test_request_context("/"):
        message = error_text(Conflict("call_outcome_provider", provider="simulated"))
    assert PROVIDER_NAMES_ZH["simulated"] in message and "simulated" not in message


def test_no_screen_shows_a_raw_provider_or_source_tag_during_verification(live, chromium):
    seeded, server, moderator = live
    mid, errors = seeded.meeting_id, []
    start_verification(moderator)
    households = ok(moderator.perform("propose_calls"))["households"]
    # One call the (simulated) provider reports busy, one recorded by hand at the desk phone.
    call = ok(moderator.perform("place_call", household_code=households[0]))["call"]
    phone = SimulatedPhone(server.url, mid)
    phone.press(call, "ring")
    phone.press(call, "busy")
    ok(moderator.perform("record_call", household_code=households[1], outcome="answered",
                         answers={"visited": "yes", "resolved": "yes", "satisfaction": 5}))
    calls = moderator.wait_for(lambda s: len(s["round"]["calls"]) == 2 and s["round"]["calls"][0]["state"] == "busy")
    providers = {c["provider"] for c in calls["round"]["calls"]}
    assert providers == {"simulated", "manual"}  # the codes are there in the data…

    pages = {}
    for name, path, width, height in (("projector", "projector", 1920, 1080), ("viewer", "viewer", 390, 844),
                                      ("overlay", "overlay", 1920, 1080)):
        page = new_page(chromium, width, height, errors)
        page.goto(f"{server.url}/m/{mid}/{path}")
        pages[name] = page
    pages["projector"].wait_for_selector(".call-card.call-bad")
    pages["viewer"].wait_for_selector(".call-card.call-bad")
    pages["overlay"].wait_for_selector("#lt.in")
    console = new_page(chromium, 1440, 900, errors)
    log_in(console, server.url, *MODERATOR, f"/console/{mid}")
    console.wait_for_selector(".tel-line .tag")
    # …and the console names the provider instead of showing its code.
    assert console.inner_text(".tel-line .tag") == PROVIDER_NAMES_ZH["simulated"]
    pages["console"] = console

    for name, page in pages.items():
        text = page.inner_text("body")
        leaked = sorted({m.group(0) for m in RAW.finditer(text)})
        assert not leaked, f"{name} shows {leaked}"
    screenshot(console, "screens", "console-provider-named")
    assert not errors, errors

