"""scoring.verify and a second verifier written from docs/VERIFY.md alone (tests/spec_verifier.py)
agree on the known-answer bundle and on tampered copies of it, one per rule: same exit code,
same step of §14; scoring.verify gives a one-line reason naming the field."""
from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest

from scoring import bundle as bundle_mod
from tests import spec_verifier
from tests.verify_spec_support import (BASE, RAW, ev, pos, rechain, reference, set_entropy, set_exclusions,
                                       set_plan, set_roster, text)


def _skip_reason(b, reason):
    ev(b, "cadre_skipped")["payload"]["reason"] = reason
    b["draws"][0]["skip_reason"] = reason
    return rechain(b)


def _no_skip(b):
    del b["events"][pos(b, "cadre_skipped")]
    b["draws"][0].update(skipped=False, skip_reason="")
    return rechain(b)


def _pick_for_skipped(b):
    skipped = ev(b, "cadre_skipped")["payload"]["number"]
    b["events"].insert(pos(b, "cadre_skipped") + 1, {**copy.deepcopy(ev(b, "households_picked")),
                                                      "payload": {"cadre": skipped, "picks": [
                                                          {"slot": 0, "attempt": 0, "index": 0, "pool_size": 1,
                                                           "code": "H001-0"}]}})
    return rechain(b)


def _exclusions_after_freeze(b):
    b["events"].insert(pos(b, "pool_frozen") + 1, copy.deepcopy(ev(b, "exclusions_set")))
    return rechain(b)


def _entropy_twice(b):
    b["events"].insert(pos(b, "entropy_entered") + 1, copy.deepcopy(ev(b, "entropy_entered")))
    return rechain(b)


def _entropy_after_first_draw(b):
    e = b["events"].pop(pos(b, "entropy_entered"))
    b["events"].insert(pos(b, "cadre_drawn") + 1, e)
    return rechain(b)


def _second_number(b, number):
    lines = b["roster"]["lines"]
    return next(int(x.split("\t")[0]) for x in lines if int(x.split("\t")[0]) != number)


def _changed_draw(b):
    d = ev(b, "cadre_drawn", 1)["payload"]
    d["number"] = b["draws"][1]["number"] = _second_number(b, d["number"])
    return rechain(b)


def _unknown_rank(b):
    lines = list(b["roster"]["lines"])
    f = lines[0].split("\t")
    f[2] = "chief"
    lines[0] = "\t".join(f)
    return set_roster(b, lines)


def _lf_in_line(b):
    lines = list(b["roster"]["lines"])
    return set_roster(b, [lines[0] + "\n" + lines[1]] + lines[2:])


def _raw(old: bytes, new: bytes) -> Callable[[dict], bytes]:
    def edit(_b):
        assert old in RAW, old
        return RAW.replace(old, new, 1)
    return edit


def _bigint(b):
    ev(b, "meeting_closed")["payload"]["n"] = 2**53
    return rechain(b)


def _true_in_payload(b):
    ev(b, "cadre_drawn", 2)["payload"]["pool_size"] = True  # pool_size of draw 3 is 1
    return rechain(b)


def _at(value):
    def edit(b):
        ev(b, "meeting_started")["at"] = value
        return rechain(b)
    return edit


def _cn_entropy(b):
    src = copy.deepcopy(b["entropy"]["sources"])
    src[0]["value"] += " \u0378"
    return set_entropy(b, src, "\n".join(f"{s['label']}: {s['value']}" for s in src))


def _fullwidth_entropy(b):
    src = copy.deepcopy(b["entropy"]["sources"])
    src[1]["value"] = src[1]["value"].replace("7", "７")
    return set_entropy(b, src, b["entropy"]["canonical"])


def _call_event(b, i):
    return [e for e in b["events"] if e["type"] in ("call_placed", "call_recorded")][i]


def _calls_swapped(b):
    b["calls"][0], b["calls"][1] = b["calls"][1], b["calls"][0]
    _call_event(b, 0)["payload"], _call_event(b, 1)["payload"] = _call_event(b, 1)["payload"], \
        _call_event(b, 0)["payload"]
    return rechain(b)


def _named(b, household="H001-0", reason="村主任推荐", i=1):
    b["calls"][i].update(how="named", slot=None, reason=reason, household=household)
    _call_event(b, i)["payload"]["household"] = household
    return rechain(b)


def _call(i, **fields):
    return lambda b: (b["calls"][i].update(fields), b)[1]


# (name, edit of a deep copy of the bundle → dict or bytes, exit code, step, fragment of the reason)
CASES: list[tuple[str, Callable[[dict], Any], int, int, str]] = [
    ("BOM", lambda b: b"\xef\xbb\xbf" + RAW, 2, 1, "byte order mark"),
    ("not UTF-8", _raw("县会堂".encode(), b"\xff\xfe"), 2, 1, "not valid UTF-8"),
    ("duplicate seed key", _raw(b'"seed": "5eed', b'"seed": "' + b"ab" * 32 + b'",\n "seed": "5eed'), 2, 1,
     "duplicate key 'seed'"),
    ("NaN", _raw(b'"payload": {},', b'"payload": {"x": NaN},'), 2, 1, "NaN is not allowed"),
    ("float", _raw(b'"pool_size": 7', b'"pool_size": 7.0'), 2, 1, "the number 7.0"),
    ("lone surrogate", _raw(b'"payload": {},', b'"payload": {"x": "\\ud800"},'), 2, 1, "lone surrogate"),
    ("integer beyond 2^53", _bigint, 2, 1, "beyond"),
    ("true in a payload", _true_in_payload, 2, 1, "payload (cadre_drawn).pool_size must be an integer"),
    ("at is 'yesterday'", _at("yesterday"), 2, 1, ".at must be a UTC time"),
    ("at with a full-width digit", _at("2026-03-24T10:00:0９.000Z"), 2, 1, ".at must be a UTC time"),
    ("at is Feb 30", _at("2026-02-30T10:00:00.000Z"), 2, 1, ".at must be a UTC time"),
    ("unknown top-level field", lambda b: {**b, "signature": "x"}, 2, 1, "bundle.signature is not a field"),
    ("unknown field in a draw", lambda b: (b["draws"][0].update(extra=1), b)[1], 2, 1,
     "bundle.draws[0].extra is not a field"),
    ("unknown field in a draw payload", lambda b: (ev(b, "cadre_skipped")["payload"].update(x=1), rechain(b))[1],
     2, 1, "payload (cadre_skipped).x is not a field"),
    ("skip_reason null", lambda b: (b["draws"][1].update(skip_reason=None), b)[1], 2, 1,
     "bundle.draws[1].skip_reason must be a string"),
    ("meeting.id a string", lambda b: (b["meeting"].update(id="1"), b)[1], 2, 1, "bundle.meeting.id must be an integer"),
    ("meeting.date not a date", lambda b: (b["meeting"].update(date="2026-02-30"), b)[1], 2, 1, "meeting.date"),
    ("meeting.venue missing", lambda b: (b["meeting"].pop("venue"), b)[1], 2, 1, "bundle.meeting.venue is missing"),
    ("uppercase commitment", lambda b: (b.update(commitment=b["commitment"].upper()), b)[1], 2, 1,
     "bundle.commitment must be 64 lowercase hex"),
    ("round_id a string", lambda b: (ev(b, "cadre_drawn")["payload"].update(round_id="1"), rechain(b))[1], 2, 1,
     "round_id must be an integer or null"),
    ("changed payload, chain not redone", lambda b: (ev(b, "cadre_skipped")["payload"].update(reason="改了"), b)[1],
     1, 2, "hash mismatch"),
    ("deleted event", lambda b: (b["events"].pop(4), b)[1], 1, 2, "event chain: event seq 6: expected seq 5"),
    ("exclusions after the freeze", _exclusions_after_freeze, 1, 4, "exclusions changed after the pool was frozen"),
    ("entropy entered twice", _entropy_twice, 1, 4, "entropy_entered appears 2 times"),
    ("a draw before the entropy", _entropy_after_first_draw, 1, 4, "outside the entropy…reveal window"),
    ("no reveal", lambda b: (b["events"].pop(), rechain(b))[1], 1, 4, "no seed_revealed event"),
    ("rehearsal flag flipped", lambda b: (b.update(rehearsal=True), b)[1], 1, 5, "rehearsal flag"),
    ("meeting renamed", lambda b: (b["meeting"].update(title="另一次"), b)[1], 1, 5, "meeting id and title"),
    ("unknown rank", _unknown_rank, 1, 6, "rank 'chief' is not one of"),
    ("unsorted roster", lambda b: set_roster(b, b["roster"]["lines"][::-1]), 1, 6, "strictly increase"),
    ("a line feed inside a roster line", _lf_in_line, 1, 6, "contains a line feed"),
    ("plan with an unknown rank", lambda b: set_plan(b, {**b["plan"], "ranks": ["boss"]}), 1, 7,
     "plan.ranks: 'boss'"),
    ("plan not canonical", lambda b: set_plan(b, {**b["plan"], "kind": "whole"}), 1, 7, "plan (canonical form)"),
    ("unsorted exclusions", lambda b: set_exclusions(b, [{"number": 999, "reason": "x"}] + b["exclusions"]), 1, 7,
     "exclusions (canonical form)"),
    ("exclusions_set not canonical",
     lambda b: (ev(b, "exclusions_set")["payload"]["exclusions"][0].update(reason="病假  (住院)"), rechain(b))[1],
     1, 7, "(exclusions_set): exclusions (canonical form)"),
    ("an excluded cadre in the roster",
     lambda b: set_exclusions(b, [{"number": 101, "reason": "x"}] + b["exclusions"]), 1, 7,
     "excluded cadre 101 is in the roster"),
    ("seed digit flipped", lambda b: (b.update(seed="6" + b["seed"][1:]), b)[1], 1, 8, "commitment = SHA-256(seed)"),
    ("reveal with another commitment",
     lambda b: (ev(b, "seed_revealed")["payload"].update(commitment="0" * 64), rechain(b))[1], 1, 8,
     "commitment in the seed_revealed event"),
    ("entropy not canonical", _fullwidth_entropy, 1, 9, "entropy sources (canonical form)"),
    ("entropy with an unassigned code point", _cn_entropy, 1, 9, "U+0378 is not assigned"),
    ("changed drawn number, chain redone", _changed_draw, 1, 10, "(cadre_drawn): draw 2 number"),
    ("two cadres in one round without a skip", _no_skip, 1, 10, "one cadre per round"),
    ("picks for a skipped cadre", _pick_for_skipped, 1, 10, "whose draw 1 was skipped"),
    ("skip reason not clean", lambda b: _skip_reason(b, "缺席  (出差)"), 1, 10, "must be non-empty clean text"),
    ("unsorted household list", lambda b: (b["household_picks"][0]["households"].reverse(), b)[1], 1, 10,
     "sorted by code point"),
    ("a cadre twice in household_picks",
     lambda b: (b["household_picks"].append(copy.deepcopy(b["household_picks"][0])), b)[1], 1, 10,
     "cadre 110 is listed twice"),
    ("skip hidden in the draw list", lambda b: (b["draws"][0].update(skipped=False, skip_reason=""), b)[1], 1, 11,
     "draws[0] (draw 1) skipped"),
    ("skip_reason on a draw not skipped", lambda b: (b["draws"][1].update(skip_reason="x"), b)[1], 1, 11,
     "draws[1] (draw 2) skip_reason"),
    ("household_picks reordered", lambda b: (b["household_picks"].reverse(), b)[1], 1, 11,
     "cadres in household_picks"),
    ("a household pick changed", lambda b: (b["household_picks"][1]["picks"][0].update(code="H009-1"), b)[1], 1, 11,
     "household picks of cadre 109"),
    ("a call time malformed", _call(0, started_at="yesterday"), 2, 1, "calls[0].started_at"),
    ("a call hidden from the calls list", lambda b: (b["calls"].pop(0), b)[1], 1, 12, "households of calls"),
    ("calls out of the drawn order", _calls_swapped, 1, 12, "out of the drawn order"),
    ("a manual outcome not marked as moderator-recorded", _call(0, recorded_by="provider"), 1, 12,
     "a manual call's outcome is recorded by the moderator"),
    ("a provider's no answer entered by hand", _call(0, provider="twilio", provider_call_id="CA1"), 1, 12,
     "must be reported by the provider"),
    ("a provider's no answer without its call id", _call(0, provider="twilio", recorded_by="provider"), 1, 12,
     "without its call id"),
    ("an unknown outcome", _call(0, outcome="hung_up"), 1, 12, "outcome 'hung_up'"),
    ("a picked call with the wrong slot", _call(1, slot=2), 1, 12, "slot"),
    ("a pick called as named", lambda b: _named(b, household="H010-0"), 1, 12, "is one of cadre 110's households"),
    ("an outside household without a reason", lambda b: _named(b, reason=""), 1, 12, "needs a reason"),
    ("an outside household before the picks are exhausted", _named, 1, 12, "before the draw's picks were exhausted"),
    ("an unknown how", _call(0, how="guessed"), 1, 12, "how 'guessed'"),
]


@pytest.mark.parametrize("name, edit, code, step, fragment", CASES, ids=[c[0] for c in CASES])
def test_both_verifiers_fail_the_tampered_bundle_at_the_same_step(name, edit, code, step, fragment):
    out = edit(copy.deepcopy(BASE))
    data = out if isinstance(out, bytes) else text(out)
    ref_code, reason = reference(data)
    assert (ref_code, fragment in reason) == (code, True), reason
    assert "\n" not in reason
    own = spec_verifier.check(data)
    assert own[:2] == (code, step), (own, reason)


def test_both_verifiers_accept_the_known_answer_bundle():
    assert reference(RAW) == (0, "OK")
    assert spec_verifier.check(RAW) == (0, None, "OK")


def test_both_verifiers_check_anchors_and_the_values_from_the_notice():
    head = BASE["events"][-1]
    anchor = [(head["seq"], head["hash"])]
    assert reference(RAW, anchor)[0] == spec_verifier.check(RAW, anchor)[0] == 0
    cut = copy.deepcopy(BASE)
    cut["events"].pop()
    data = text(cut)
    code, reason = reference(data, anchor)
    assert code == 1 and f"the bundle's chain ends at seq {head['seq'] - 1}" in reason
    assert spec_verifier.check(data, anchor)[:2] == (1, 3)
    wrong = [(5, "0" * 64)]
    assert reference(RAW, wrong)[0] == 1 and spec_verifier.check(RAW, wrong)[:2] == (1, 3)
    given = {"commitment": "0" * 64}
    code, reason = reference(RAW, given=given)
    assert code == 1 and "commitment (compared with the value you gave)" in reason
    assert spec_verifier.check(RAW, given=given)[:2] == (1, 13)


def _paths(v, p=()):
    yield p
    if isinstance(v, dict):
        for k in v:
            yield from _paths(v[k], p + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, p + (i,))


def test_both_verifiers_agree_on_random_single_edits_with_and_without_a_recomputed_chain():
    import random

    rng = random.Random(9)
    where = list(_paths(BASE))[1:]
    codes = set()
    for _ in range(200):
        b = copy.deepcopy(BASE)
        p = rng.choice(where)
        parent = b
        for k in p[:-1]:
            parent = parent[k]
        k, v = p[-1], parent[p[-1]]
        if isinstance(v, bool):
            parent[k] = not v
        elif isinstance(v, int):
            parent[k] = v + rng.choice((1, -1))
        elif isinstance(v, str):
            i = rng.randrange(len(v) + 1)
            parent[k] = v[:i] + rng.choice("0a T:\t　７-") + v[i + 1:]
        elif isinstance(v, list):
            v.reverse() if len(v) > 1 else v.append(1)
        elif isinstance(v, dict) and v:
            v.pop(rng.choice(list(v)))
        if rng.random() < 0.6:
            try:
                rechain(b)
            except (KeyError, TypeError, AttributeError):
                pass  # an event lost a field: leave the chain as it is
        data = text(b)
        ref, own = reference(data), spec_verifier.check(data)
        assert ref[0] == own[0], (p, ref, own)
        codes.add(ref[0])
    assert codes == {0, 1, 2}


@pytest.mark.parametrize("plan, skip", [
    ({"kind": "whole", "draws": 5}, (2,)),
    ({"kind": "filter", "ranks": ["cadre", "department_head"], "draws": 4}, (1, 3)),
    ({"kind": "strata", "strata": ["T03", "T01", "T02"], "per_stratum": 2}, (2, 5)),
])
def test_both_verifiers_accept_genuine_bundles_of_every_plan_kind(session, plan, skip):
    from meeting.services.draw import bundle as draw_bundle
    from tests.draw_support import build_roster, run_demo_meeting

    build_roster(session)
    mid = run_demo_meeting(session, plan=plan, skip=skip, households=3)
    data = bundle_mod.dumps(draw_bundle.build_bundle(session, mid)).encode("utf-8")
    assert reference(data) == (0, "OK")
    assert spec_verifier.check(data) == (0, None, "OK")


def _finish(session, mid):
    from meeting.services.draw import bundle as draw_bundle
    from meeting.services.draw import seed as draw_seed

    draw_seed.reveal_seed(session, mid, "organiser")
    return bundle_mod.dumps(draw_bundle.build_bundle(session, mid)).encode("utf-8")


def _start(session, plan, cadres=45):
    from meeting.services.draw import pool as draw_pool
    from meeting.services.draw import seed as draw_seed
    from meeting.services.live.actions import perform
    from tests.draw_support import SEED, build_roster, new_meeting

    build_roster(session, cadres=cadres)
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, plan, [], "organiser")
    draw_seed.commit_seed(session, mid, "organiser", seed_factory=lambda: SEED)
    perform(session, mid, "start_meeting", {}, "moderator")
    draw_seed.enter_entropy(session, mid, "3 5 1 6 2", "moderator")
    return mid


def test_a_skip_logged_after_the_household_picks_keeps_them_and_verifies(session):
    from meeting.services.draw import steps

    mid = _start(session, {"kind": "whole", "draws": 2})
    first = steps.draw_next(session, mid, "m", expected_draw=1)
    steps.pick_households(session, mid, count=2, actor="m", cadre_number=first.cadre_number)
    steps.skip_drawn(session, mid, 1, "official_duty", "m")
    steps.draw_next(session, mid, "m", expected_draw=2)
    data = _finish(session, mid)
    assert reference(data) == (0, "OK") and spec_verifier.check(data)[0] == 0
    assert [h["cadre"] for h in json.loads(data)["household_picks"]] == [first.cadre_number]


def test_a_stratum_emptied_by_skips_ends_the_draw_and_a_draw_from_the_next_stratum_fails(session):
    from meeting.errors import Conflict
    from meeting.services.draw import steps

    mid = _start(session, {"kind": "strata", "strata": ["T01", "T02"], "per_stratum": 1}, cadres=6)
    for n in (1, 2):  # T01 holds cadres 103 and 106: both drawn and skipped
        steps.draw_next(session, mid, "m", expected_draw=n)
        steps.skip_drawn(session, mid, n, "official_duty", "m")
    with pytest.raises(Conflict):
        steps.draw_next(session, mid, "m", expected_draw=3)
    data = _finish(session, mid)
    assert reference(data) == (0, "OK") and spec_verifier.check(data)[0] == 0

    # A producer that moved on to T02 instead: both verifiers refuse its draw (step 10).
    b = json.loads(data)
    draw = {**ev(b, "cadre_drawn", 1)["payload"], "draw": 3, "stratum": "T02", "slot": 0, "round_id": None}
    b["events"].insert(pos(b, "seed_revealed"), {**copy.deepcopy(ev(b, "cadre_drawn")), "payload": draw})
    forged = text(rechain(b))
    code, reason = reference(forged)
    assert code == 1 and "no cadres are left in stratum T01" in reason
    assert spec_verifier.check(forged)[:2] == (1, 10)
