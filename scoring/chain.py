"""The hash chain of a meeting's event log (byte-exact definition in docs/VERIFY.md)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of verify_chain: the head reached and, if the chain breaks, where and why.

    `problem` is a code: "seq_gap" (an event is missing or out of order), "prev_hash" (an
    event does not link to the one before it), "hash" (an event's content changed without
    re-hashing); None when the chain is intact. `bad_seq` is the first seq that fails.
    """

    seq: int
    head: str
    bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when every event links and hashes correctly."""
        return self.problem is None


def verify_chain(events: Iterable[Mapping[str, Any]]) -> ChainCheck:
    """Check a meeting's events in seq order: seq 1, 2, 3… without gaps, each prev_hash the
    previous hash (64 zeros first), each hash recomputed. Returns the last good head and the
    first failing seq."""
    prev, seq = GENESIS_HASH, 0
    for ev in events:
        if ev["seq"] != seq + 1:
            return ChainCheck(seq, prev, seq + 1, "seq_gap")
        if ev["prev_hash"] != prev:
            return ChainCheck(seq, prev, ev["seq"], "prev_hash")
        if event_hash(ev["prev_hash"], ev["seq"], ev["type"], ev["payload"], ev["actor"], ev["at"]) != ev["hash"]:
            return ChainCheck(seq, prev, ev["seq"], "hash")
        prev, seq = ev["hash"], ev["seq"]
    return ChainCheck(seq, prev)


def short_head(digest: str) -> str:
    """The head as the public screens show it: its first 12 hex digits."""
    return digest[:12]
