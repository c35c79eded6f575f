"""The public draw bundle: everything needed to re-check a meeting's draws (pure, stdlib only).

Layout and field meanings: docs/VERIFY.md §9. The bundle never holds household names or phone
numbers, only household codes.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

FORMAT = "minkao-draw-bundle/1"

_EVENT = {"seq": int, "type": str, "payload": dict, "actor": str, "at": str, "prev_hash": str, "hash": str}
_DRAW = {"draw": int, "stratum": str, "slot": int, "attempt": int, "index": int, "pool_size": int,
         "number": int, "name": str, "skipped": bool, "skip_reason": str}
_PICK = {"slot": int, "attempt": int, "index": int, "pool_size": int, "code": str}
SCHEMA: dict[str, Any] = {
    "format": str, "protocol": str, "rehearsal": bool,
    "meeting": {"id": int, "title": str},
    "roster": {"sha256": str, "count": int, "lines": [str]},
    "exclusions": [{"number": int, "reason": str}],
    "plan": dict, "plan_sha256": str, "commitment": str, "seed": str,
    "entropy": {"sources": [{"label": str, "value": str}], "canonical": str},
    "draws": [_DRAW],
    "household_picks": [{"cadre": int, "households": [str], "picks": [_PICK]}],
    "events": [_EVENT],
}


class BundleError(ValueError):
    """The file is not a well-formed draw bundle."""


def assemble(*, protocol: str, rehearsal: bool, meeting: Mapping[str, Any], roster_text: str,
             roster_sha256: str, exclusions: Sequence[Mapping[str, Any]], plan: Mapping[str, Any],
             plan_sha256: str, commitment: str, seed: str, entropy: Mapping[str, Any],
             draws: Sequence[Mapping[str, Any]], household_picks: Sequence[Mapping[str, Any]],
             events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Put the parts together in the documented order; checks the result's shape."""
    lines = roster_text.split("\n")[:-1] if roster_text else []
    bundle = {
        "format": FORMAT, "protocol": protocol, "rehearsal": rehearsal, "meeting": dict(meeting),
        "roster": {"sha256": roster_sha256, "count": len(lines), "lines": lines},
        "exclusions": [dict(x) for x in exclusions], "plan": dict(plan), "plan_sha256": plan_sha256,
        "commitment": commitment, "seed": seed, "entropy": dict(entropy),
        "draws": [dict(d) for d in draws], "household_picks": [dict(h) for h in household_picks],
        "events": [dict(e) for e in events],
    }
    check_shape(bundle)
    return bundle


def dumps(bundle: Mapping[str, Any]) -> str:
    """The bundle as UTF-8-ready JSON text (readable: one field per line, Chinese unescaped)."""
    return json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"


def loads(text: str | bytes) -> dict[str, Any]:
    """Parse and shape-check a bundle; raise BundleError naming the first problem."""
    try:
        bundle = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"not valid JSON: {exc}") from None
    check_shape(bundle)
    return bundle


def roster_text(bundle: Mapping[str, Any]) -> str:
    """The roster file the lines stand for: each line followed by LF."""
    return "".join(line + "\n" for line in bundle["roster"]["lines"])


def check_shape(bundle: Any) -> None:
    """Raise BundleError unless every documented field is present with the right JSON type."""
    _check(bundle, SCHEMA, "bundle")
    if bundle["format"] != FORMAT:
        raise BundleError(f"bundle.format is {bundle['format']!r}, expected {FORMAT!r}")


def _check(value: Any, spec: Any, path: str) -> None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise BundleError(f"{path} must be an object")
        for key, sub in spec.items():
            if key not in value:
                raise BundleError(f"{path}.{key} is missing")
            _check(value[key], sub, f"{path}.{key}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise BundleError(f"{path} must be a list")
        for i, item in enumerate(value):
            _check(item, spec[0], f"{path}[{i}]")
    elif spec is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BundleError(f"{path} must be an integer")
    elif not isinstance(value, spec):
        raise BundleError(f"{path} must be of type {spec.__name__}")
