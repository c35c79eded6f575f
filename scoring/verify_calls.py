"""Step 12 of the verifier: calls follow the draw (docs/VERIFY.md §14). Standard library only."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from scoring.pool import clean_text
from scoring.verify_common import Mismatch, same

CALL_STATES = ("queued", "dialling", "ringing", "answered", "ended", "busy", "no_answer", "failed", "canceled")
UNREACHABLE = ("busy", "no_answer", "failed")
CALL_EVENTS = ("call_placed", "call_recorded")


def check_calls(b: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
                picks: Mapping[int, list[dict[str, Any]]]) -> None:
    """Calls follow the draw (docs/VERIFY.md §14 step 12): every household called, in order, with
    how it came to be called and who reported each outcome."""
    logged = []
    for ev in events:
        if ev["type"] in CALL_EVENTS:
            household = ev["payload"].get("household") if isinstance(ev["payload"], dict) else None
            if not isinstance(household, str):
                raise Mismatch(f"event seq {ev['seq']} ({ev['type']}): payload has no household code")
            logged.append(household)
    same("households of calls (in the order of the call_placed/call_recorded events)",
          [c["household"] for c in b["calls"]], logged)
    listed = {h["cadre"]: h["households"] for h in b["household_picks"]}
    passed: dict[int, set[str]] = {}   # cadre -> households with a reached or unreachable outcome
    called: dict[int, set[str]] = {}
    for i, c in enumerate(b["calls"]):
        where = f"calls[{i}] (household {c['household']})"
        cadre = c["cadre"]
        if cadre not in picks:
            raise Mismatch(f"{where}: cadre {cadre} had no households picked by the draw")
        if c["outcome"] not in CALL_STATES:
            raise Mismatch(f"{where}: outcome {c['outcome']!r} is not one of {', '.join(CALL_STATES)}")
        if c["recorded_by"] not in ("provider", "moderator"):
            raise Mismatch(f"{where}: recorded_by {c['recorded_by']!r} is not provider or moderator")
        if c["provider"] == "manual" and c["recorded_by"] != "moderator":
            raise Mismatch(f"{where}: a manual call's outcome is recorded by the moderator, not {c['recorded_by']!r}")
        if c["outcome"] in UNREACHABLE and c["provider"] != "manual":
            if c["recorded_by"] != "provider":
                raise Mismatch(f"{where}: {c['outcome']} on a {c['provider']} call must be reported by the provider")
            if not c["provider_call_id"] and not (c["outcome"] == "failed" and c["error"]):
                raise Mismatch(f"{where}: {c['outcome']} reported by the provider without its call id")
            if not c["started_at"] or not c["ended_at"]:
                raise Mismatch(f"{where}: {c['outcome']} reported by the provider without its times")
        order = [p["code"] for p in picks[cadre]]
        done, reached = called.setdefault(cadre, set()), passed.setdefault(cadre, set())
        if c["how"] == "picked":
            if c["household"] not in order:
                raise Mismatch(f"{where}: called as picked, but the draw did not pick it for cadre {cadre}")
            k = order.index(c["household"])
            same(f"{where}: slot", c["slot"], picks[cadre][k]["slot"])
            same(f"{where}: reason", c["reason"], "")
            skipped = [code for code in order[:k] if code not in done]
            if skipped:
                raise Mismatch(f"{where}: called before {skipped[0]}, picked earlier: out of the drawn order")
        elif c["how"] == "named":
            if c["household"] in listed.get(cadre, []):
                raise Mismatch(f"{where}: named by the moderator, but it is one of cadre {cadre}'s households")
            same(f"{where}: slot", c["slot"], None)
            if not c["reason"] or c["reason"] != clean_text(c["reason"]):
                raise Mismatch(f"{where}: a household named by the moderator needs a reason (non-empty clean text)")
            if len(order) < len(listed.get(cadre, [])) or any(code not in reached for code in order):
                raise Mismatch(f"{where}: named by the moderator before the draw's picks were exhausted")
        else:
            raise Mismatch(f"{where}: how {c['how']!r} is not picked or named")
        done.add(c["household"])
        if c["outcome"] == "ended" or c["outcome"] in UNREACHABLE:
            reached.add(c["household"])
