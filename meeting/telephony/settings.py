"""Telephony configuration (read from the app config) and the webhook URLs built from it."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

PROVIDERS = ("twilio", "simulated", "manual")


@dataclass(frozen=True)
class TelephonySettings:
    """What the providers, TwiML and webhooks need. Built by `from_config`."""

    provider: str                  # the provider actually used
    requested: str                 # what TELEPHONY_PROVIDER asked for ("" = automatic)
    base_url: str                  # PUBLIC_BASE_URL without the trailing slash
    account_sid: str = ""
    auth_token: str = ""           # the token webhooks are signed with (derived when simulated)
    caller: str = ""               # TWILIO_CALLER_NUMBER: caller id for outbound calls
    hall_line: str = ""            # HALL_LINE: +86…, sip:…, client:…
    calls_per_round: int = 2
    record: bool = False           # record the bridged conversation (only after consent)
    ring_seconds: int = 30
    language: str = "cmn-CN"
    voice: str = "Polly.Zhiyu"
    prompts_url: str = ""          # base URL of uploaded recordings (<Play> instead of <Say>)
    country_code: str = "86"
    conference_prefix: str = "minkao"

    @property
    def twilio_configured(self) -> bool:
        """All three Twilio credentials are present."""
        return bool(self.account_sid and self.auth_token and self.caller)

    def conference(self, call_id: int) -> str:
        """The conference friendly name of one call (household + hall)."""
        return f"{self.conference_prefix}-call-{call_id}"


def derived_token(secret_key: str) -> str:
    """The webhook signing token when no Twilio auth token is configured (simulated provider).

    Derived from SECRET_KEY, so every process of one installation agrees without a shared file.
    """
    return hmac.new(secret_key.encode(), b"minkao simulated telephony webhook token", hashlib.sha256).hexdigest()


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def from_config(config: Mapping[str, Any]) -> TelephonySettings:
    """Settings from a Flask config. Twilio is used only when asked for (or, with no explicit
    choice, when its credentials are all set) and configured; otherwise the simulated provider."""
    requested = str(config.get("TELEPHONY_PROVIDER") or "").strip().lower()
    sid = str(config.get("TWILIO_ACCOUNT_SID") or "").strip()
    token = str(config.get("TWILIO_AUTH_TOKEN") or "").strip()
    caller = str(config.get("TWILIO_CALLER_NUMBER") or "").strip()
    has_twilio = bool(sid and token and caller)
    if requested == "manual":
        provider = "manual"
    elif requested == "twilio" or (not requested and has_twilio):
        provider = "twilio" if has_twilio else "simulated"
    else:
        provider = "simulated"
    return TelephonySettings(
        provider=provider, requested=requested if requested in PROVIDERS else "",
        base_url=str(config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        account_sid=sid, auth_token=token or derived_token(str(config.get("SECRET_KEY") or "")),
        caller=caller, hall_line=str(config.get("HALL_LINE") or "").strip(),
        calls_per_round=max(1, int(config.get("TELEPHONY_CALLS_PER_ROUND") or 2)),
        record=_flag(config.get("TELEPHONY_RECORD", "")),
        ring_seconds=min(600, max(5, int(config.get("TELEPHONY_RING_SECONDS") or 30))),
        language=str(config.get("TELEPHONY_LANGUAGE") or "cmn-CN"),
        voice=str(config.get("TELEPHONY_VOICE") or "Polly.Zhiyu"),
        prompts_url=str(config.get("TELEPHONY_PROMPTS_URL") or "").rstrip("/"),
        country_code=str(config.get("TELEPHONY_COUNTRY_CODE") or "86"),
        conference_prefix=str(config.get("TELEPHONY_CONFERENCE_PREFIX") or "minkao"),
    )


WEBHOOK_PREFIX = "/telephony/twilio"


class WebhookUrls:
    """Absolute webhook URLs on the configured public base (what Twilio requests and signs)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def _url(self, path: str, **query: Any) -> str:
        items = [(k, v) for k, v in query.items() if v is not None]
        return f"{self.base}{WEBHOOK_PREFIX}{path}" + (f"?{urlencode(items)}" if items else "")

    def voice(self, call_id: int) -> str:
        """TwiML for the household's leg, requested when the household answers."""
        return self._url("/voice", call=call_id)

    def gather(self, call_id: int, step: str, retry: int = 0) -> str:
        """Where the keys pressed for one survey step are sent."""
        return self._url(f"/gather/{step}", call=call_id, retry=retry or None)

    def status(self, call_id: int, leg: str | None = None) -> str:
        """Status callbacks of the household's leg (or of the hall's / the recording: `leg`)."""
        return self._url("/status", call=call_id, leg=leg)

    def hall(self, call_id: int) -> str:
        """TwiML joining the hall side of a call's conference."""
        return self._url("/hall", call=call_id)
