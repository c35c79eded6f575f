"""Configuration: fixed defaults, and the environment read when create_app runs (Config.from_env)."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Mapping


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else a key kept in the instance folder.

    Persisting it means a restart of the hall laptop does not log everyone out.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


# (name, environment variable, default, type): read when create_app runs, never at import.
_ENV: tuple[tuple[str, str, object, type], ...] = (
    ("DATABASE_URL", "DATABASE_URL", "sqlite:///minkao.db", str),
    ("SOCKETIO_MESSAGE_QUEUE", "SOCKETIO_MESSAGE_QUEUE", None, str),
    # Processes sharing a message queue talk on this channel; separate meetings/installs can differ.
    ("SOCKETIO_CHANNEL", "SOCKETIO_CHANNEL", "minkao", str),
    # The entry point (python -m meeting) sets eventlet; create_app alone stays neutral.
    ("SOCKETIO_ASYNC_MODE", "SOCKETIO_ASYNC_MODE", "threading", str),
    # The stage must notice a dead tablet within seconds, not the default ~45 s.
    ("SOCKETIO_PING_INTERVAL", "SOCKETIO_PING_INTERVAL", 5, int),
    ("SOCKETIO_PING_TIMEOUT", "SOCKETIO_PING_TIMEOUT", 5, int),
    # Database timeouts: a green wait on a half-open connection must not hang the stage.
    ("DB_CONNECT_TIMEOUT", "DB_CONNECT_TIMEOUT", 5, int),
    ("DB_STATEMENT_TIMEOUT_MS", "DB_STATEMENT_TIMEOUT_MS", 30000, int),
    # A Yishui-scale roster (305,000 households) is ~20 MB as CSV or xlsx; refuse anything far larger.
    ("MAX_UPLOAD_MB", "MAX_UPLOAD_MB", 100, int),
    # Roster import caps (docs/LIMITS.md), checked while streaming, before anything large is built.
    ("IMPORT_MAX_ROWS", "IMPORT_MAX_ROWS", 1_000_000, int),
    ("IMPORT_MAX_CELL_BYTES", "IMPORT_MAX_CELL_BYTES", 32 * 1024, int),
    ("IMPORT_MAX_XLSX_PART_MB", "IMPORT_MAX_XLSX_PART_MB", 256, int),
    ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL", "http://127.0.0.1:5000", str),
    # The key that seals the draw seed at rest (services/draw/sealing.py); empty = instance/seed.key.
    # Back it up with the database: without it the draw cannot go on. Never logged.
    ("SEED_KEY_FILE", "SEED_KEY_FILE", "", str),
    # The staff session cookie: SameSite (Lax: sent on links into the site, not on cross-site
    # posts); Secure "1"/"0", empty = on when PUBLIC_BASE_URL is https (a direct https request
    # marks it Secure anyway: meeting/views/auth.py).
    ("SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SAMESITE", "Lax", str),
    ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_SECURE", "", str),
    # Telephony (docs/TELEPHONY.md): twilio | simulated | manual; empty = Twilio when its three
    # credentials are set, else simulated. Webhooks are validated against PUBLIC_BASE_URL.
    ("TELEPHONY_PROVIDER", "TELEPHONY_PROVIDER", "", str),
    ("TWILIO_ACCOUNT_SID", "TWILIO_ACCOUNT_SID", "", str),
    ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN", "", str),
    ("TWILIO_CALLER_NUMBER", "TWILIO_CALLER_NUMBER", "", str),
    ("HALL_LINE", "HALL_LINE", "", str),  # +86…, sip:…@…, or client:…
    ("TELEPHONY_CALLS_PER_ROUND", "TELEPHONY_CALLS_PER_ROUND", 2, int),
    ("TELEPHONY_RECORD", "TELEPHONY_RECORD", "", str),  # "1": record after consent
    ("TELEPHONY_RING_SECONDS", "TELEPHONY_RING_SECONDS", 30, int),
    ("TELEPHONY_VOICE", "TELEPHONY_VOICE", "Polly.Zhiyu", str),
    ("TELEPHONY_PROMPTS_URL", "TELEPHONY_PROMPTS_URL", "", str),
    # Origins that may frame the broadcast overlay (a graphics controller such as SPX), space- or
    # comma-separated: `http://spx.local:5656 https://gfx.example`. Every other page: nobody.
    ("OVERLAY_FRAME_ANCESTORS", "OVERLAY_FRAME_ANCESTORS", "", str),
    # The overdue check while the server runs (python -m meeting serve|demo): every N seconds; 0 = off.
    ("CASES_TICK_SECONDS", "CASES_TICK_SECONDS", 300, int),
    # The public snapshot built and encoded once per change (meeting/realtime/frames.py); 0 = build
    # it on every public connect, as before (for comparisons).
    ("LIVE_FRAME_CACHE", "LIVE_FRAME_CACHE", 1, int),
    # python -m meeting serve: freeze start-up objects out of the garbage collector and collect
    # less often (meeting/__main__.py tune_gc); 0 = the interpreter's defaults.
    ("GC_FREEZE", "MINKAO_GC_FREEZE", 1, int),
    # The Nchan public tier (docs/DEPLOY.md): which transport the public pages use (socketio |
    # nchan); the internal publisher base the app POSTs each public message to ({url}/m{id}; empty
    # = no publishing, whatever the transport); the subscriber base as the browser sees it.
    ("PUBLIC_TRANSPORT", "PUBLIC_TRANSPORT", "socketio", str),
    ("NCHAN_PUBLISH_URL", "NCHAN_PUBLISH_URL", "", str),
    ("NCHAN_SUBSCRIBE_URL", "NCHAN_SUBSCRIBE_URL", "/live", str),
    ("NCHAN_PUBLISH_TIMEOUT", "NCHAN_PUBLISH_TIMEOUT", 2.0, float),
)

# A CSP source expression that may stand in frame-ancestors: 'self', a scheme (`https:`) or a
# host source (`https://spx.local:5656`, `*.example.org`). Nothing that could end the directive.
_SOURCE = re.compile(r"'self'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
                     r"|\[[0-9a-f:.]+\])(?::(?:[0-9]{1,5}|\*))?(?:/[a-z0-9._~%!$&()*+=:@/-]*)?", re.IGNORECASE)


def frame_origins(raw: str | tuple[str, ...] | list[str], var: str = "OVERLAY_FRAME_ANCESTORS") -> tuple[str, ...]:
    """The origins listed in `raw` (a string split on spaces and commas, or a sequence), checked.

    A value that is not a CSP source expression names its variable instead of ending up, half
    parsed, in every overlay response's header.
    """
    items = re.split(r"[\s,]+", raw.strip()) if isinstance(raw, str) else [str(x).strip() for x in raw]
    origins = tuple(item for item in items if item)
    for origin in origins:
        if not _SOURCE.fullmatch(origin):
            raise ValueError(f"{var}: {origin!r} is not an origin such as https://spx.local:5656")
    return origins


class Config:
    """Fixed defaults; `from_env()` adds what the environment says when the app is created."""

    BABEL_DEFAULT_LOCALE: str = "zh_CN"
    BABEL_SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
    WTF_CSRF_ENABLED: bool = True
    TESTING: bool = False
    SECRET_KEY: str | None = None
    ROSTER_PAGE_SIZE: int = 50

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The configuration as the environment sets it now (defaults where a variable is unset).

        A malformed number names its variable instead of failing deep inside start-up.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for name, var, default, kind in _ENV:
            raw = env.get(var)
            if raw is None or (raw == "" and default is None):
                values[name] = default
                continue
            try:
                values[name] = kind(raw)
            except ValueError:
                raise ValueError(f"{var}={raw!r} is not a valid {kind.__name__}") from None
        values["MAX_CONTENT_LENGTH"] = values.pop("MAX_UPLOAD_MB") * 1024 * 1024
        secure = values["SESSION_COOKIE_SECURE"].strip().lower()
        if secure not in ("", "0", "1", "true", "false"):
            raise ValueError(f"SESSION_COOKIE_SECURE={secure!r} is not 1 or 0")
        values["SESSION_COOKIE_SECURE"] = (secure in ("1", "true") or (
            secure == "" and values["PUBLIC_BASE_URL"].lower().startswith("https://")))
        values["SESSION_COOKIE_HTTPONLY"] = True
        values["OVERLAY_FRAME_ANCESTORS"] = frame_origins(values["OVERLAY_FRAME_ANCESTORS"])
        transport = values["PUBLIC_TRANSPORT"].strip().lower()
        if transport not in ("socketio", "nchan"):
            raise ValueError(f"PUBLIC_TRANSPORT={transport!r} is not socketio or nchan")
        values["PUBLIC_TRANSPORT"] = transport
        values["NCHAN_PUBLISH_URL"] = values["NCHAN_PUBLISH_URL"].strip().rstrip("/")
        values["NCHAN_SUBSCRIBE_URL"] = values["NCHAN_SUBSCRIBE_URL"].strip().rstrip("/")
        return values


class TestConfig(Config):
    """Used by the test-suite; DATABASE_URL still comes from the environment when set."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    BROADCAST_INLINE = True
    # The roster import job runs in the request instead of a worker process (tests/test_import_jobs.py
    # and the live-server test cover the worker).
    IMPORT_INLINE = True
    # Never real calls from a test, whatever the developer's environment holds.
    TELEPHONY_PROVIDER = "simulated"
    TWILIO_ACCOUNT_SID = TWILIO_AUTH_TOKEN = TWILIO_CALLER_NUMBER = HALL_LINE = ""
    SESSION_COOKIE_SECURE = False  # the test client speaks http, whatever PUBLIC_BASE_URL says


def load_secret_key(app_config: dict, instance_path: str) -> None:
    """Fill SECRET_KEY if the config class left it empty."""
    if not app_config.get("SECRET_KEY"):
        app_config["SECRET_KEY"] = _secret_key(Path(instance_path))
