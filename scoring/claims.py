"""The drawn cadre's claims beside the households' answers, pure.

Before or during the report the moderator enters what the cadre claims (`Claims`: households
visited of those assigned, demands collected, demands resolved). As the households called at
random answer the keypad survey, `compare` tells how the claims stand against the answers:

* **contradiction** — the answers show the claims cannot be true: more sampled households say
  "never visited" than the cadre admits left unvisited (claiming all visited and one household
  saying no is enough), or the cadre claims every demand resolved and a household says its
  demand was not resolved;
* **doubtful** — possible, but unlikely under the claims: the number of "not visited" answers
  has a probability below `DOUBT_P` (exactly, by the hypergeometric law: the households called
  are a random sample of the cadre's list), or every demand is claimed resolved and a household
  says "partly", or the cadre claims no demand collected and a household says it raised one that
  is unresolved;
* **consistent** — nothing in the answers so far speaks against the claims; **pending** —
  no household has answered yet.

In Yishui a cadre who had visited 13 of 31 households claimed all 31: the first household to
press "not visited" makes it a contradiction. Standard library only; exact fractions.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import Any, Iterable, Mapping

FIELDS = ("visited", "assigned", "demands_collected", "demands_resolved")
MAX_COUNT = 100000
DOUBT_P = Fraction(1, 20)  # below 5 %: doubtful
LEVELS = ("pending", "consistent", "doubtful", "contradiction")


class ClaimsError(ValueError):
    """The claims are not valid; `code` is stable for translation, `field` names the field."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(code)
        self.code, self.field = code, field


@dataclass(frozen=True)
class Claims:
    """What the cadre claims: `visited` of `assigned` households, demands collected and resolved."""

    visited: int
    assigned: int
    demands_collected: int
    demands_resolved: int

    def to_json(self) -> dict[str, int]:
        """JSON-ready dict (stored on the round, logged in the event)."""
        return {k: getattr(self, k) for k in FIELDS}


def _count(raw: Mapping[str, Any], field: str) -> int:
    value = raw.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClaimsError("claim_not_count", field)
    if not 0 <= value <= MAX_COUNT:
        raise ClaimsError("claim_out_of_range", field)
    return value


def validate(raw: Any, default_assigned: int) -> Claims:
    """Claims from the moderator's form. `assigned` defaults to the cadre's household count.

    Whole numbers, 0 ≤ visited ≤ assigned, 1 ≤ assigned, 0 ≤ demands_resolved ≤ demands_collected.
    Raises ClaimsError: claims_not_object, claims_unknown_fields, claim_not_count, claim_out_of_range,
    claim_visited_over_assigned, claim_resolved_over_collected, claim_no_households.
    """
    if not isinstance(raw, Mapping):
        raise ClaimsError("claims_not_object")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise ClaimsError("claims_unknown_fields", ", ".join(str(u) for u in unknown))
    values = dict(raw)
    if values.get("assigned") is None:
        values["assigned"] = default_assigned
    out = {field: _count(values, field) for field in FIELDS}
    if out["assigned"] < 1:
        raise ClaimsError("claim_no_households", "assigned")
    if out["visited"] > out["assigned"]:
        raise ClaimsError("claim_visited_over_assigned", "visited")
    if out["demands_resolved"] > out["demands_collected"]:
        raise ClaimsError("claim_resolved_over_collected", "demands_resolved")
    return Claims(**out)


def hypergeometric_tail(population: int, marked: int, sample: int, at_least: int) -> Fraction:
    """P(X ≥ at_least) for X the marked items in a random sample without replacement (exact)."""
    if sample > population or marked > population or min(population, marked, sample) < 0:
        raise ValueError("impossible sample")
    total = comb(population, sample)
    hits = sum(comb(marked, k) * comb(population - marked, sample - k)
               for k in range(max(at_least, 0), min(marked, sample) + 1))
    return Fraction(hits, total)


@dataclass(frozen=True)
class ClaimsCheck:
    """How the claims stand against the answers: `level` (LEVELS), `codes` saying why, and the
    counts both sides show (述职称 / 群众答)."""

    level: str
    codes: tuple[str, ...]
    answered: int           # households that answered the visit question
    said_not_visited: int
    said_visited: int
    with_demand: int        # households saying they raised a demand (resolved yes / partly / no)
    said_unresolved: int
    said_partly: int
    visit_p: Fraction | None  # P(this many or more "not visited" | the claim), when computed

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (snapshot: round.claims_check)."""
        return {"level": self.level, "codes": list(self.codes), "answered": self.answered,
                "said_not_visited": self.said_not_visited, "said_visited": self.said_visited,
                "with_demand": self.with_demand, "said_unresolved": self.said_unresolved,
                "said_partly": self.said_partly,
                "visit_p": None if self.visit_p is None else f"{float(self.visit_p):.4f}"}


def compare(claims: Claims, answers: Iterable[Mapping[str, Any]]) -> ClaimsCheck:
    """The claims against the survey answers of the households called (one mapping per call:
    visited yes/no, resolved yes/partly/no/none; missing keys are unanswered questions)."""
    rows = list(answers)
    visited = [a.get("visited") for a in rows if a.get("visited") in ("yes", "no")]
    resolved = [a.get("resolved") for a in rows if a.get("resolved") in ("yes", "partly", "no", "none")]
    no_visit, yes_visit = visited.count("no"), visited.count("yes")
    unresolved, partly = resolved.count("no"), resolved.count("partly")
    with_demand = sum(1 for r in resolved if r != "none")
    contradictions: list[str] = []
    doubts: list[str] = []
    p: Fraction | None = None
    unvisited = claims.assigned - claims.visited
    sampled = min(len(visited), claims.assigned)
    if no_visit > unvisited:
        contradictions.append("visits_all_claimed" if unvisited == 0 else "visits_fewer_than_claimed")
    elif no_visit:
        p = hypergeometric_tail(claims.assigned, unvisited, sampled, no_visit)
        if p < DOUBT_P:
            doubts.append("visits_unlikely")
    all_resolved = claims.demands_collected > 0 and claims.demands_resolved == claims.demands_collected
    if all_resolved and unresolved:
        contradictions.append("demands_all_claimed_resolved")
    elif all_resolved and partly:
        doubts.append("demands_partly_resolved")
    if claims.demands_collected == 0 and unresolved:
        doubts.append("demands_not_collected")
    if contradictions:
        level = "contradiction"
    elif doubts:
        level = "doubtful"
    elif visited or resolved:
        level = "consistent"
    else:
        level = "pending"
    return ClaimsCheck(level, tuple(contradictions + doubts), len(visited), no_visit, yes_visit, with_demand,
                       unresolved, partly, p)
