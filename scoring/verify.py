"""Re-check every draw of a meeting from its public bundle: `python -m scoring.verify BUNDLE.json`.

Standard library only; runs with a bare Python 3.11 and a copy of the scoring/ folder. Prints
OK and a summary (exit 0), or the first mismatch (exit 1); an unreadable file exits 2.
What each check means, in order: docs/VERIFY.md §14.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Mapping, Sequence

from scoring import bundle as bundle_mod
from scoring.chain import first_chain_error
from scoring.draw import CadreDraw, DrawEngine, DrawError, commitment, master_key, pick_households, seed_bytes
from scoring.notice import notice_digest, notice_record
from scoring.pool import (PROTOCOLS, REHEARSAL_PROTOCOL, WHOLE, PoolError, first_pool_error,
                          clean_text, households_digest, normalise_exclusions, normalise_plan, parse_roster,
                          plan_hash, roster_hash)
from scoring.verify_calls import check_calls
from scoring.verify_common import Mismatch, field as _field, only as _only, same as _same
from scoring.verify_entropy import check_entropy, declaration

UNICODE_VERSION = "14.0.0"  # of NFKC and of "assigned" (§7): Python 3.11's unicodedata
RANKS = ("county_leader", "township_leader", "department_head", "cadre")  # the closed list (§3)
DRAW_EVENTS = ("exclusions_set", "pool_frozen", "entropy_declared", "seed_committed", "entropy_entered",
               "cadre_drawn", "cadre_skipped", "households_picked", "seed_revealed")


def _check_order(events: Sequence[Mapping[str, Any]]) -> None:
    """Freeze, then commit, then entropy, then draws; nothing of the draw after the reveal;
    exclusions only before the freeze."""
    seqs = {t: [e["seq"] for e in events if e["type"] == t] for t in DRAW_EVENTS}
    frozen, committed, revealed = seqs["pool_frozen"][0], seqs["seed_committed"][0], seqs["seed_revealed"][0]
    for seq in seqs["exclusions_set"]:
        if seq > frozen:
            raise Mismatch(f"event seq {seq} (exclusions_set): exclusions changed after the pool was frozen "
                           f"(seq {frozen})")
    if not frozen < committed:
        raise Mismatch("event log: the seed was committed before the pool was frozen")
    for seq in seqs["entropy_declared"]:
        if seq > committed:
            raise Mismatch(f"event seq {seq} (entropy_declared): entropy sources declared after the seed was "
                           f"committed (seq {committed})")
    if not committed < revealed:
        raise Mismatch("event log: the seed was revealed before it was committed")
    entropy = seqs["entropy_entered"][0] if seqs["entropy_entered"] else None
    if entropy is not None and not committed < entropy < revealed:
        raise Mismatch("event log: live entropy was not entered between the commitment and the reveal")
    steps = sorted(seqs["cadre_drawn"] + seqs["cadre_skipped"] + seqs["households_picked"])
    if steps and entropy is None:
        raise Mismatch(f"event seq {steps[0]}: a draw step without live entropy (no entropy_entered event)")
    for seq in steps:
        if not entropy < seq < revealed:  # type: ignore[operator]
            raise Mismatch(f"event seq {seq}: a draw step outside the entropy…reveal window")


def check_anchors(events: Sequence[Mapping[str, Any]], anchors: Sequence[tuple[int, str]]) -> None:
    """The chain passes through every (seq, hash) anchor seen on a screen or notice."""
    for seq, digest in anchors:
        if seq > len(events):
            raise Mismatch(f"anchor {seq}:{digest[:12]}…: the bundle's chain ends at seq {len(events)} "
                           f"(events are missing from its tail)")
        # A screen footer shows a prefix of the hash (SHORT_ANCHOR hex digits): compare that much.
        _same(f"anchor {seq}: hash of event seq {seq}", events[seq - 1]["hash"][:len(digest)], digest)


def check_setup(b: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Check protocol, roster, plan, exclusions, commitment and entropy; return derived values."""
    frozen = _only(events, "pool_frozen")
    committed = _only(events, "seed_committed")
    revealed = _only(events, "seed_revealed")
    _only(events, "entropy_entered", required=False)
    _check_order(events)

    if b["protocol"] not in PROTOCOLS:
        raise Mismatch(f"protocol {b['protocol']!r} is not one this verifier knows ({', '.join(PROTOCOLS)})")
    _same("protocol (pool_frozen event)", _field(frozen, "protocol"), b["protocol"])
    _same("rehearsal flag", b["rehearsal"], b["protocol"] == REHEARSAL_PROTOCOL)
    _same("meeting id and title (pool_frozen event)", _field(frozen, "meeting"),
          {"id": b["meeting"]["id"], "title": b["meeting"]["title"]})

    text = bundle_mod.roster_text(b)
    digest = roster_hash(text)
    _same("roster.sha256 (SHA-256 of the roster lines)", b["roster"]["sha256"], digest)
    _same("roster hash in the pool_frozen event", _field(frozen, "roster_hash"), digest)
    _same("roster.count", b["roster"]["count"], len(b["roster"]["lines"]))
    _same("pool size in the pool_frozen event", _field(frozen, "pool_size"), len(b["roster"]["lines"]))
    for i, line in enumerate(b["roster"]["lines"]):
        if "\n" in line:
            raise Mismatch(f"roster.lines[{i}] contains a line feed: a line never does")
    try:
        entries = parse_roster(text)
    except PoolError as exc:
        raise Mismatch(f"roster: {exc}") from None
    for e in entries:
        if e.rank not in RANKS:
            raise Mismatch(f"roster line of cadre {e.number}: rank {e.rank!r} is not one of {', '.join(RANKS)}")
    try:
        plan = normalise_plan(b["plan"])
    except PoolError as exc:
        raise Mismatch(f"plan: {exc}") from None
    _same("plan (canonical form)", b["plan"], plan)
    for rank in plan["ranks"]:
        if rank not in RANKS:
            raise Mismatch(f"plan.ranks: {rank!r} is not one of {', '.join(RANKS)}")
    _same("plan_sha256", b["plan_sha256"], plan_hash(plan))
    _same("plan in the pool_frozen event", _field(frozen, "plan"), plan)
    _same("plan hash in the pool_frozen event", _field(frozen, "plan_hash"), b["plan_sha256"])
    try:
        exclusions = normalise_exclusions(b["exclusions"])
    except PoolError as exc:
        raise Mismatch(f"exclusions: {exc}") from None
    _same("exclusions (canonical form)", b["exclusions"], exclusions)
    _same("exclusions in the pool_frozen event", _field(frozen, "exclusions"), exclusions)
    for ev in events:
        if ev["type"] == "exclusions_set":
            listed = _field(ev, "exclusions")
            try:
                canonical = normalise_exclusions(listed)
            except PoolError as exc:
                raise Mismatch(f"event seq {ev['seq']} (exclusions_set): {exc}") from None
            _same(f"event seq {ev['seq']} (exclusions_set): exclusions (canonical form)", listed, canonical)
    problem = first_pool_error(entries, plan, exclusions)
    if problem:
        raise Mismatch(f"roster vs plan: {problem}")

    try:
        seed_bytes(b["seed"])
    except DrawError as exc:
        raise Mismatch(f"seed: {exc}") from None
    _same("commitment = SHA-256(seed)", b["commitment"], commitment(b["seed"]))
    _same("commitment in the seed_committed event", _field(committed, "commitment"), b["commitment"])
    _same("seed in the seed_revealed event", _field(revealed, "seed"), b["seed"])
    _same("commitment in the seed_revealed event", _field(revealed, "commitment"), b["commitment"])

    check_notice(b, committed, events)
    canonical = check_entropy(b, events)
    master = master_key(b["seed"], b["protocol"], digest, b["plan_sha256"], canonical)
    return {"entries": entries, "plan": plan, "master": master, "canonical": canonical}


def check_notice(b: Mapping[str, Any], committed: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> None:
    """seed_committed.notice_sha256 is the digest of what the notice promised (§6.1), from the bundle."""
    _, declared = declaration(events)
    record = notice_record(meeting=b["meeting"], protocol=b["protocol"], roster_sha256=b["roster"]["sha256"],
                           pool_size=b["roster"]["count"], plan=b["plan"], plan_sha256=b["plan_sha256"],
                           exclusions=b["exclusions"], entropy_sources=declared)
    _same("notice digest in the seed_committed event (SHA-256 of the notice, §6.1)",
          _field(committed, "notice_sha256"), notice_digest(record))


def replay(b: Mapping[str, Any], events: Sequence[Mapping[str, Any]], setup: Mapping[str, Any],
           bits: int | None = None) -> tuple[DrawEngine, dict[int, list[dict[str, Any]]]]:
    """Re-derive every draw, skip and household pick in event order and compare with the events."""
    entries = {e.number: e for e in setup["entries"]}
    engine = DrawEngine(setup["entries"], setup["plan"], setup["master"], bits)
    households: dict[int, list[str]] = {}
    for h in b["household_picks"]:
        if h["cadre"] in households:
            raise Mismatch(f"household_picks: cadre {h['cadre']} is listed twice")
        households[h["cadre"]] = h["households"]
    picks: dict[int, list[dict[str, Any]]] = {}
    rounds: dict[int, CadreDraw] = {}  # round_id -> its latest draw
    for ev in events:
        where = f"event seq {ev['seq']} ({ev['type']})"
        if ev["type"] == "cadre_drawn":
            try:
                made = engine.draw()
            except DrawError as exc:
                raise Mismatch(f"{where}: {exc}") from None
            for key, value in made.as_dict().items():
                _same(f"{where}: draw {made.draw} {key}", _field(ev, key), value)
            _same(f"{where}: draw {made.draw} name", _field(ev, "name"), entries[made.number].name)
            round_id = _field(ev, "round_id")
            if round_id is not None:
                before = rounds.get(round_id)
                if before is not None and before.draw not in engine.skipped:
                    raise Mismatch(f"{where}: round_id {round_id} already has draw {before.draw} (cadre "
                                   f"{before.number}), not skipped: one cadre per round")
                rounds[round_id] = made
        elif ev["type"] == "cadre_skipped":
            reason = _field(ev, "reason")
            if not reason or reason != clean_text(reason):
                raise Mismatch(f"{where}: reason {reason!r} must be non-empty clean text")
            try:
                engine.skip(_field(ev, "draw"), reason)
            except DrawError as exc:
                raise Mismatch(f"{where}: {exc}") from None
            _same(f"{where}: skipped number", _field(ev, "number"), engine.draws[-1].number)
        elif ev["type"] == "households_picked":
            cadre = _field(ev, "cadre")
            if cadre not in engine.drawn:
                raise Mismatch(f"{where}: households picked for cadre {cadre}, who was not drawn")
            draw_of = next(d.draw for d in engine.draws if d.number == cadre)
            if draw_of in engine.skipped:
                raise Mismatch(f"{where}: households picked for cadre {cadre}, whose draw {draw_of} was skipped")
            if cadre not in households:
                raise Mismatch(f"{where}: household_picks has no household list for cadre {cadre}")
            codes = households[cadre]
            _same(f"household list of cadre {cadre} (sorted by code point, each code once)", codes,
                  sorted(set(codes)))
            entry = entries[cadre]
            try:
                digest = households_digest(codes)
            except PoolError as exc:
                raise Mismatch(f"{where}: {exc}") from None
            _same(f"household list of cadre {cadre}: digest in the roster line", entry.household_digest, digest)
            _same(f"household list of cadre {cadre}: count in the roster line", entry.household_count, len(codes))
            done = picks.setdefault(cadre, [])
            claimed = _field(ev, "picks")
            if not claimed:
                raise Mismatch(f"{where}: no picks")
            made_h = pick_households(setup["master"], cadre, codes, [p["code"] for p in done],
                                     len(done) + len(claimed), bits)
            _same(f"{where}: number of household picks for cadre {cadre}", len(claimed), len(made_h))
            for got, want in zip(claimed, made_h):
                _same(f"{where}: household pick slot {want.slot} of cadre {cadre}", got, want.as_dict())
            done.extend(h.as_dict() for h in made_h)
    return engine, picks


def check_lists(b: Mapping[str, Any], setup: Mapping[str, Any], engine: DrawEngine,
                picks: Mapping[int, list[dict[str, Any]]]) -> None:
    """The bundle's draws and household_picks lists must equal the replay."""
    names = {e.number: e.name for e in setup["entries"]}
    _same("number of draws", len(b["draws"]), len(engine.draws))
    for got, made in zip(b["draws"], engine.draws):
        want = {**made.as_dict(), "name": names[made.number], "skipped": made.draw in engine.skipped,
                "skip_reason": engine.skipped.get(made.draw, "")}
        for key, value in want.items():
            _same(f"draws[{made.draw - 1}] (draw {made.draw}) {key}", got[key], value)
    _same("cadres in household_picks", [h["cadre"] for h in b["household_picks"]], list(picks))
    for h in b["household_picks"]:
        _same(f"household picks of cadre {h['cadre']}", h["picks"], picks[h["cadre"]])


def verify(b: Mapping[str, Any], expect: Mapping[str, str] | None = None, bits: int | None = None,
           anchors: Sequence[tuple[int, str]] = ()) -> list[str]:
    """Check a shape-checked bundle (docs/VERIFY.md §14, in that order); return summary lines or
    raise Mismatch. `anchors` are (seq, hash) pairs the chain must pass through."""
    events = b["events"]
    problem = first_chain_error(events)
    if problem:
        raise Mismatch(f"event chain: {problem}")
    check_anchors(events, anchors)
    setup = check_setup(b, events)
    engine, picks = replay(b, events, setup, bits)
    check_lists(b, setup, engine, picks)
    check_calls(b, events, picks)
    for key, value in (expect or {}).items():
        _same(f"{key} (compared with the value you gave)", {"commitment": b["commitment"],
              "roster_hash": b["roster"]["sha256"], "plan_hash": b["plan_sha256"],
              "notice_hash": _field(_only(b["events"], "seed_committed"), "notice_sha256")}[key], value.lower())
    return summary(b, setup, engine, picks, anchors)


MIN_ANCHOR_HEX = 12  # the chain-head footer of the public screens shows 12 hex digits


def parse_anchor(text: str) -> tuple[int, str]:
    """'SEQ:HASH' (HASH 64 hex digits, or the first 12 or more of them as a screen footer shows
    them) → (seq, lowercase hash or prefix); ValueError otherwise."""
    seq, sep, digest = text.partition(":")
    digest = digest.strip().lower()
    if not sep or not re.fullmatch("[0-9]+", seq.strip()) or int(seq) < 1 or not MIN_ANCHOR_HEX <= len(digest) <= 64 \
            or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"anchor {text!r} must be SEQ:HASH, e.g. 17:3fa4… (12 to 64 hex digits)")
    return int(seq), digest


def summary(b: Mapping[str, Any], setup: Mapping[str, Any], engine: DrawEngine,
            picks: Mapping[int, list[dict[str, Any]]], anchors: Sequence[tuple[int, str]] = ()) -> list[str]:
    """Human-readable lines for the OK output."""
    plan = setup["plan"]
    strata = ", ".join(f"{'whole pool' if s['key'] == WHOLE else s['key']}×{s['draws']}" for s in plan["strata"])
    lines = [f"OK  {b['protocol']}{'  (REHEARSAL)' if b['rehearsal'] else ''}  meeting {b['meeting']['id']}: "
             f"{b['meeting']['title']}",
             f"roster      {b['roster']['count']} cadres  sha256 {b['roster']['sha256']}",
             f"plan        {plan['kind']}: {strata}" + (f"; ranks {', '.join(plan['ranks'])}" if plan["ranks"] else "")
             + f"  sha256 {b['plan_sha256']}",
             f"excluded    {len(b['exclusions'])} cadre(s) before the meeting",
             f"commitment  {b['commitment']}  = SHA-256(seed), seed revealed and matching",
             f"notice      {_field(_only(b['events'], 'seed_committed'), 'notice_sha256')}  = SHA-256 of the notice"
             + ("; entropy as declared" if declaration(b["events"])[0] else "; no entropy sources declared"),
             "entropy     " + (setup["canonical"].replace("\n", " | ") or "(none entered)"),
             f"draws       {len(engine.draws)} ({len(engine.skipped)} skipped)"]
    for d in engine.draws:
        skip = f"  SKIPPED: {engine.skipped[d.draw]}" if d.draw in engine.skipped else ""
        where = "" if d.stratum == WHOLE else f" [{d.stratum}]"
        lines.append(f"  {d.draw:>3}. cadre {d.number}{where}  (index {d.index} of {d.pool_size}, "
                     f"attempt {d.attempt}){skip}")
    lines.append(f"skips       {len(engine.skipped)}" + "".join(
        f"\n  draw {d} (cadre {engine.draws[d - 1].number}): {reason}" for d, reason in engine.skipped.items()))
    for cadre, got in picks.items():
        lines.append(f"households  cadre {cadre}: " + ", ".join(p["code"] for p in got))
    lines.append(f"calls       {len(b['calls'])}, in the drawn order")
    for i, c in enumerate(b["calls"], 1):
        how = f"pick slot {c['slot']}" if c["how"] == "picked" else f"NAMED BY THE MODERATOR: {c['reason']}"
        by = "the moderator" if c["recorded_by"] == "moderator" else f"{c['provider']} {c['provider_call_id']}".strip()
        lines.append(f"  {i:>3}. cadre {c['cadre']} household {c['household']}  ({how})  {c['outcome']}, "
                     f"recorded by {by}")
    events = b["events"]
    lines.append(f"event chain {len(events)} events intact, head {events[-1]['hash'] if events else '-'}")
    for seq, digest in anchors:
        lines.append(f"anchor      seq {seq} {digest}  on the chain")
    if unicodedata.unidata_version != UNICODE_VERSION:
        lines.append(f"note        this Python has Unicode {unicodedata.unidata_version}; the protocol's NFKC is "
                     f"Unicode {UNICODE_VERSION} (the same for every character assigned in {UNICODE_VERSION})")
    lines.append("Compare the roster hash, plan hash, commitment and notice digest with the pre-meeting notice.")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m scoring.verify",
                                     description="Re-check every draw of a Minkao meeting from its bundle.")
    parser.add_argument("bundle", help="the bundle.json downloaded from the public page")
    parser.add_argument("--commitment", help="the commitment printed on the pre-meeting notice")
    parser.add_argument("--roster-hash", help="the roster hash printed on the pre-meeting notice")
    parser.add_argument("--plan-hash", help="the plan hash printed on the pre-meeting notice")
    parser.add_argument("--notice-hash", help="the notice digest printed on the pre-meeting notice")
    parser.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                        help="an event seq and chain hash seen during the meeting (screen footer, photo); "
                             "the bundle's chain must pass through it (repeatable)")
    args = parser.parse_args(argv)
    try:
        anchors = [parse_anchor(a) for a in args.anchor]
    except ValueError as exc:
        parser.error(str(exc))
    if hasattr(sys.stdout, "reconfigure"):  # a console that cannot show Chinese still gets the verdict
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        b = bundle_mod.loads(Path(args.bundle).read_bytes())
    except (OSError, bundle_mod.BundleError) as exc:
        print(f"ERROR: cannot read {args.bundle}: {exc}", file=sys.stderr)
        return 2
    expect = {k: v for k, v in (("commitment", args.commitment), ("roster_hash", args.roster_hash),
                                ("plan_hash", args.plan_hash), ("notice_hash", args.notice_hash)) if v}
    try:
        lines = verify(b, expect, anchors=anchors)
    except Mismatch as exc:
        print(f"MISMATCH: {exc}")
        return 1
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # pragma: no cover
        # The shape check should make this unreachable; a crash is still reported as a mismatch.
        print(f"MISMATCH: malformed bundle content ({type(exc).__name__}: {exc})")
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
