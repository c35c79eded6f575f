"""Shared by the tests that run both verifiers (tests/test_verify_spec*.py): the known-answer
bundle, scoring.verify's verdict, and what a forger does after an edit (recompute the notice
digest and the chain). The forger's side is written from docs/VERIFY.md, not from scoring/."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from scoring import bundle as bundle_mod
from scoring.verify import verify
from scoring.verify_common import Mismatch

VECTOR = Path(__file__).resolve().parent.parent / "docs" / "vectors" / "small-meeting.json"
RAW = VECTOR.read_bytes()
BASE = json.loads(RAW)


def reference(data: bytes, anchors=(), given=None) -> tuple[int, str]:
    """scoring.verify's verdict: (exit code, the one-line reason)."""
    try:
        b = bundle_mod.loads(data)
    except bundle_mod.BundleError as exc:
        return 2, str(exc)
    try:
        verify(b, given or {}, anchors=anchors)
    except Mismatch as exc:
        return 1, str(exc)
    return 0, "OK"


def text(b: dict) -> bytes:
    return bundle_mod.dumps(b).encode("utf-8")


def rechain(b: dict) -> dict:
    """What a forger does after editing events: renumber and recompute the whole chain."""
    prev = "0" * 64
    for seq, ev in enumerate(b["events"], start=1):
        ev["seq"], ev["prev_hash"] = seq, prev
        body = {"prev": prev, "seq": seq, "type": ev["type"], "payload": ev["payload"], "actor": ev["actor"],
                "at": ev["at"]}
        ev["hash"] = prev = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True,
                                                      separators=(",", ":")).encode()).hexdigest()
    return b


def ev(b: dict, type_: str, n: int = 0) -> dict:
    return [e for e in b["events"] if e["type"] == type_][n]


def pos(b: dict, type_: str, n: int = 0) -> int:
    return b["events"].index(ev(b, type_, n))


def renotice(b: dict) -> dict:
    """What a forger does after changing what the notice covers: recompute the notice digest (§6.1)."""
    declared = [e["payload"]["sources"] for e in b["events"] if e["type"] == "entropy_declared"]
    notice = {"format": "minkao-notice/1", "meeting": b["meeting"], "protocol": b["protocol"],
              "roster_sha256": b["roster"]["sha256"], "pool_size": b["roster"]["count"], "plan": b["plan"],
              "plan_sha256": b["plan_sha256"], "exclusions": b["exclusions"],
              "entropy_sources": declared[-1] if declared else [],
              "skip_reasons": ["official_duty", "sick_leave", "bereavement", "maternity_leave", "training", "unreachable", "other"]}
    ev(b, "seed_committed")["payload"]["notice_sha256"] = hashlib.sha256(json.dumps(
        notice, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return b


def set_roster(b: dict, lines: list[str]) -> dict:
    """Replace the roster lines and make every hash that depends on them agree."""
    b["roster"]["lines"] = lines
    b["roster"]["count"] = len(lines)
    b["roster"]["sha256"] = hashlib.sha256("".join(x + "\n" for x in lines).encode()).hexdigest()
    ev(b, "pool_frozen")["payload"].update(roster_hash=b["roster"]["sha256"], pool_size=len(lines))
    return rechain(renotice(b))


def set_plan(b: dict, plan: dict) -> dict:
    b["plan"] = plan
    b["plan_sha256"] = hashlib.sha256(json.dumps(plan, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    ev(b, "pool_frozen")["payload"].update(plan=plan, plan_hash=b["plan_sha256"])
    return rechain(renotice(b))


def set_exclusions(b: dict, exclusions: list) -> dict:
    b["exclusions"] = exclusions
    ev(b, "pool_frozen")["payload"]["exclusions"] = copy.deepcopy(exclusions)
    return rechain(renotice(b))


def set_entropy(b: dict, sources: list, canonical: str) -> dict:
    b["entropy"] = {"sources": sources, "canonical": canonical}
    ev(b, "entropy_entered")["payload"] = copy.deepcopy(b["entropy"])
    return rechain(b)
