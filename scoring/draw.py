"""The verifiable draw: commit–reveal seed, live entropy, HMAC-derived unbiased picks.

Pure and deterministic (except new_seed); docs/VERIFY.md specifies every byte. The service
(meeting.services.draw.pool) and the verifier (scoring.verify) both replay draws with DrawEngine.

Command line (no app needed):
    python -m scoring.draw rfc3797 --pool 25 --count 10 --source "9319" --source "2 5 12 8 10" ...
"""
from __future__ import annotations

import bisect
import hashlib
import hmac
import secrets
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from scoring import rfc3797
from scoring.pool import WHOLE, RosterEntry, nfkc_clean, stratum_numbers

SEED_BYTES = 32
MAX_ATTEMPT = 2**32 - 1  # the attempt counter is encoded in 4 bytes
CADRE = "cadre"
HOUSEHOLD = "household"


class DrawError(ValueError):
    """A draw cannot be made (pool exhausted, plan done, bad entropy, bad skip)."""


def new_seed() -> str:
    """A fresh 256-bit secret seed, hex-encoded (the only non-deterministic function here)."""
    return secrets.token_hex(SEED_BYTES)


def seed_bytes(seed_hex: str) -> bytes:
    """Decode a seed; it must be exactly 64 lowercase hex digits."""
    if len(seed_hex) != 2 * SEED_BYTES or seed_hex != seed_hex.lower():
        raise DrawError("the seed must be 64 lowercase hex digits")
    try:
        return bytes.fromhex(seed_hex)
    except ValueError:
        raise DrawError("the seed must be 64 lowercase hex digits") from None


def commitment(seed_hex: str) -> str:
    """The published commitment: SHA-256 (hex) of the 32 seed bytes."""
    return hashlib.sha256(seed_bytes(seed_hex)).hexdigest()


def normalise_entropy(sources: str | Iterable[Any]) -> list[dict[str, str]]:
    """Live entropy as [{label, value}] in canonical form (see docs/VERIFY.md §4).

    `sources` is one string (labelled "live"), or pairs / {label, value} mappings in the order
    they were announced. Labels and values are NFKC-normalised with white space collapsed.
    """
    if isinstance(sources, str):
        sources = [("live", sources)]
    out: list[dict[str, str]] = []
    for item in sources:
        label, value = (item["label"], item["value"]) if isinstance(item, Mapping) else item
        label, value = nfkc_clean(label), nfkc_clean(value)
        if not label or ":" in label:
            raise DrawError(f"entropy label {label!r} must be non-empty and contain no ':'")
        if not value:
            raise DrawError(f"entropy source {label!r} is empty")
        for ch in label + value:
            if unicodedata.category(ch) == "Cc":
                raise DrawError(f"entropy source {label!r} contains a control character")
            if unicodedata.category(ch) == "Cn":  # the verifier refuses it too (VERIFY.md §7)
                raise DrawError(f"entropy source {label!r}: U+{ord(ch):04X} is not assigned in Unicode "
                                f"{unicodedata.unidata_version}")
        out.append({"label": label, "value": value})
    if not out:
        raise DrawError("at least one entropy source is needed")
    return out


def canonical_entropy(sources: str | Iterable[Any]) -> str:
    """'label: value' per source, joined by LF, no final LF."""
    return "\n".join(f"{s['label']}: {s['value']}" for s in normalise_entropy(sources))


def master_key(seed_hex: str, protocol: str, roster_hash: str, plan_hash: str, entropy: str) -> bytes:
    """HMAC-SHA256(seed, protocol ‖ 0 ‖ roster hash ‖ 0 ‖ plan hash ‖ 0 ‖ canonical entropy)."""
    message = b"\x00".join(x.encode("utf-8") for x in (protocol, roster_hash, plan_hash, entropy))
    return hmac.new(seed_bytes(seed_hex), message, hashlib.sha256).digest()


def step_message(kind: str, stratum: str, slot: int, attempt: int) -> bytes:
    """kind ‖ 0 ‖ stratum ‖ 0 ‖ slot (u32 big-endian) ‖ attempt (u32 big-endian)."""
    return (kind.encode("utf-8") + b"\x00" + stratum.encode("utf-8") + b"\x00"
            + slot.to_bytes(4, "big") + attempt.to_bytes(4, "big"))


def uniform_index(master: bytes, kind: str, stratum: str, slot: int, n: int,
                  bits: int | None = None) -> tuple[int, int]:
    """(index in range(n), attempt) by rejection sampling; no modulo bias, no floats.

    k = bit length of n-1; candidate = the k least significant bits of the HMAC as a
    big-endian integer; a candidate >= n is rejected and the attempt counter bumped.
    `bits` (tests only) widens k to force the rejection branch.
    """
    if n < 1:
        raise DrawError("nothing left to draw from")
    k = (n - 1).bit_length() if bits is None else bits
    if (1 << k) < n or k > 256:
        raise DrawError(f"{k} bits cannot cover {n} positions")
    mask = (1 << k) - 1
    for attempt in range(MAX_ATTEMPT + 1):
        digest = hmac.new(master, step_message(kind, stratum, slot, attempt), hashlib.sha256).digest()
        candidate = int.from_bytes(digest, "big") & mask
        if candidate < n:
            return candidate, attempt
    raise DrawError("rejection sampling ran out of attempts")  # pragma: no cover (p ≈ 2^-(2^32))


@dataclass(frozen=True)
class CadreDraw:
    """One cadre draw: where it sits in the plan, how it was derived, and who came out."""

    draw: int  # 1-based, meeting-wide, counting skipped draws too
    stratum: str
    slot: int  # 0-based within the stratum
    attempt: int
    index: int
    pool_size: int
    number: int

    def as_dict(self) -> dict[str, Any]:
        """The fields that go into events and the bundle."""
        return {"draw": self.draw, "stratum": self.stratum, "slot": self.slot, "attempt": self.attempt,
                "index": self.index, "pool_size": self.pool_size, "number": self.number}


@dataclass(frozen=True)
class HouseholdDraw:
    """One household pick among a drawn cadre's households."""

    cadre: int
    slot: int
    attempt: int
    index: int
    pool_size: int
    code: str

    def as_dict(self) -> dict[str, Any]:
        """The fields that go into events and the bundle (the cadre is given alongside)."""
        return {"slot": self.slot, "attempt": self.attempt, "index": self.index,
                "pool_size": self.pool_size, "code": self.code}


class DrawEngine:
    """Replays and extends the cadre draws of one meeting, without replacement.

    Rules (docs/VERIFY.md §6): strata are served in plan order; the current stratum is the
    first whose non-skipped draws are fewer than its quota; its next slot is the number of
    draws (skipped included) already made in it. Every drawn cadre, skipped or not, leaves the
    pool. Only the latest draw can be skipped, and only once.
    """

    def __init__(self, entries: Sequence[RosterEntry], plan: Mapping[str, Any], master: bytes,
                 bits: int | None = None) -> None:
        self.plan = plan
        self.master = master
        self.bits = bits
        # Members in roster (= ascending number) order; drawn ones are tracked by position so a
        # draw costs O(draws · log n), not O(n): see nth_remaining.
        self.members = {s["key"]: sorted(stratum_numbers(entries, s["key"])) for s in plan["strata"]}
        self.drawn_positions: dict[str, list[int]] = {s["key"]: [] for s in plan["strata"]}
        self.drawn: set[int] = set()
        self.draws: list[CadreDraw] = []
        self.skipped: dict[int, str] = {}
        self.made = {s["key"]: 0 for s in plan["strata"]}
        self.kept = {s["key"]: 0 for s in plan["strata"]}

    def next_position(self) -> tuple[str, int] | None:
        """(stratum, slot) of the next draw, or None when the plan is complete."""
        for s in self.plan["strata"]:
            if self.kept[s["key"]] < s["draws"]:
                return s["key"], self.made[s["key"]]
        return None

    def remaining(self, stratum: str) -> list[int]:
        """Numbers still drawable in a stratum, in roster order."""
        return [n for n in self.members[stratum] if n not in self.drawn]

    def pool_size(self, stratum: str) -> int:
        """How many cadres of a stratum are still drawable."""
        return len(self.members[stratum]) - len(self.drawn_positions[stratum])

    def nth_remaining(self, stratum: str, index: int) -> int:
        """remaining(stratum)[index], without building the list."""
        position = index
        for taken in self.drawn_positions[stratum]:  # ascending
            if taken > position:
                break
            position += 1
        return self.members[stratum][position]

    def draw(self) -> CadreDraw:
        """Derive the next draw and apply it."""
        position = self.next_position()
        if position is None:
            raise DrawError("every draw of the plan has been made")
        stratum, slot = position
        size = self.pool_size(stratum)
        if not size:
            label = "the pool" if stratum == WHOLE else f"stratum {stratum}"
            raise DrawError(f"no cadres are left in {label}")
        index, attempt = uniform_index(self.master, CADRE, stratum, slot, size, self.bits)
        result = CadreDraw(len(self.draws) + 1, stratum, slot, attempt, index, size,
                           self.nth_remaining(stratum, index))
        self._apply(result)
        return result

    def record(self, known: CadreDraw) -> None:
        """Apply a draw already made (loaded from the database) without re-deriving it."""
        if (known.stratum, known.slot) != self.next_position() or known.draw != len(self.draws) + 1:
            raise DrawError(f"draw {known.draw} is out of order")
        self._apply(known)

    def skip(self, draw: int, reason: str) -> None:
        """Mark the latest draw as skipped (absent cadre); its slot stays used."""
        if not self.draws or draw != self.draws[-1].draw:
            raise DrawError("only the latest draw can be skipped")
        if draw in self.skipped:
            raise DrawError(f"draw {draw} is already skipped")
        self.skipped[draw] = reason
        self.kept[self.draws[-1].stratum] -= 1

    def _apply(self, result: CadreDraw) -> None:
        members = self.members[result.stratum]
        position = bisect.bisect_left(members, result.number)
        if position == len(members) or members[position] != result.number or result.number in self.drawn:
            raise DrawError(f"cadre {result.number} cannot be drawn in stratum {result.stratum}")
        bisect.insort(self.drawn_positions[result.stratum], position)
        self.draws.append(result)
        self.drawn.add(result.number)
        self.made[result.stratum] += 1
        self.kept[result.stratum] += 1


def pick_households(master: bytes, cadre: int, codes: Sequence[str], picked: Sequence[str],
                    count: int, bits: int | None = None) -> list[HouseholdDraw]:
    """Extend `picked` (codes already picked, in slot order) to `count` picks, or all codes.

    The pool of slot i is the cadre's codes sorted by code point minus the codes picked in
    slots 0..i-1; the stratum is the cadre number in decimal.
    """
    ordered = sorted(codes)
    already = set(picked)
    remaining = [c for c in ordered if c not in already]
    out: list[HouseholdDraw] = []
    for slot in range(len(picked), min(count, len(ordered))):
        index, attempt = uniform_index(master, HOUSEHOLD, str(cadre), slot, len(remaining), bits)
        out.append(HouseholdDraw(cadre, slot, attempt, index, len(remaining), remaining.pop(index)))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m scoring.draw rfc3797 …` (see scoring.rfc3797)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["rfc3797"]:
        return rfc3797.main(args[1:])
    print("usage: python -m scoring.draw rfc3797 --pool N --count K --source '…' [--source '…' …]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
