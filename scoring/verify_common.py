"""What the verifier's modules share: the Mismatch it raises and its comparisons (docs/VERIFY.md §14).

Standard library only.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from scoring.chain import canonical_json


class Mismatch(Exception):
    """The first thing in the bundle that does not check out."""


def same(what: str, claimed: Any, computed: Any) -> None:
    """Equal as JSON values: same types too (true is not 1), compared by their canonical JSON."""
    if claimed != computed or canonical_json(claimed) != canonical_json(computed):
        raise Mismatch(f"{what}: the bundle says {claimed!r}, recomputed {computed!r}")


def field(event: Mapping[str, Any], key: str) -> Any:
    """A payload field of an event, or Mismatch naming the event."""
    try:
        return event["payload"][key]
    except (KeyError, TypeError):
        raise Mismatch(f"event seq {event['seq']} ({event['type']}): payload has no {key!r}") from None


def only(events: Sequence[Mapping[str, Any]], type_: str, required: bool = True) -> Mapping[str, Any] | None:
    """The one event of a type (Mismatch if it is there twice, or missing when required)."""
    found = [e for e in events if e["type"] == type_]
    if len(found) > 1:
        raise Mismatch(f"event log: {type_} appears {len(found)} times")
    if required and not found:
        raise Mismatch(f"event log: no {type_} event")
    return found[0] if found else None


def of_type(events: Sequence[Mapping[str, Any]], type_: str) -> list[Mapping[str, Any]]:
    """Every event of a type, in log order."""
    return [e for e in events if e["type"] == type_]
