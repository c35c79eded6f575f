"""The hash chain of a meeting's event log (byte-exact definition in docs/VERIFY.md)."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

GENESIS_HASH = "0" * 64


def canonical_json(obj: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant white space."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def event_hash(prev_hash: str, seq: int, type_: str, payload: Mapping[str, Any], actor: str, at: str) -> str:
    """SHA-256 (hex) of the canonical JSON of one event together with the previous hash."""
    body = {"prev": prev_hash, "seq": seq, "type": type_, "payload": payload, "actor": actor, "at": at}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def first_chain_error(events: Iterable[Mapping[str, Any]]) -> str | None:
    """Return a description of the first broken link, or None if the chain is intact.

    Each event is a mapping with seq, type, payload, actor, at, prev_hash and hash; seq
    starts at 1 and has no gaps.
    """
    prev = GENESIS_HASH
    expected_seq = 1
    for ev in events:
        if ev["seq"] != expected_seq:
            return f"event seq {ev['seq']}: expected seq {expected_seq}"
        if ev["prev_hash"] != prev:
            return f"event seq {ev['seq']}: prev_hash does not match the previous event's hash"
        digest = event_hash(ev["prev_hash"], ev["seq"], ev["type"], ev["payload"], ev["actor"], ev["at"])
        if digest != ev["hash"]:
            return f"event seq {ev['seq']}: hash mismatch (content changed)"
        prev = ev["hash"]
        expected_seq += 1
    return None
