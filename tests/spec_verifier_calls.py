"""The basics of tests/spec_verifier.py (§2) and its step 12 (calls follow the draw), written from
docs/VERIFY.md alone."""
from __future__ import annotations

import json
import re
from typing import Any

WS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
     "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class Fail(Exception):
    def __init__(self, step: int, why: str) -> None:
        super().__init__(why)
        self.step = step


def need(step: int, ok: bool, why: str) -> None:
    if not ok:
        raise Fail(step, why)


def clean(s: str) -> str:
    return re.sub("[" + re.escape(WS) + "]+", " ", s).strip(" ")


def cj(v: Any) -> bytes:  # §2 canonical_json
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def eq(a: Any, b: Any) -> bool:  # §13.1: typed equality
    return cj(a) == cj(b)


STATES = ("queued", "dialling", "ringing", "answered", "ended", "busy", "no_answer", "failed", "canceled")


def calls(b: dict, picks: dict, lists: dict) -> None:
    """§14 step 12: calls follow the draw."""
    logged = [e["payload"].get("household") for e in b["events"] if e["type"] in ("call_placed", "call_recorded")]
    need(12, all(isinstance(h, str) for h in logged), "call event without household")
    need(12, logged == [c["household"] for c in b["calls"]], "calls vs call events")
    before: list[dict] = []
    for c in b["calls"]:
        k = c["cadre"]
        need(12, k in picks, "call for a cadre without picks")
        need(12, c["outcome"] in STATES and c["recorded_by"] in ("provider", "moderator"), "outcome/recorded_by")
        need(12, c["provider"] != "manual" or c["recorded_by"] == "moderator", "manual not by moderator")
        if c["provider"] != "manual" and c["outcome"] in ("busy", "no_answer", "failed"):
            need(12, c["recorded_by"] == "provider", "unreachable by hand")
            need(12, bool(c["provider_call_id"]) or (c["outcome"] == "failed" and bool(c["error"])), "no call id")
            need(12, bool(c["started_at"] and c["ended_at"]), "no times")
        mine = [x for x in before if x["cadre"] == k]
        codes = [q["code"] for q in picks[k]]
        if c["how"] == "picked":
            need(12, c["household"] in codes, "picked but not picked")
            slot = codes.index(c["household"])
            need(12, eq(c["slot"], picks[k][slot]["slot"]) and c["reason"] == "", "slot/reason")
            need(12, all(any(x["household"] == q for x in mine) for q in codes[:slot]), "out of order")
        else:
            need(12, c["how"] == "named", "how")
            need(12, c["household"] not in lists[k] and c["slot"] is None, "named one of the list")
            need(12, bool(c["reason"]) and c["reason"] == clean(c["reason"]), "named without reason")
            need(12, len(codes) == len(lists[k]) and all(
                any(x["household"] == q and x["outcome"] in ("ended", "busy", "no_answer", "failed") for x in mine)
                for q in codes), "named before exhausted")
        before.append(c)
