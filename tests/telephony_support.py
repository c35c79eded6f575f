"""Telephony test helpers: a recording Twilio HTTP client, settings, signed webhook posts, a
meeting brought to call-out verification through the real moderator actions."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Flask
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from meeting import telephony
from meeting.extensions import db
from meeting.services.live import actions as live
from meeting.telephony.settings import TelephonySettings
from tests.live_support import seed_meeting

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
CALLER = "+15005550006"
BASE_URL = "https://minkao.example.cn"


@dataclass
class Recorded:
    """One request the twilio library made."""

    method: str
    url: str
    params: dict[str, Any]
    data: dict[str, Any]

    @property
    def form(self) -> list[tuple[str, str]]:
        """The body as it goes on the wire (requests repeats list fields): ordered pairs."""
        return parse_qsl(urlencode(self.data, doseq=True))

    def field(self, name: str) -> list[str]:
        """Every value of one form field (repeated fields have several)."""
        return [v for k, v in self.form if k == name]


def call_resource(sid: str, to: str = "+8613800000000", status: str = "queued") -> dict[str, Any]:
    """A Call resource in the shape Twilio's API returns."""
    return {"sid": sid, "account_sid": ACCOUNT_SID, "to": to, "from": CALLER, "status": status,
            "direction": "outbound-api", "api_version": "2010-04-01", "price": None, "uri":
            f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}.json", "date_created": None, "duration": None}


def twilio_error(code: int, message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    """An error body the way Twilio sends it."""
    return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status}


class RecordingHttpClient(HttpClient):
    """Records every request and answers like Twilio (201 + resource), or with `reply`'s answer."""

    def __init__(self, reply: Callable[[Recorded], tuple[int, dict[str, Any]] | None] | None = None) -> None:
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.reply = reply
        self.requests: list[Recorded] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):  # noqa: D401 — the twilio HttpClient interface
        rec = Recorded(method, uri, dict(params or {}), dict(data or {}))
        self.requests.append(rec)
        answer = self.reply(rec) if self.reply else None
        if answer is None:
            answer = self._default(rec)
        status, body = answer
        return Response(status, json.dumps(body))

    def _default(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        n = len(self.requests)
        if rec.url.endswith("/Calls.json"):
            return 201, call_resource(f"CA{n:032d}", rec.data.get("To", ""))
        if "/Participants.json" in rec.url:
            return 201, {"call_sid": f"CA{n:032d}", "conference_sid": "CF" + "0" * 32, "label": rec.data.get("Label"),
                         "account_sid": ACCOUNT_SID, "status": "queued"}
        if "/Calls/" in rec.url:
            return 200, call_resource(rec.url.rsplit("/", 1)[-1].removesuffix(".json"), status="completed")
        return 404, {"code": 20404, "message": "not found", "status": 404}


def twilio_settings(**overrides: Any) -> TelephonySettings:
    """Twilio settings with test credentials and the public base URL BASE_URL."""
    values: dict[str, Any] = {"provider": "twilio", "requested": "twilio", "base_url": BASE_URL,
                              "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "caller": CALLER,
                              "hall_line": "sip:hall@pbx.example.cn"}
    values.update(overrides)
    return TelephonySettings(**values)


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature for a POST of `params` to `url`."""
    return RequestValidator(token).compute_signature(url, params)


def post_signed(client: Any, url: str, params: dict[str, str], token: str = AUTH_TOKEN, *,
                signed_url: str | None = None) -> Any:
    """POST through the Flask test client to the path of `url`, signed for `signed_url` (default `url`)."""
    path = url[len(BASE_URL):] if url.startswith(BASE_URL) else url
    signature = sign(signed_url or url, params, token)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def status_params(call_sid: str, status: str, **extra: str) -> dict[str, str]:
    """A status callback's form fields."""
    return {"AccountSid": ACCOUNT_SID, "CallSid": call_sid, "CallStatus": status, "ApiVersion": "2010-04-01",
            "Direction": "outbound-api", "From": CALLER, "To": "+8613800000000", **extra}


@dataclass
class Verifying:
    """A live meeting in call-out verification, as a service-level test needs it."""

    app: Flask
    meeting_id: int

    lang: str = "en"

    def perform(self, action: str, **params: Any) -> dict[str, Any]:
        """A moderator action through services.live (as the socket handler calls it), with
        messages in `lang`."""
        with self.app.test_request_context(f"/?lang={self.lang}"):
            try:
                return live.perform(db.session, self.meeting_id, action, params, "user:1")
            finally:
                db.remove()


def to_verification(app: Flask, provider: Any, settings: TelephonySettings | None = None) -> Verifying:
    """Seed a meeting, start it, draw a cadre, run the report and start the verification."""
    seeded = seed_meeting(app, jurors=3)
    telephony.set_provider(app, provider, settings or twilio_settings())
    v = Verifying(app, seeded.meeting_id)
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
        ack = v.perform(action, **params)
        assert ack.get("ok", True), ack
    return v


@pytest.fixture
def published(monkeypatch) -> list[tuple[int, dict[str, Any]]]:
    """Record broadcasts instead of starting the publisher thread (which would still be reading
    while the test's tables are emptied)."""
    from meeting.realtime import broadcast

    sent: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr(broadcast, "publish", lambda meeting_id, cause=None: sent.append((meeting_id, cause or {})))
    return sent
