"""Anonymous seats: the public order of a round's scores, shuffled by the verifiable draw.

When a meeting enables it, the public screens list a round's ballot totals as 评分1…评分N in an
order derived from the draw's master key (docs/VERIFY.md, "Anonymous seats"): only someone who
knows the seed can compute it, so nobody can map a score to a seat before the seed is revealed
after the meeting, and anyone can re-derive it afterwards. Pure and deterministic.
"""
from __future__ import annotations

from typing import Sequence, TypeVar

from scoring.draw import uniform_index

ANON_KIND = "anon-seats"  # the step label: distinct from the draw's "cadre" and "household"

T = TypeVar("T")


def public_order(master: bytes, round_number: int, n: int, bits: int | None = None) -> list[int]:
    """The permutation for a round: position k (0-based) on the public screens shows ballot order[k].

    Ballots are indexed in seat order. Fisher–Yates from the end: for i = n-1 … 1, j is
    uniform_index(master, "anon-seats", str(round_number), slot=i, n=i+1) (HMAC-SHA256 with
    rejection sampling, as every draw step), and positions i and j are swapped.
    """
    if n < 0 or round_number < 0:
        raise ValueError("n and the round number must not be negative")
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j, _attempt = uniform_index(master, ANON_KIND, str(round_number), i, i + 1, bits)
        order[i], order[j] = order[j], order[i]
    return order


def apply_order(items: Sequence[T], order: Sequence[int]) -> list[T]:
    """`items` (in seat order) rearranged into the public order."""
    if sorted(order) != list(range(len(items))):
        raise ValueError("the order is not a permutation of the items")
    return [items[i] for i in order]
