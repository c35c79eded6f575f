"""Anonymous seats (per meeting): the public order of a round's scores, shuffled verifiably.

The order is scoring.anon.public_order over the draw's master key, fixed when scoring closes
and stored in the round's result (`public_order`). Public snapshots, the API and the
result_revealed event then list the totals as positions 1…N (评分1…N) with no seat, name or
juror id; the moderator's console still sees seats. docs/SCORING.md §2, docs/VERIFY.md.
"""
from __future__ import annotations

from typing import Any, Mapping

from meeting.errors import Conflict
from meeting.models import Meeting
from meeting.services.draw.common import meeting_master
from meeting.services.draw.sealing import secret_seed
from scoring.anon import apply_order, public_order
from scoring.draw import master_key
from scoring.pool import plan_hash


def anon_master(meeting: Meeting) -> bytes:
    """The key of the shuffle: the meeting's master key; before any live entropy was entered
    (a question round ahead of the first draw) the master key over an empty entropy text."""
    if not (meeting.seed_hex or meeting.seed_sealed):
        raise Conflict("anon_no_seed")
    if meeting.live_entropy:
        return meeting_master(meeting)
    return master_key(secret_seed(meeting), meeting.protocol, meeting.roster_hash, plan_hash(meeting.draw_plan), "")


def order_for(meeting: Meeting, round_number: int, n: int) -> list[int]:
    """The public order of round `round_number`'s n ballots (in seat order)."""
    return public_order(anon_master(meeting), round_number, n)


def is_anonymous(meeting: Meeting, result: Mapping[str, Any]) -> bool:
    """Whether this stored result is shown with anonymous seats."""
    return bool(meeting.anonymous_seats) or "public_order" in result


def _order(result: Mapping[str, Any]) -> list[int]:
    ballots = result.get("ballots", [])
    order = result.get("public_order")
    if order is None or sorted(order) != list(range(len(ballots))):
        # Defensive: never fall back to seat order; by total tells nothing about seats.
        order = sorted(range(len(ballots)), key=lambda i: (str(ballots[i]["total"]), i))
    return list(order)


def public_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """A stored result as the public sees it with anonymous seats: ballots in the public order,
    each {position, total, dropped, outlier}; the dropped and outlier indices renumbered to it."""
    order = _order(result)
    where = {seat_index: k for k, seat_index in enumerate(order)}
    out = {k: v for k, v in result.items() if k not in ("ballots", "public_order", "recused")}
    out["ballots"] = [{"position": k + 1, "total": b["total"], "dropped": b["dropped"], "outlier": b["outlier"]}
                      for k, b in enumerate(apply_order(result.get("ballots", []), order))]
    for key in ("dropped_high_index", "dropped_low_index"):
        if result.get(key) is not None:
            out[key] = where[result[key]]
    out["outliers"] = sorted(where[i] for i in result.get("outliers", []))
    out["anonymous"] = True
    return out


def event_ballots(meeting: Meeting, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ballots of the public result_revealed event: by seat, or anonymous."""
    if is_anonymous(meeting, result):
        return [{"position": b["position"], "total": b["total"], "dropped": b["dropped"]}
                for b in public_result(result)["ballots"]]
    return [{"seat": b["seat"], "total": b["total"], "dropped": b["dropped"]} for b in result.get("ballots", [])]
