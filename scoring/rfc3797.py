"""RFC 3797 "Publicly Verifiable NomCom Random Selection", for organisers who want public
sources only (lottery numbers, stock indices…) and no secret seed at all.

Key string: for each source, its numbers sorted ascending, each in decimal followed by ".",
the source ended by "/"; all sources concatenated. Pick i (from 0): MD5(u16be(i) ‖ key ‖
u16be(i)) as a 128-bit big-endian number, modulo the number of remaining candidates, selects
that position among the not-yet-selected candidates in pool order. (MD5 and the modulo are
the RFC's choices, kept for compatibility; the main protocol in scoring.draw avoids both.)
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from typing import Iterable, Sequence

_INTEGER = re.compile(r"[0-9]+")
MAX_PICKS = 65536  # i is encoded in two bytes


class RFC3797Error(ValueError):
    """A source is not a list of non-negative integers, or the pool/count are invalid."""


def parse_source(text: str) -> list[int]:
    """The non-negative integers of one source, separated by white space or commas."""
    tokens = [t for t in re.split(r"[\s,]+", text.strip()) if t]
    if not tokens:
        raise RFC3797Error("a source has no numbers")
    for token in tokens:
        if not _INTEGER.fullmatch(token):
            raise RFC3797Error(f"{token!r} is not a non-negative integer")
    return [int(t) for t in tokens]


def key_string(sources: Iterable[Sequence[int]]) -> str:
    """The RFC key string, e.g. '9319./2.5.8.10.12./9.18.26.34.41.45./'."""
    return "".join("".join(f"{n}." for n in sorted(numbers)) + "/" for numbers in sources)


def select(pool_size: int, count: int, key: str) -> list[int]:
    """1-based pool positions of the first `count` picks, in pick order."""
    if pool_size < 1 or not 0 <= count <= pool_size or count > MAX_PICKS:
        raise RFC3797Error("need 1 <= pool and 0 <= count <= pool (and count <= 65536)")
    remaining = list(range(1, pool_size + 1))
    key_bytes = key.encode("ascii")
    picks = []
    for i in range(count):
        prefix = i.to_bytes(2, "big")
        value = int.from_bytes(hashlib.md5(prefix + key_bytes + prefix).digest(), "big")
        picks.append(remaining.pop(value % len(remaining)))
    return picks


def main(argv: Sequence[str] | None = None) -> int:
    """Print the selected positions, space-separated; exit 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m scoring.draw rfc3797",
                                     description="RFC 3797 verifiable random selection.")
    parser.add_argument("--pool", type=int, required=True, help="number of candidates, numbered 1..N")
    parser.add_argument("--count", type=int, required=True, help="how many to select")
    parser.add_argument("--source", action="append", required=True,
                        help="one source's numbers, e.g. '2 5 12 8 10' (repeat, in the announced order)")
    parser.add_argument("--show-key", action="store_true", help="also print the key string to stderr")
    args = parser.parse_args(argv)
    try:
        key = key_string(parse_source(s) for s in args.source)
        picks = select(args.pool, args.count, key)
    except RFC3797Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.show_key:
        print(f"key: {key}", file=sys.stderr)
    print(" ".join(str(p) for p in picks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
