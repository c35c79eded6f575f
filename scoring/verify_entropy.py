"""Step 9 of the verifier: the live entropy (docs/VERIFY.md §7, §14 step 9). Standard library only.

The entered entropy must be canonical and, when the notice declared its sources, be exactly
one value per declared source, in order, each in the one accepted spelling (scoring.entropy),
entered on stage: after the meeting started (rehearsals have no meeting) and before the first
draw (step 4 checks that every draw step comes after it).
"""
from __future__ import annotations

import unicodedata
from typing import Any, Mapping, Sequence

from scoring.draw import DrawError, canonical_entropy, normalise_entropy
from scoring.entropy import EntropyFormError, check_entry, declared_sources
from scoring.pool import REHEARSAL_PROTOCOL
from scoring.verify_common import Mismatch, field, of_type, same

NO_ENTROPY = {"sources": [], "canonical": ""}


def declaration(events: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any] | None, list[dict[str, Any]]]:
    """(the entropy_declared event that counts — the last one — or None, its sources or [])."""
    declared = of_type(events, "entropy_declared")
    if not declared:
        return None, []
    return declared[-1], field(declared[-1], "sources")


def check_entropy(b: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> str:
    """Check the bundle's entropy against its events and the declaration; return the canonical entropy."""
    entered = of_type(events, "entropy_entered")
    entropy_ev = entered[0] if entered else None  # step 4 saw to "at most once"
    sources = b["entropy"]["sources"]
    if entropy_ev is None:
        same("entropy (none was entered)", b["entropy"], NO_ENTROPY)
        canonical = ""
    else:
        try:
            canonical = canonical_entropy(sources)
            same("entropy sources (canonical form)", sources, normalise_entropy(sources))
        except DrawError as exc:
            raise Mismatch(f"entropy: {exc}") from None
        unassigned = [ch for ch in canonical if unicodedata.category(ch) == "Cn"]
        if unassigned:
            raise Mismatch(f"entropy: U+{ord(unassigned[0]):04X} is not assigned in Unicode "
                           f"{unicodedata.unidata_version}")
        same("entropy.canonical", b["entropy"]["canonical"], canonical)
        same("entropy sources in the entropy_entered event", field(entropy_ev, "sources"), sources)
        same("canonical entropy in the entropy_entered event", field(entropy_ev, "canonical"), canonical)
    check_declared(events, sources if entropy_ev is not None else None)
    if entropy_ev is not None and b["protocol"] != REHEARSAL_PROTOCOL:
        started = [e["seq"] for e in of_type(events, "meeting_started")]
        if not started or started[0] > entropy_ev["seq"]:
            raise Mismatch(f"event seq {entropy_ev['seq']} (entropy_entered): live entropy entered before the "
                           f"meeting started (meeting_started {'seq ' + str(started[0]) if started else 'missing'})")
    return canonical


def check_declared(events: Sequence[Mapping[str, Any]], entered: list[dict[str, Any]] | None) -> None:
    """Every declaration is canonical; the entered sources (None: none entered) match the last one."""
    for ev in of_type(events, "entropy_declared"):
        listed = field(ev, "sources")
        try:
            canonical = declared_sources(listed)
        except EntropyFormError as exc:
            raise Mismatch(f"event seq {ev['seq']} (entropy_declared): sources are not a valid declaration "
                           f"({exc.code}{_values(exc)})") from None
        same(f"event seq {ev['seq']} (entropy_declared): sources (canonical form)", listed, canonical)
    last, declared = declaration(events)
    if last is None or entered is None:
        return
    try:
        check_entry(declared, entered)
    except EntropyFormError as exc:
        if exc.code == "entropy_sources_mismatch":
            got = [s["label"] for s in entered]
            want = [s["label"] for s in declared]
            raise Mismatch(f"entropy.sources: labels {got!r} entered, {want!r} declared (entropy_declared "
                           f"seq {last['seq']}): one value per declared source, in order") from None
        i = next(k for k, s in enumerate(declared) if s["label"] == exc.values.get("label"))
        raise Mismatch(f"entropy.sources[{i}].value: {entered[i]['value']!r} is not the accepted form of "
                       f"declared source {declared[i]['label']!r} ({declared[i]['count']} {declared[i]['kind']}, "
                       f"e.g. {exc.values.get('example')!r})") from None


def _values(exc: EntropyFormError) -> str:
    return "".join(f", {k} {v!r}" for k, v in exc.values.items())
