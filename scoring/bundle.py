"""The public draw bundle: everything needed to re-check a meeting's draws (pure, stdlib only).

Layout, JSON types and parsing rules: docs/VERIFY.md §13–14. The bundle never holds household
names or phone numbers, only household codes.

Parsing is strict so that every reader sees the same meeting: the file is UTF-8 without BOM;
duplicate object keys, NaN/Infinity, numbers with a fraction or exponent, lone surrogates and
any field not in the schema are refused, each with a one-line reason naming the field.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping, Sequence

FORMAT = "minkao-draw-bundle/2"  # 2: notice digest, declared sources, neutralised roster (§13)

# Type markers of the schema (besides int, str, bool, [T] lists and {key: T} objects).
NULLABLE_INT = ("int", None)      # an integer or null
NULLABLE_STR = ("str", None)      # a string or null
ANY_OBJECT = "object"             # any JSON object (its own rules are checked by the verifier)

_EXCLUSION = {"number": int, "reason": str}
_SOURCE = {"label": str, "value": str}
_PICK = {"slot": int, "attempt": int, "index": int, "pool_size": int, "code": str}
_PLAN = {"kind": str, "ranks": [str], "strata": [{"key": str, "draws": int}]}
_DECLARED = {"label": str, "kind": str, "count": int, "supplier": str}

# Payloads of the draw's events (docs/VERIFY.md §12): exactly these fields. Other event types
# of the meeting carry any JSON object.
PAYLOADS: dict[str, Any] = {
    "exclusions_set": {"exclusions": [_EXCLUSION]},
    "pool_frozen": {"meeting": {"id": int, "title": str}, "protocol": str, "roster_hash": str,
                    "pool_size": int, "plan": _PLAN, "plan_hash": str, "exclusions": [_EXCLUSION]},
    "entropy_declared": {"sources": [_DECLARED]},
    "seed_committed": {"commitment": str, "notice_sha256": str},
    "entropy_entered": {"sources": [_SOURCE], "canonical": str},
    "cadre_drawn": {"draw": int, "stratum": str, "slot": int, "attempt": int, "index": int, "pool_size": int,
                    "number": int, "name": str, "round_id": NULLABLE_INT},
    "cadre_skipped": {"draw": int, "number": int, "reason": str},
    "households_picked": {"cadre": int, "picks": [_PICK]},
    "seed_revealed": {"seed": str, "commitment": str},
}

_CALL = {"cadre": int, "household": str, "how": str, "slot": NULLABLE_INT, "reason": str, "provider": str,
         "provider_call_id": str, "error": str, "outcome": str, "recorded_by": str, "started_at": str,
         "ended_at": str}
_EVENT = {"seq": int, "type": str, "payload": ANY_OBJECT, "actor": str, "at": str, "prev_hash": str, "hash": str}
_DRAW = {"draw": int, "stratum": str, "slot": int, "attempt": int, "index": int, "pool_size": int,
         "number": int, "name": str, "skipped": bool, "skip_reason": str}
SCHEMA: dict[str, Any] = {
    "format": str, "protocol": str, "rehearsal": bool,
    "meeting": {"id": int, "title": str, "date": NULLABLE_STR, "venue": str},
    "roster": {"sha256": str, "count": int, "lines": [str]},
    "exclusions": [_EXCLUSION],
    "plan": _PLAN, "plan_sha256": str, "commitment": str, "seed": str,
    "entropy": {"sources": [_SOURCE], "canonical": str},
    "draws": [_DRAW],
    "household_picks": [{"cadre": int, "households": [str], "picks": [_PICK]}],
    "calls": [_CALL],
    "events": [_EVENT],
}

_HEX64 = re.compile(r"[0-9a-f]{64}")
_AT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"
MAX_INTEGER = 2**53 - 1


class BundleError(ValueError):
    """The file is not a well-formed draw bundle."""


def assemble(*, protocol: str, rehearsal: bool, meeting: Mapping[str, Any], roster_text: str,
             roster_sha256: str, exclusions: Sequence[Mapping[str, Any]], plan: Mapping[str, Any],
             plan_sha256: str, commitment: str, seed: str, entropy: Mapping[str, Any],
             draws: Sequence[Mapping[str, Any]], household_picks: Sequence[Mapping[str, Any]],
             calls: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Put the parts together in the documented order; checks the result's shape."""
    lines = roster_text.split("\n")[:-1] if roster_text else []
    bundle = {
        "format": FORMAT, "protocol": protocol, "rehearsal": rehearsal, "meeting": dict(meeting),
        "roster": {"sha256": roster_sha256, "count": len(lines), "lines": lines},
        "exclusions": [dict(x) for x in exclusions], "plan": dict(plan), "plan_sha256": plan_sha256,
        "commitment": commitment, "seed": seed, "entropy": dict(entropy),
        "draws": [dict(d) for d in draws], "household_picks": [dict(h) for h in household_picks],
        "calls": [dict(c) for c in calls], "events": [dict(e) for e in events],
    }
    check_shape(bundle)
    return bundle


def dumps(bundle: Mapping[str, Any]) -> str:
    """The bundle as UTF-8-ready JSON text (readable: one field per line, Chinese unescaped)."""
    return json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BundleError(f"duplicate key {key!r} in an object (readers could disagree on its value)")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise BundleError(f"{name} is not allowed (only integers occur in a bundle)")


def _no_float(text: str) -> Any:
    raise BundleError(f"the number {text} is not allowed (only integers occur in a bundle)")


def parse(data: str | bytes) -> Any:
    """Strict JSON (docs/VERIFY.md §13.1): UTF-8 without BOM, no duplicate keys, integers only."""
    if isinstance(data, bytes):
        if data.startswith(_BOM):
            raise BundleError("the file starts with a byte order mark (BOM); a bundle is UTF-8 without BOM")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BundleError(f"not valid UTF-8 (byte {exc.start})") from None
    if data.startswith("\ufeff"):
        raise BundleError("the file starts with a byte order mark (BOM); a bundle is UTF-8 without BOM")
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                          parse_float=_no_float)
    except BundleError:
        raise
    except ValueError as exc:
        raise BundleError(f"not valid JSON: {exc}") from None


def loads(text: str | bytes) -> dict[str, Any]:
    """Parse and shape-check a bundle; raise BundleError naming the first problem."""
    bundle = parse(text)
    check_shape(bundle)
    return bundle


def roster_text(bundle: Mapping[str, Any]) -> str:
    """The roster file the lines stand for: each line followed by LF."""
    return "".join(line + "\n" for line in bundle["roster"]["lines"])


def check_shape(bundle: Any) -> None:
    """Raise BundleError unless every documented field is present with its JSON type, no other
    field is there, and the fixed-format fields (hashes, seed, dates, times) are well-formed."""
    _check(bundle, SCHEMA, "bundle")
    if bundle["format"] != FORMAT:
        raise BundleError(f"bundle.format is {bundle['format']!r}, expected {FORMAT!r}")
    for key in ("plan_sha256", "commitment", "seed"):
        _hex64(bundle[key], f"bundle.{key}")
    _hex64(bundle["roster"]["sha256"], "bundle.roster.sha256")
    date = bundle["meeting"]["date"]
    if date is not None and not _valid_date(date):
        raise BundleError(f"bundle.meeting.date must be null or a date YYYY-MM-DD, not {date!r}")
    for i, ev in enumerate(bundle["events"]):
        where = f"bundle.events[{i}]"
        spec = PAYLOADS.get(ev["type"])
        if spec is not None:
            _check(ev["payload"], spec, f"{where}.payload ({ev['type']})")
        _hex64(ev["prev_hash"], f"{where}.prev_hash")
        _hex64(ev["hash"], f"{where}.hash")
        if not valid_at(ev["at"]):
            raise BundleError(f"{where}.at must be a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ, not {ev['at']!r}")
    for i, call in enumerate(bundle["calls"]):
        for key in ("started_at", "ended_at"):
            if call[key] and not valid_at(call[key]):
                raise BundleError(f"bundle.calls[{i}].{key} must be \"\" or a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ")
    _values(bundle, "bundle")


def valid_at(text: str) -> bool:
    """Whether `text` is a real UTC instant written YYYY-MM-DDTHH:MM:SS.mmmZ."""
    m = _AT.fullmatch(text)
    if not m or not _valid_date(text[:10]):
        return False
    hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6))
    return hour <= 23 and minute <= 59 and second <= 59


def _valid_date(text: str) -> bool:
    import datetime as dt

    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return False
    return True


def _hex64(value: str, path: str) -> None:
    if not _HEX64.fullmatch(value):
        raise BundleError(f"{path} must be 64 lowercase hex digits")


def _values(value: Any, path: str) -> None:
    """Everywhere (other events' payloads and keys included): no string holds a lone surrogate
    (it has no UTF-8 form) and every integer is exact in any JSON reader (|n| ≤ 2^53 − 1)."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise BundleError(f"{path} contains a lone surrogate (\\ud800–\\udfff), which is not text")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise BundleError(f"{path} is an integer beyond ±(2^53 − 1)")
    elif isinstance(value, dict):
        for key, sub in value.items():
            _values(key, f"{path} (a key)")
            _values(sub, f"{path}.{key}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _values(sub, f"{path}[{i}]")


def _check(value: Any, spec: Any, path: str) -> None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise BundleError(f"{path} must be an object")
        for key, sub in spec.items():
            if key not in value:
                raise BundleError(f"{path}.{key} is missing")
            _check(value[key], sub, f"{path}.{key}")
        for key in value:
            if key not in spec:
                raise BundleError(f"{path}.{key} is not a field of the bundle format")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise BundleError(f"{path} must be a list")
        for i, item in enumerate(value):
            _check(item, spec[0], f"{path}[{i}]")
    elif spec == ANY_OBJECT:
        if not isinstance(value, dict):
            raise BundleError(f"{path} must be an object")
    elif spec == NULLABLE_INT:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise BundleError(f"{path} must be an integer or null")
    elif spec == NULLABLE_STR:
        if value is not None and not isinstance(value, str):
            raise BundleError(f"{path} must be a string or null")
    elif spec is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BundleError(f"{path} must be an integer")
    elif spec is str:
        if not isinstance(value, str):
            raise BundleError(f"{path} must be a string")
    elif spec is bool:
        if not isinstance(value, bool):
            raise BundleError(f"{path} must be true or false")
    else:  # pragma: no cover (schema typo)
        raise AssertionError(spec)
