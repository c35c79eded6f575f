"""The notice digest: one hash of what the pre-meeting notice promises (docs/VERIFY.md §6.1).

The seed_committed event carries `notice_sha256` next to the commitment, so the commitment is
bound to the notice citizens saw: the meeting, the frozen roster and plan, the exclusions, the
declared entropy sources with their one accepted form, and the closed list of skip reasons.
Everything in it can be recomputed from the public bundle. Pure: standard library only.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from scoring.chain import canonical_json
from scoring.skips import SKIP_REASONS

NOTICE_FORMAT = "minkao-notice/1"


def notice_record(*, meeting: Mapping[str, Any], protocol: str, roster_sha256: str, pool_size: int,
                  plan: Mapping[str, Any], plan_sha256: str, exclusions: Sequence[Mapping[str, Any]],
                  entropy_sources: Sequence[Mapping[str, Any]],
                  skip_reasons: Sequence[str] = SKIP_REASONS) -> dict[str, Any]:
    """The object whose canonical JSON is hashed: exactly these fields (§6.1).

    `meeting` is {id, title, date (YYYY-MM-DD or None), venue}; `entropy_sources` the declared
    sources [{label, kind, count, supplier}] ([] when none were declared)."""
    return {
        "format": NOTICE_FORMAT,
        "meeting": {"id": meeting["id"], "title": meeting["title"], "date": meeting["date"],
                    "venue": meeting["venue"]},
        "protocol": protocol, "roster_sha256": roster_sha256, "pool_size": pool_size,
        "plan": dict(plan), "plan_sha256": plan_sha256,
        "exclusions": [{"number": x["number"], "reason": x["reason"]} for x in exclusions],
        "entropy_sources": [{"label": s["label"], "kind": s["kind"], "count": s["count"],
                             "supplier": s["supplier"]} for s in entropy_sources],
        "skip_reasons": list(skip_reasons),
    }


def notice_digest(record: Mapping[str, Any]) -> str:
    """hex SHA-256 of canonical_json(record)."""
    return hashlib.sha256(canonical_json(record)).hexdigest()
