"""Return visits (回访) of a case: which households are called back, and what their answers mean.

Pure, standard library only. The pick is the same verifiable draw as on stage
(scoring.draw: HMAC-SHA256, rejection sampling without modulo bias), from the case's own
seed, committed (SHA-256) when the case was opened and revealed when it closes:

    key   = HMAC-SHA256(seed bytes, "return-visit|<case code>|<visit n>")
    slot i: index, attempt = scoring.draw.uniform_index(key, "visit", "", i, len(remaining))
            remaining = the case's household codes sorted by code point, minus slots 0..i-1

so visit n calls its households in this order (the next one when a household cannot be
reached), and anyone can re-derive the order after the reveal (docs/FOLLOWUP.md).

The survey: step 1 resolved? (1 yes, 2 partly, 3 no), step 2 satisfied 1–5. The visit is
satisfied when the demand is resolved and the satisfaction is at least SATISFIED_AT_LEAST;
"no" contradicts the reply (the unit said it was done); anything else is unsatisfied.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from scoring.draw import DrawError, seed_bytes, uniform_index

KIND = "visit"
STEPS = ("visit_resolved", "visit_satisfaction")  # the order of the Gathers on a return-visit call
RESOLVED = {"1": "yes", "2": "partly", "3": "no"}
SATISFIED_AT_LEAST = 4  # satisfaction 4 or 5 (of 5) with the demand resolved closes the case

@dataclass(frozen=True)
class VisitPick:
    """One slot of a return visit's order: how it was derived, and which household came out."""

    slot: int
    attempt: int
    index: int
    pool_size: int
    code: str

    def as_dict(self) -> dict[str, Any]:
        """Plain values (for the event log and the verifier)."""
        return {"slot": self.slot, "attempt": self.attempt, "index": self.index, "pool_size": self.pool_size,
                "code": self.code}


def visit_key(seed_hex: str, case_code: str, visit: int) -> bytes:
    """HMAC-SHA256(seed, "return-visit|<case code>|<visit n>"); visit n starts at 1."""
    if visit < 1:
        raise DrawError("the visit number starts at 1")
    return hmac.new(seed_bytes(seed_hex), f"return-visit|{case_code}|{visit}".encode("utf-8"),
                    hashlib.sha256).digest()


def pick_order(seed_hex: str, case_code: str, visit: int, codes: Sequence[str],
               bits: int | None = None) -> list[VisitPick]:
    """Every household of the case in the order visit n calls them (see the module docstring).

    `bits` (tests only) widens the candidate to force the rejection branch.
    """
    key = visit_key(seed_hex, case_code, visit)
    remaining = sorted(set(codes))
    out: list[VisitPick] = []
    slot = 0
    while remaining:
        index, attempt = uniform_index(key, KIND, "", slot, len(remaining), bits)
        out.append(VisitPick(slot, attempt, index, len(remaining), remaining.pop(index)))
        slot += 1
    return out


def parse_digit(step: str, digits: str | None) -> Any:
    """The answer a key press gives for a step, or None if it is not a valid key."""
    key = (digits or "").strip()[:1]
    if step == "visit_resolved":
        return RESOLVED.get(key)
    if step == "visit_satisfaction":
        return int(key) if key in ("1", "2", "3", "4", "5") else None
    raise ValueError(f"unknown return-visit step {step!r}")


def next_step(step: str) -> str | None:
    """The step after `step`, or None after the last."""
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def complete(answers: Mapping[str, Any]) -> bool:
    """Both questions answered."""
    return all(answers.get(s) is not None for s in STEPS)


def outcome(answers: Mapping[str, Any]) -> str:
    """satisfied | unsatisfied | contradicting (scoring.cases.VISIT_OUTCOMES) of complete answers."""
    if not complete(answers):
        raise ValueError("the survey is not complete")
    resolved, score = answers["visit_resolved"], int(answers["visit_satisfaction"])
    if resolved == "yes" and score >= SATISFIED_AT_LEAST:
        return "satisfied"
    if resolved == "no":
        return "contradicting"
    return "unsatisfied"


def reason(visit: int, household: str, answers: Mapping[str, Any]) -> str:
    """The recorded why of a visit's outcome (kept in the case stream, the reopen's reason)."""
    return (f"return visit {visit}, household {household}: resolved {answers.get('visit_resolved')}, "
            f"satisfaction {answers.get('visit_satisfaction')}/5")
