"""The draw seed sealed at rest: encrypted in the database with a key kept outside it.

Until the reveal the seed is the one secret of the draw: whoever holds it can compute every
draw in advance (docs/VERIFY.md). So `meetings.seed_sealed` holds it encrypted, and the key
lives in a file outside the database (SEED_KEY_FILE, by default `instance/seed.key`, created
with mode 0600 on first use). A database dump or backup alone does not give the seed away;
the key file must be backed up with the database for the meeting day, or the draw cannot go
on (and the seed cannot be revealed).

The construction uses the standard library only (HMAC-SHA256 as a PRF):

    k_enc = HMAC(key, "minkao seed v1 enc"),  k_mac = HMAC(key, "minkao seed v1 mac")
    nonce = 16 random bytes
    keystream block i = HMAC(k_enc, nonce || meeting_id (8 bytes) || i (4 bytes))
    ciphertext = seed XOR keystream
    tag = HMAC(k_mac, "v1" || meeting_id || nonce || ciphertext)
    stored: "v1:" + hex(nonce || ciphertext || tag)

The meeting id is bound into both, so a sealed seed copied to another meeting's row does not
open. A missing, malformed or wrong key is a Conflict with its own code and nothing changes.
The key is never logged and never leaves this module.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import current_app, has_app_context

from meeting.errors import Conflict
from meeting.models import Meeting
from meeting.paths import ROOT

KEY_BYTES = 32
NONCE_BYTES = 16
TAG_BYTES = 32
PREFIX = "v1:"


def key_path() -> Path:
    """Where the seal key lives: SEED_KEY_FILE, else seed.key in the instance folder.

    Read from the app's configuration; outside an application context (a worker thread) from
    the same environment variables create_app reads.
    """
    if has_app_context():
        configured = current_app.config.get("SEED_KEY_FILE") or ""
        instance = current_app.instance_path
    else:
        configured = os.environ.get("SEED_KEY_FILE", "")
        instance = os.environ.get("MINKAO_INSTANCE_PATH", str(ROOT / "instance"))
    return Path(configured) if configured else Path(instance) / "seed.key"


def load_key(path: Path, create: bool = False) -> bytes:
    """The 32-byte key from `path` (64 hex digits); with `create`, a new one if the file is missing.

    Conflict("seed_key_missing") when absent (and not created), ("seed_key_unreadable") when the
    file does not hold a key.
    """
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes creating it at once cannot both win with different keys
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise Conflict("seed_key_missing") from None
    except OSError:
        raise Conflict("seed_key_unreadable") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise Conflict("seed_key_unreadable") from None
    if len(key) != KEY_BYTES:
        raise Conflict("seed_key_unreadable")
    return key


def _subkeys(key: bytes) -> tuple[bytes, bytes]:
    return (hmac.new(key, b"minkao seed v1 enc", hashlib.sha256).digest(),
            hmac.new(key, b"minkao seed v1 mac", hashlib.sha256).digest())


def _keystream(k_enc: bytes, nonce: bytes, meeting_id: int, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hmac.new(k_enc, nonce + meeting_id.to_bytes(8, "big") + counter.to_bytes(4, "big"),
                        hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _tag(k_mac: bytes, meeting_id: int, nonce: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(k_mac, b"v1" + meeting_id.to_bytes(8, "big") + nonce + ciphertext, hashlib.sha256).digest()


def seal(key: bytes, meeting_id: int, seed_hex: str) -> str:
    """The seed (hex) sealed for this meeting: "v1:" + hex(nonce || ciphertext || tag)."""
    k_enc, k_mac = _subkeys(key)
    plain = bytes.fromhex(seed_hex)
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = bytes(a ^ b for a, b in zip(plain, _keystream(k_enc, nonce, meeting_id, len(plain))))
    return PREFIX + (nonce + ciphertext + _tag(k_mac, meeting_id, nonce, ciphertext)).hex()


def unseal(key: bytes, meeting_id: int, sealed: str) -> str:
    """The seed (hex) from `sealed`; Conflict("seed_key_wrong") if the key or meeting does not match."""
    try:
        raw = bytes.fromhex(sealed[len(PREFIX):]) if sealed.startswith(PREFIX) else b""
    except ValueError:
        raw = b""
    if len(raw) <= NONCE_BYTES + TAG_BYTES:
        raise Conflict("seed_sealed_damaged")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    k_enc, k_mac = _subkeys(key)
    if not hmac.compare_digest(tag, _tag(k_mac, meeting_id, nonce, ciphertext)):
        raise Conflict("seed_key_wrong")
    return bytes(a ^ b for a, b in zip(ciphertext, _keystream(k_enc, nonce, meeting_id, len(ciphertext)))).hex()


def seal_seed(meeting_id: int, seed_hex: str) -> str:
    """Seal a new seed with the configured key (created with mode 0600 on first use)."""
    return seal(load_key(key_path(), create=True), meeting_id, seed_hex)


def secret_seed(meeting: Meeting) -> str:
    """The meeting's seed for the draw or the reveal: unsealed with the configured key.

    After the reveal the seed is public in `seed_hex`; a meeting committed before sealing existed
    keeps it there too (no sealed copy). Conflict if the key is missing, unreadable or wrong.
    """
    if meeting.seed_hex:
        return meeting.seed_hex
    if not meeting.seed_sealed:
        raise Conflict("seed_not_committed")
    return unseal(load_key(key_path()), meeting.id, meeting.seed_sealed)


# Other seeds sealed the same way (a case's return-visit seed: label "case:<id>"): the key is
# derived per label, so a sealed value opens only under the label it was sealed for, and
# never as a meeting's seed (those use the key itself).
def _label_key(key: bytes, label: str) -> bytes:
    return hmac.new(key, b"minkao sealed label v1|" + label.encode("utf-8"), hashlib.sha256).digest()


def seal_labelled(label: str, seed_hex: str) -> str:
    """Seal a seed bound to `label` with the configured key (created on first use)."""
    return seal(_label_key(load_key(key_path(), create=True), label), 0, seed_hex)


def unseal_labelled(label: str, sealed: str) -> str:
    """The seed sealed for `label`; Conflict if the key, the label or the value does not match."""
    return unseal(_label_key(load_key(key_path()), label), 0, sealed)
