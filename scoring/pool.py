"""The frozen draw pool: canonical roster lines, their hash, exclusions and the draw plan.

Byte-exact definitions are in docs/VERIFY.md; this module is their reference implementation.
Standard library only.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from scoring.cells import neutral
from scoring.chain import canonical_json

# Protocol labels: the label is hashed into the master key, so a rehearsal can never
# reproduce (or pre-compute) the real meeting's draws.
PROTOCOL = "minkao-draw/1"
REHEARSAL_PROTOCOL = "minkao-draw/1-rehearsal"
PROTOCOLS = (PROTOCOL, REHEARSAL_PROTOCOL)

# The stratum key of a plan that draws from the whole (possibly rank-filtered) pool.
WHOLE = "*"
MAX_DRAWS_PER_STRATUM = 1_000_000

# Exactly the characters Python's str.isspace() accepts (written out so other
# implementations need not guess; a test keeps the two in step).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WS_RUN = re.compile("[" + re.escape(WHITESPACE) + "]+")
_NUMBER = re.compile(r"0|[1-9][0-9]*")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class PoolError(ValueError):
    """The roster, the exclusions or the plan are not in canonical, consistent form."""


def clean_text(text: str) -> str:
    """Collapse every run of whitespace to one space and strip both ends (fields, reasons)."""
    return _WS_RUN.sub(" ", str(text)).strip(" ")


def nfkc_clean(text: str) -> str:
    """NFKC-normalise, then clean_text (used for live entropy typed at the console)."""
    return clean_text(unicodedata.normalize("NFKC", str(text)))


@dataclass(frozen=True)
class RosterEntry:
    """One eligible cadre as frozen in the roster file."""

    number: int
    stratum: str  # township code ("" if none)
    rank: str
    name: str
    household_count: int
    household_digest: str

    def line(self) -> str:
        """The canonical line, without its terminating LF."""
        return "\t".join((str(self.number), self.stratum, self.rank, self.name,
                          str(self.household_count), self.household_digest))


def households_digest(codes: Iterable[str]) -> str:
    """SHA-256 (hex) of the household codes sorted by code point, each followed by LF."""
    ordered = sorted(codes)
    for code in ordered:
        if not code or code != clean_text(code):
            raise PoolError(f"household code {code!r} is empty or has stray white space")
    return hashlib.sha256("".join(c + "\n" for c in ordered).encode("utf-8")).hexdigest()


def make_entry(number: int, stratum: str, rank: str, name: str, codes: Iterable[str]) -> RosterEntry:
    """Build an entry from database values: text fields cleaned, then neutralised (a name typed
    `=HYPERLINK(…)` is written `'=HYPERLINK(…)`: the file opens in a spreadsheet as text)."""
    codes = list(codes)
    return RosterEntry(int(number), neutral(clean_text(stratum or "")), neutral(clean_text(rank or "")),
                       neutral(clean_text(name or "")), len(codes), households_digest(codes))


def parse_line(line: str) -> RosterEntry:
    """Parse one canonical line (without LF); raise PoolError unless it is canonical."""
    parts = line.split("\t")
    if len(parts) != 6:
        raise PoolError(f"roster line {line[:40]!r}: expected 6 tab-separated fields, got {len(parts)}")
    number, stratum, rank, name, count, digest = parts
    if not _NUMBER.fullmatch(number) or not _NUMBER.fullmatch(count):
        raise PoolError(f"roster line {line[:40]!r}: number and household count must be plain decimals")
    if not _HEX64.fullmatch(digest):
        raise PoolError(f"roster line {line[:40]!r}: household digest must be 64 lowercase hex digits")
    for field in (stratum, rank, name):
        if field != clean_text(field):
            raise PoolError(f"roster line {line[:40]!r}: field {field!r} is not in clean form")
        if field != neutral(field):
            raise PoolError(f"roster line {line[:40]!r}: field {field!r} is not neutralised (it begins with "
                            f"{field[:1]!r}: a leading ' is required)")
    return RosterEntry(int(number), stratum, rank, name, int(count), digest)


def roster_text(entries: Iterable[RosterEntry]) -> str:
    """The canonical roster file: lines sorted by number, each ending in LF."""
    ordered = sorted(entries, key=lambda e: e.number)
    for a, b in zip(ordered, ordered[1:]):
        if a.number == b.number:
            raise PoolError(f"cadre number {a.number} appears twice")
    return "".join(e.line() + "\n" for e in ordered)


def parse_roster(text: str) -> list[RosterEntry]:
    """Parse a canonical roster file; raise PoolError on any deviation from canonical form."""
    if text and not text.endswith("\n"):
        raise PoolError("roster text must end with LF")
    entries = [parse_line(line) for line in text.split("\n")[:-1]] if text else []
    for a, b in zip(entries, entries[1:]):
        if a.number >= b.number:
            raise PoolError(f"roster numbers must strictly increase: {a.number} then {b.number}")
    return entries


def roster_hash(text: str) -> str:
    """SHA-256 (hex, lowercase) of the roster file's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_exclusions(exclusions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """[{number, reason}] sorted by number; every exclusion needs a reason, numbers once."""
    out: dict[int, str] = {}
    for item in exclusions:
        try:
            number = int(item["number"])
        except (KeyError, TypeError, ValueError):
            raise PoolError(f"exclusion {item!r} has no valid cadre number") from None
        reason = clean_text(item.get("reason", ""))
        if not reason:
            raise PoolError(f"the exclusion of cadre {number} needs a reason")
        if number in out:
            raise PoolError(f"cadre {number} is excluded twice")
        out[number] = reason
    return [{"number": n, "reason": out[n]} for n in sorted(out)]


def _positive(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PoolError(f"{what} must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise PoolError(f"{what} must be a whole number") from None
    if not 1 <= number <= MAX_DRAWS_PER_STRATUM:
        raise PoolError(f"{what} must be between 1 and {MAX_DRAWS_PER_STRATUM}")
    return number


def normalise_plan(plan: Mapping[str, Any], default_draws: int | None = None) -> dict[str, Any]:
    """The canonical plan {kind, ranks, strata: [{key, draws}]} from a looser description.

    Accepted input: {"kind": "whole", "draws": N}; {"kind": "filter", "ranks": [...], "draws": N};
    {"kind": "strata", "strata": ["T01", ...] or [{"key": "T01", "draws": 1}, ...],
    "per_stratum": 1, "ranks": [...]}. A canonical plan normalises to itself.
    """
    if not isinstance(plan, Mapping):
        raise PoolError("the draw plan must be a JSON object")
    ranks_in = plan.get("ranks") or []
    if isinstance(ranks_in, str) or not all(isinstance(r, str) for r in ranks_in):
        raise PoolError("plan ranks must be a list of rank names")
    ranks = sorted({clean_text(r) for r in ranks_in if clean_text(r)})
    strata_in = plan.get("strata") or []
    if plan.get("kind") == "strata" and not strata_in:
        raise PoolError("a stratified plan needs its list of strata")
    if plan.get("kind") == "filter" and not ranks:
        raise PoolError("a filtered plan needs the ranks it keeps")
    strata: list[dict[str, Any]] = []
    if strata_in and not (len(strata_in) == 1 and isinstance(strata_in[0], Mapping)
                          and strata_in[0].get("key") == WHOLE):
        per = plan.get("per_stratum", 1)
        for item in strata_in:
            key, draws = (item.get("key"), item.get("draws", per)) if isinstance(item, Mapping) else (item, per)
            key = clean_text(key if isinstance(key, str) else "")
            if not key or key == WHOLE:
                raise PoolError(f"stratum key {key!r} is not a township code")
            strata.append({"key": key, "draws": _positive(draws, f"draws of stratum {key}")})
        keys = [s["key"] for s in strata]
        if len(set(keys)) != len(keys):
            raise PoolError("a stratum appears twice in the plan")
        kind = "strata"
    else:
        draws = strata_in[0].get("draws") if strata_in else plan.get("draws", default_draws)
        if draws is None:
            raise PoolError("the plan needs a number of draws")
        strata = [{"key": WHOLE, "draws": _positive(draws, "draws")}]
        kind = "filter" if ranks else "whole"
    return {"kind": kind, "ranks": ranks, "strata": strata}


def plan_hash(plan: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the canonical plan."""
    return hashlib.sha256(canonical_json(normalise_plan(plan))).hexdigest()


def stratum_numbers(entries: Sequence[RosterEntry], key: str) -> list[int]:
    """Numbers of the roster entries in one stratum, in roster (ascending) order. A roster line
    holds the township code neutralised (scoring.cells), so the key is compared neutralised."""
    return [e.number for e in entries if key == WHOLE or e.stratum == neutral(key)]


def admits(plan: Mapping[str, Any], stratum: str, rank: str) -> bool:
    """Whether a cadre with this township code and rank belongs in the plan's pool."""
    if plan["ranks"] and rank not in plan["ranks"]:
        return False
    keys = [s["key"] for s in plan["strata"]]
    return keys == [WHOLE] or neutral(stratum) in [neutral(k) for k in keys]


def first_pool_error(entries: Sequence[RosterEntry], plan: Mapping[str, Any],
                     exclusions: Sequence[Mapping[str, Any]] = ()) -> str | None:
    """Why the roster does not fit the canonical plan and exclusions, or None if it does."""
    for e in entries:
        if not admits(plan, e.stratum, e.rank):
            return f"cadre {e.number} (township {e.stratum!r}, rank {e.rank!r}) is outside the plan's pool"
    numbers = {e.number for e in entries}
    for item in exclusions:
        if item["number"] in numbers:
            return f"excluded cadre {item['number']} is in the roster"
    for s in plan["strata"]:
        size = len(stratum_numbers(entries, s["key"]))
        if size < s["draws"]:
            return f"stratum {s['key']} has {size} cadres, fewer than its {s['draws']} draws"
    return None
