"""Telephony: the port (port.py) and its providers, chosen by configuration.

TELEPHONY_PROVIDER = twilio | simulated | manual. Without it, Twilio is used when its three
credentials are set (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_CALLER_NUMBER), otherwise
the simulated provider — and the console says so plainly (`status`).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from meeting.messages import name, text
from meeting.telephony.port import (Answered, CallRequest, HallRequest, KeysPressed, LineStatus, Provider,
                                    ProviderError)
from meeting.telephony.settings import TelephonySettings, WebhookUrls, from_config

_KEY = "minkao_telephony"

__all__ = ["Answered", "KeysPressed", "LineStatus", "CallRequest", "HallRequest", "Provider", "ProviderError", "TelephonySettings", "WebhookUrls",
           "settings", "provider", "set_provider", "urls", "status", "Telephony", "context"]


def _build(settings_: TelephonySettings) -> Provider:
    if settings_.provider == "twilio":
        from meeting.telephony.twilio_provider import TwilioProvider

        return TwilioProvider(settings_)
    if settings_.provider == "manual":
        from meeting.telephony.manual import ManualProvider

        return ManualProvider()
    from meeting.telephony.simulated import SimulatedProvider

    return SimulatedProvider()


def _slot(app: Flask | None) -> dict[str, Any]:
    app = app or current_app._get_current_object()
    slot = app.extensions.get(_KEY)
    if slot is None:
        chosen = from_config(app.config)
        slot = app.extensions[_KEY] = {"settings": chosen, "provider": None}
    return slot


def settings(app: Flask | None = None) -> TelephonySettings:
    """This app's telephony settings (read once from its config)."""
    return _slot(app)["settings"]


def provider(app: Flask | None = None) -> Provider:
    """This app's provider, built on first use."""
    slot = _slot(app)
    if slot["provider"] is None:
        slot["provider"] = _build(slot["settings"])
    return slot["provider"]


def set_provider(app: Flask, provider_: Provider, settings_: TelephonySettings | None = None) -> None:
    """Use this provider (and settings) in this app: tests inject recorders and fakes here."""
    slot = _slot(app)
    slot["provider"] = provider_
    if settings_ is not None:
        slot["settings"] = settings_


def urls(app: Flask | None = None) -> WebhookUrls:
    """Webhook URLs on the configured public base URL."""
    return WebhookUrls(settings(app).base_url)


def status(meeting_id: int | None = None, app: Flask | None = None) -> dict[str, Any]:
    """What the console shows about telephony: provider, whether calls are real, and why."""
    s, p = settings(app), provider(app)
    out: dict[str, Any] = {"provider": p.name, "simulated": p.simulated, "dials": p.dials,
                           "hall_line": bool(s.hall_line), "calls_per_round": s.calls_per_round,
                           "recording": s.record and p.name == "twilio"}
    if p.name == "twilio":
        code = "telephony_twilio"
    elif p.name == "manual":
        code = "telephony_manual"
    elif s.requested == "twilio":
        code = "telephony_twilio_missing"
    else:
        code = "telephony_simulated"
    # The console shows `message`; `code` is there for screens that word it themselves.
    out["code"], out["message"] = code, text(code)
    out["provider_name"] = name("provider", p.name)  # what the console's tag shows, not the code
    if p.simulated and meeting_id is not None:
        out["simulator_url"] = f"/sim/{meeting_id}"
    return out


class Telephony:
    """Provider, settings and webhook URLs of one app, handed to the call services."""

    def __init__(self, provider_: Provider, settings_: TelephonySettings) -> None:
        self.provider = provider_
        self.settings = settings_
        self.urls = WebhookUrls(settings_.base_url)


def context(app: Flask | None = None) -> Telephony:
    """The telephony of this app (current_app by default)."""
    return Telephony(provider(app), settings(app))
