"""A case's return-visit seed (scoring.visits): committed when the case opens, sealed at rest,
revealed when it closes. Inner steps, in the caller's transaction."""
from __future__ import annotations

from typing import Any

from meeting.models.cases import Case
from meeting.services.draw.sealing import seal_labelled, unseal_labelled
from scoring import cases as rules
from scoring.draw import commitment, new_seed


def seed_label(case: Case) -> str:
    """The binding of a case's sealed seed (services/draw/sealing.py)."""
    return f"case:{case.id}"


def commit_seed(case: Case) -> None:
    """A new case of a kind with return visits gets its seed: sealed at rest, its SHA-256 published."""
    if "start_return_visit" not in rules.actions(case.kind, "replied"):
        return
    seed = new_seed()
    case.seed_commitment = commitment(seed)
    case.seed_sealed = seal_labelled(seed_label(case), seed)


def secret_seed(case: Case) -> str:
    """The case's seed: public once revealed, else unsealed with the configured key."""
    return case.seed_hex or unseal_labelled(seed_label(case), case.seed_sealed or "")


def reveal_if_closed(case: Case, payload: dict[str, Any]) -> None:
    """A closed case reveals its seed (in the closing event's payload): its visits can be re-derived."""
    if case.status == "closed" and case.seed_sealed and not case.seed_hex:
        case.seed_hex = secret_seed(case)
        payload["seed"] = case.seed_hex
