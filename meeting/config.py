"""Configuration classes, read from the environment at app creation time."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


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


class Config:
    """Production-ish defaults; every value can be overridden by an environment variable."""

    DATABASE_URL: str = os.environ.get("DATABASE_URL", "sqlite:///minkao.db")
    SOCKETIO_MESSAGE_QUEUE: str | None = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # Processes sharing a message queue talk on this channel; separate meetings/installs can differ.
    SOCKETIO_CHANNEL: str = os.environ.get("SOCKETIO_CHANNEL", "minkao")
    # The entry point (python -m meeting) sets eventlet; create_app alone stays neutral.
    SOCKETIO_ASYNC_MODE: str = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    # The stage must notice a dead tablet within seconds, not the default ~45 s.
    SOCKETIO_PING_INTERVAL: int = int(os.environ.get("SOCKETIO_PING_INTERVAL", "5"))
    SOCKETIO_PING_TIMEOUT: int = int(os.environ.get("SOCKETIO_PING_TIMEOUT", "5"))
    BABEL_DEFAULT_LOCALE: str = "zh_CN"
    BABEL_SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")
    WTF_CSRF_ENABLED: bool = True
    TESTING: bool = False
    SECRET_KEY: str | None = None
    # Database timeouts: a green wait on a half-open connection must not hang the stage.
    DB_CONNECT_TIMEOUT: int = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    DB_STATEMENT_TIMEOUT_MS: int = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "30000"))
    ROSTER_PAGE_SIZE: int = 50
    # A Yishui-scale roster (305,000 households) is ~20 MB as CSV or xlsx; refuse anything far larger.
    MAX_CONTENT_LENGTH: int = int(os.environ.get("MAX_UPLOAD_MB", "100")) * 1024 * 1024
    PUBLIC_BASE_URL: str = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Telephony (docs/TELEPHONY.md): twilio | simulated | manual; empty = Twilio when its three
    # credentials are set, else simulated. Webhooks are validated against PUBLIC_BASE_URL.
    TELEPHONY_PROVIDER: str = os.environ.get("TELEPHONY_PROVIDER", "")
    TWILIO_ACCOUNT_SID: str = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN: str = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_CALLER_NUMBER: str = os.environ.get("TWILIO_CALLER_NUMBER", "")
    HALL_LINE: str = os.environ.get("HALL_LINE", "")  # +86…, sip:…@…, or client:…
    TELEPHONY_CALLS_PER_ROUND: int = int(os.environ.get("TELEPHONY_CALLS_PER_ROUND", "2"))
    TELEPHONY_RECORD: str = os.environ.get("TELEPHONY_RECORD", "")  # "1": record after consent
    TELEPHONY_RING_SECONDS: int = int(os.environ.get("TELEPHONY_RING_SECONDS", "30"))
    TELEPHONY_VOICE: str = os.environ.get("TELEPHONY_VOICE", "Polly.Zhiyu")
    TELEPHONY_PROMPTS_URL: str = os.environ.get("TELEPHONY_PROMPTS_URL", "")


class TestConfig(Config):
    """Used by the test-suite; DATABASE_URL still comes from the environment when set."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    BROADCAST_INLINE = True
    # Never real calls from a test, whatever the developer's environment holds.
    TELEPHONY_PROVIDER = "simulated"
    TWILIO_ACCOUNT_SID = TWILIO_AUTH_TOKEN = TWILIO_CALLER_NUMBER = HALL_LINE = ""


def load_secret_key(app_config: dict, instance_path: str) -> None:
    """Fill SECRET_KEY if the config class left it empty."""
    if not app_config.get("SECRET_KEY"):
        app_config["SECRET_KEY"] = _secret_key(Path(instance_path))
