"""A second verifier, written from docs/VERIFY.md alone (it imports nothing from scoring/ or the
app): tests/test_verify_spec.py checks that it and scoring.verify agree on the known-answer
bundle and on a table of tampered copies. `check(data)` returns (exit code, failing step of
VERIFY.md §14 or None, reason)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from typing import Any

from tests.spec_verifier_calls import Fail, calls, cj, clean, eq, need

HEX64 = re.compile(r"[0-9a-f]{64}")
RANKS = {"county_leader", "township_leader", "department_head", "cadre"}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# ---- §13.1 / §12 tables, as written there -------------------------------------------------
I, S, B, IN, SN, OBJ = "int", "str", "bool", "int|null", "str|null", "object"
EXCL = {"number": I, "reason": S}
SRC = {"label": S, "value": S}
DECL = {"label": S, "kind": S, "count": I, "supplier": S}
PICK = {"slot": I, "attempt": I, "index": I, "pool_size": I, "code": S}
PLAN = {"kind": S, "ranks": [S], "strata": [{"key": S, "draws": I}]}
TOP = {"format": S, "protocol": S, "rehearsal": B, "meeting": {"id": I, "title": S, "date": SN, "venue": S},
       "roster": {"sha256": S, "count": I, "lines": [S]}, "exclusions": [EXCL], "plan": PLAN, "plan_sha256": S,
       "commitment": S, "seed": S, "entropy": {"sources": [SRC], "canonical": S},
       "draws": [{"draw": I, "stratum": S, "slot": I, "attempt": I, "index": I, "pool_size": I, "number": I,
                  "name": S, "skipped": B, "skip_reason": S}],
       "household_picks": [{"cadre": I, "households": [S], "picks": [PICK]}],
       "calls": [{"cadre": I, "household": S, "how": S, "slot": IN, "reason": S, "provider": S,
                  "provider_call_id": S, "error": S, "outcome": S, "recorded_by": S, "started_at": S,
                  "ended_at": S}],
       "events": [{"seq": I, "type": S, "payload": OBJ, "actor": S, "at": S, "prev_hash": S, "hash": S}]}
PAYLOAD = {"exclusions_set": {"exclusions": [EXCL]},
           "pool_frozen": {"meeting": {"id": I, "title": S}, "protocol": S, "roster_hash": S, "pool_size": I,
                           "plan": PLAN, "plan_hash": S, "exclusions": [EXCL]},
           "entropy_declared": {"sources": [DECL]},
           "seed_committed": {"commitment": S, "notice_sha256": S},
           "entropy_entered": {"sources": [SRC], "canonical": S},
           "cadre_drawn": {"draw": I, "stratum": S, "slot": I, "attempt": I, "index": I, "pool_size": I,
                           "number": I, "name": S, "round_id": IN},
           "cadre_skipped": {"draw": I, "number": I, "reason": S},
           "households_picked": {"cadre": I, "picks": [PICK]},
           "seed_revealed": {"seed": S, "commitment": S}}


def typed(v: Any, t: Any) -> bool:
    if isinstance(t, dict):
        return isinstance(v, dict) and set(v) == set(t) and all(typed(v[k], t[k]) for k in t)
    if isinstance(t, list):
        return isinstance(v, list) and all(typed(x, t[0]) for x in v)
    is_int = isinstance(v, int) and not isinstance(v, bool)
    return {I: is_int, S: isinstance(v, str), B: isinstance(v, bool), IN: v is None or is_int,
            SN: v is None or isinstance(v, str), OBJ: isinstance(v, dict)}[t]


def real_date(s: str) -> bool:
    try:
        return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s)) and dt.date.fromisoformat(s) is not None
    except ValueError:
        return False


def good_at(s: str) -> bool:
    m = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{3}Z", s)
    return bool(m) and real_date(m.group(1)) and int(m.group(2)) < 24 and int(m.group(3)) < 60 \
        and int(m.group(4)) < 60


def walk(v: Any) -> bool:  # no lone surrogates, integers within ±(2^53-1)
    if isinstance(v, str):
        return not any(0xD800 <= ord(c) <= 0xDFFF for c in v)
    if isinstance(v, bool):
        return True
    if isinstance(v, int):
        return abs(v) <= 2**53 - 1
    if isinstance(v, dict):
        return all(walk(k) and walk(x) for k, x in v.items())
    if isinstance(v, list):
        return all(walk(x) for x in v)
    return True


def read(data: bytes) -> dict:
    need(1, not data.startswith(b"\xef\xbb\xbf"), "BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Fail(1, "not UTF-8") from None

    def pairs(ps):
        keys = [k for k, _ in ps]
        need(1, len(keys) == len(set(keys)), "duplicate key")
        return dict(ps)

    def bad(x):
        raise Fail(1, f"number {x}")

    try:
        b = json.loads(text, object_pairs_hook=pairs, parse_constant=bad, parse_float=bad)
    except ValueError:
        raise Fail(1, "not JSON") from None
    need(1, typed(b, TOP), "fields/types")
    need(1, b["format"] == "minkao-draw-bundle/2", "format")
    for x in (b["plan_sha256"], b["commitment"], b["seed"], b["roster"]["sha256"]):
        need(1, bool(HEX64.fullmatch(x)), "hex")
    need(1, b["meeting"]["date"] is None or real_date(b["meeting"]["date"]), "date")
    for e in b["events"]:
        if e["type"] in PAYLOAD:
            need(1, typed(e["payload"], PAYLOAD[e["type"]]), f"payload of {e['type']}")
        need(1, bool(HEX64.fullmatch(e["prev_hash"]) and HEX64.fullmatch(e["hash"])), "event hex")
        need(1, good_at(e["at"]), "at")
    for c in b["calls"]:
        need(1, all(c[k] == "" or good_at(c[k]) for k in ("started_at", "ended_at")), "call times")
    need(1, walk(b), "surrogate or integer range")
    return b


# ---- §3–§11 -------------------------------------------------------------------------------
def hm(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def index(master: bytes, kind: str, stratum: str, slot: int, n: int) -> tuple[int, int]:
    k = (n - 1).bit_length()
    attempt = 0
    while True:
        h = hm(master, kind.encode() + b"\0" + stratum.encode() + b"\0" + slot.to_bytes(4, "big")
               + attempt.to_bytes(4, "big"))
        x = int.from_bytes(h, "big") % (2**k)
        if x < n:
            return x, attempt
        attempt += 1


def canonical_plan(p: dict) -> bool:
    ranks, strata = p["ranks"], p["strata"]
    if ranks != sorted(set(ranks)) or any(not r or r != clean(r) for r in ranks) or not strata:
        return False
    if any(not 1 <= s["draws"] <= 1_000_000 for s in strata):
        return False
    if len(strata) == 1 and strata[0]["key"] == "*":
        return p["kind"] == ("filter" if ranks else "whole")
    keys = [s["key"] for s in strata]
    return p["kind"] == "strata" and len(set(keys)) == len(keys) and all(k and k == clean(k) and k != "*"
                                                                          for k in keys)


def canonical_exclusions(xs: list) -> bool:
    nums = [x["number"] for x in xs]
    return nums == sorted(set(nums)) and all(x["reason"] and x["reason"] == clean(x["reason"]) for x in xs)


def neutral(s: str) -> str:  # §3
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") and s else s


SKIP_REASONS = ["official_duty", "sick_leave", "bereavement", "maternity_leave", "training", "unreachable", "other"]  # §6.1, §10


def canonical_declaration(xs: list) -> bool:  # §7
    labels = [x["label"] for x in xs]
    return bool(xs) and len(set(labels)) == len(labels) and all(
        x["label"] and x["label"] == entropy_form(x["label"]) and ":" not in x["label"] and len(x["label"]) <= 100
        and x["kind"] in ("dice", "digits") and 1 <= x["count"] <= 64
        and x["supplier"] and x["supplier"] == clean(x["supplier"]) and len(x["supplier"]) <= 100 for x in xs)


def spelled(value: str, kind: str, count: int) -> bool:  # §7: the one spelling of a declared source
    alphabet = "123456" if kind == "dice" else "0123456789"
    parts = value.split(" ")
    return len(parts) == count and all(len(p) == 1 and p in alphabet for p in parts)


def entropy_form(s: str) -> str:
    return clean(unicodedata.normalize("NFKC", s))


def check(data: bytes, anchors: list[tuple[int, str]] = (), given: dict | None = None) -> tuple[int, int | None, str]:
    try:
        b = read(data)
    except Fail as f:
        return 2, 1, str(f)
    try:
        verify(b, anchors, given or {})
    except Fail as f:
        return 1, f.step, str(f)
    return 0, None, "OK"


def verify(b: dict, anchors, given: dict) -> None:
    ev = b["events"]
    prev = "0" * 64
    for i, e in enumerate(ev, 1):  # step 2
        need(2, e["seq"] == i and e["prev_hash"] == prev, f"chain at {i}")
        body = {"prev": prev, "seq": e["seq"], "type": e["type"], "payload": e["payload"], "actor": e["actor"],
                "at": e["at"]}
        need(2, sha(cj(body)) == e["hash"], f"hash at {i}")
        prev = e["hash"]
    for seq, h in anchors:  # step 3
        need(3, seq <= len(ev) and ev[seq - 1]["hash"][:len(h)] == h, f"anchor {seq}")

    def seqs(t):
        return [e["seq"] for e in ev if e["type"] == t]
    for t in ("pool_frozen", "seed_committed", "seed_revealed"):  # step 4
        need(4, len(seqs(t)) == 1, f"{t} count")
    need(4, len(seqs("entropy_entered")) <= 1, "entropy count")
    fz, cm, rv = seqs("pool_frozen")[0], seqs("seed_committed")[0], seqs("seed_revealed")[0]
    need(4, all(s < fz for s in seqs("exclusions_set")), "exclusions after freeze")
    need(4, fz < cm, "order")
    need(4, all(s < cm for s in seqs("entropy_declared")), "declared after commit")
    need(4, cm < rv, "order")
    en = (seqs("entropy_entered") or [None])[0]
    need(4, en is None or cm < en < rv, "entropy window")
    steps = seqs("cadre_drawn") + seqs("cadre_skipped") + seqs("households_picked")
    need(4, not steps or (en is not None and all(en < s < rv for s in steps)), "draw window")
    get = {t: ev[seqs(t)[0] - 1]["payload"] for t in ("pool_frozen", "seed_committed", "seed_revealed")}
    frozen = get["pool_frozen"]

    rehearsal = "minkao-draw/1-rehearsal"  # step 5
    need(5, b["protocol"] in ("minkao-draw/1", rehearsal) and b["protocol"] == frozen["protocol"], "protocol")
    need(5, b["rehearsal"] is (b["protocol"] == rehearsal), "rehearsal")
    need(5, eq(frozen["meeting"], {"id": b["meeting"]["id"], "title": b["meeting"]["title"]}), "meeting")

    lines = b["roster"]["lines"]  # step 6
    rh = sha("".join(x + "\n" for x in lines).encode())
    need(6, b["roster"]["sha256"] == rh == frozen["roster_hash"], "roster hash")
    need(6, b["roster"]["count"] == len(lines) and eq(frozen["pool_size"], len(lines)), "roster count")
    roster = []
    for line in lines:
        f = line.split("\t")
        need(6, len(f) == 6, "six fields")
        need(6, all(re.fullmatch(r"0|[1-9][0-9]*", x) for x in (f[0], f[4])) and bool(HEX64.fullmatch(f[5])),
             "decimals/digest")
        need(6, all(x == clean(x) for x in f[1:4]), "clean")
        need(6, all(x == neutral(x) for x in f[1:4]), "neutralised")
        roster.append({"n": int(f[0]), "t": f[1], "rank": f[2], "name": f[3], "count": int(f[4]), "digest": f[5]})
    need(6, all(a["n"] < c["n"] for a, c in zip(roster, roster[1:])), "increasing")
    need(6, all(r["rank"] in RANKS for r in roster), "rank")

    plan = b["plan"]  # step 7
    need(7, canonical_plan(plan), "plan canonical")
    need(7, all(r in RANKS for r in plan["ranks"]), "plan rank")
    need(7, b["plan_sha256"] == sha(cj(plan)), "plan hash")
    need(7, eq(frozen["plan"], plan) and frozen["plan_hash"] == b["plan_sha256"], "plan event")
    need(7, canonical_exclusions(b["exclusions"]) and eq(frozen["exclusions"], b["exclusions"]), "exclusions")
    need(7, all(canonical_exclusions(e["payload"]["exclusions"]) for e in ev if e["type"] == "exclusions_set"),
         "exclusions_set")
    keys = [s["key"] for s in plan["strata"]]
    for r in roster:
        need(7, (not plan["ranks"] or r["rank"] in plan["ranks"])
             and (keys == ["*"] or r["t"] in [neutral(k) for k in keys]), "admitted")
    need(7, not {x["number"] for x in b["exclusions"]} & {r["n"] for r in roster}, "excluded in roster")
    members = {k: [r["n"] for r in roster if k == "*" or r["t"] == neutral(k)] for k in keys}
    need(7, all(len(members[s["key"]]) >= s["draws"] for s in plan["strata"]), "strata size")

    seed = bytes.fromhex(b["seed"])  # step 8
    need(8, b["commitment"] == sha(seed) == get["seed_committed"]["commitment"], "commitment")
    need(8, get["seed_revealed"]["seed"] == b["seed"] and get["seed_revealed"]["commitment"] == b["commitment"],
         "reveal")
    declared = [e["payload"]["sources"] for e in ev if e["type"] == "entropy_declared"]
    notice = {"format": "minkao-notice/1", "meeting": b["meeting"], "protocol": b["protocol"],
              "roster_sha256": b["roster"]["sha256"], "pool_size": b["roster"]["count"], "plan": plan,
              "plan_sha256": b["plan_sha256"], "exclusions": b["exclusions"],
              "entropy_sources": declared[-1] if declared else [], "skip_reasons": SKIP_REASONS}
    need(8, get["seed_committed"]["notice_sha256"] == sha(cj(notice)), "notice digest")

    srcs = b["entropy"]["sources"]  # step 9
    if en is None:
        need(9, eq(b["entropy"], {"sources": [], "canonical": ""}), "no entropy")
        canon = ""
    else:
        need(9, bool(srcs), "no sources")
        for s in srcs:
            lab, val = entropy_form(s["label"]), entropy_form(s["value"])
            need(9, bool(lab) and ":" not in lab and bool(val), "entropy empty/colon")
            need(9, not any(unicodedata.category(c) == "Cc" for c in lab + val), "entropy Cc")
            need(9, (lab, val) == (s["label"], s["value"]), "entropy not canonical")
        canon = "\n".join(f"{s['label']}: {s['value']}" for s in srcs)
        need(9, not any(unicodedata.category(c) == "Cn" for c in canon), "entropy Cn")
        need(9, b["entropy"]["canonical"] == canon, "entropy canonical")
        need(9, eq(ev[en - 1]["payload"], {"sources": srcs, "canonical": canon}), "entropy event")
    need(9, all(canonical_declaration(d) for d in declared), "declaration not canonical")
    if declared and en is not None:
        last = declared[-1]
        need(9, [s["label"] for s in srcs] == [d["label"] for d in last], "entropy vs declared sources")
        need(9, all(spelled(s["value"], d["kind"], d["count"]) for s, d in zip(srcs, last)), "entropy spelling")
    if en is not None and b["protocol"] != rehearsal:
        need(9, bool(seqs("meeting_started")) and seqs("meeting_started")[0] < en, "entropy before the start")
    master = hm(seed, "\0".join((b["protocol"], rh, b["plan_sha256"], canon)).encode())

    hh = [h["cadre"] for h in b["household_picks"]]  # step 10
    need(10, len(hh) == len(set(hh)), "cadre twice in household_picks")
    lists = {h["cadre"]: h["households"] for h in b["household_picks"]}
    by_n = {r["n"]: r for r in roster}
    draws, skipped, drawn, picks, rounds = [], {}, set(), {}, {}
    for e in ev:
        p = e["payload"]
        if e["type"] == "cadre_drawn":
            cur = next((s for s in plan["strata"]
                        if sum(1 for d in draws if d["stratum"] == s["key"] and d["draw"] not in skipped)
                        < s["draws"]), None)
            need(10, cur is not None, "plan complete")
            k = cur["key"]
            rem = [n for n in members[k] if n not in drawn]
            need(10, bool(rem), "stratum empty")
            slot = sum(1 for d in draws if d["stratum"] == k)
            i, a = index(master, "cadre", k, slot, len(rem))
            d = {"draw": len(draws) + 1, "stratum": k, "slot": slot, "attempt": a, "index": i,
                 "pool_size": len(rem), "number": rem[i]}
            need(10, all(eq(p[x], d[x]) for x in d) and p["name"] == by_n[rem[i]]["name"], "draw")
            draws.append(d)
            drawn.add(rem[i])
            if p["round_id"] is not None:
                last = rounds.get(p["round_id"])
                need(10, last is None or last in skipped, "one cadre per round")
                rounds[p["round_id"]] = d["draw"]
        elif e["type"] == "cadre_skipped":
            need(10, bool(p["reason"]) and p["reason"] == clean(p["reason"]), "skip reason")
            need(10, bool(draws) and p["draw"] == draws[-1]["draw"] and p["draw"] not in skipped, "skip latest")
            need(10, p["number"] == draws[-1]["number"], "skip number")
            skipped[p["draw"]] = p["reason"]
        elif e["type"] == "households_picked":
            c = p["cadre"]
            need(10, c in drawn, "not drawn")
            need(10, next(d["draw"] for d in draws if d["number"] == c) not in skipped, "skipped cadre")
            need(10, c in lists, "no household list")
            codes = lists[c]
            need(10, codes == sorted(set(codes)) and all(x and x == clean(x) for x in codes), "household list")
            need(10, sha("".join(x + "\n" for x in codes).encode()) == by_n[c]["digest"]
                 and len(codes) == by_n[c]["count"], "household digest")
            need(10, bool(p["picks"]), "no picks")
            done = picks.setdefault(c, [])
            for got in p["picks"]:
                rem = [x for x in codes if x not in {q["code"] for q in done}]
                need(10, bool(rem), "out of households")
                i, a = index(master, "household", str(c), len(done), len(rem))
                want = {"slot": len(done), "attempt": a, "index": i, "pool_size": len(rem), "code": rem[i]}
                need(10, eq(got, want), "household pick")
                done.append(want)

    need(11, len(b["draws"]) == len(draws), "draw count")  # step 11
    for got, d in zip(b["draws"], draws):
        want = {**d, "name": by_n[d["number"]]["name"], "skipped": d["draw"] in skipped,
                "skip_reason": skipped.get(d["draw"], "")}
        need(11, eq(got, want), f"draws entry {d['draw']}")
    need(11, hh == list(picks), "household_picks cadres")
    need(11, all(eq(h["picks"], picks[h["cadre"]]) for h in b["household_picks"]), "household_picks picks")

    calls(b, picks, lists)  # step 12
    for key, field in (("commitment", b["commitment"]), ("roster_hash", b["roster"]["sha256"]),  # step 13
                       ("plan_hash", b["plan_sha256"]), ("notice_hash", get["seed_committed"]["notice_sha256"])):
        if key in given:
            need(13, given[key].lower() == field, key)
