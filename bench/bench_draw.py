"""Benchmark of the verifiable draw's pure core (standard library only).

    .venv/bin/python bench/bench_draw.py            # prints a Markdown table for docs/PERFORMANCE.md
    .venv/bin/python bench/bench_draw.py --service sqlite:////tmp/yishui.db
        # also times the service steps on a database already holding a roster
        # (flask --app meeting db-upgrade && flask --app meeting generate-roster)

Times one HMAC-SHA256 call (the baseline), one unbiased index, one complete cadre draw
(remaining list + index) over 10,180 and 1,000,000 eligible cadres, and the whole verifier on
a 10,180-cadre bundle. Pure timings are the best of N samples (timeit's convention: on a shared
machine the minimum is the least noisy estimate), also given as a ratio to the baseline measured
in the same run.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import bundle as bundle_mod  # noqa: E402
from scoring.chain import GENESIS_HASH, event_hash  # noqa: E402
from scoring.draw import (DrawEngine, canonical_entropy, commitment, master_key, pick_households,  # noqa: E402
                          uniform_index)
from scoring.pool import PROTOCOL, RosterEntry, normalise_plan, plan_hash, roster_hash, roster_text  # noqa: E402
from scoring.verify import verify  # noqa: E402

SEED = "5eed" * 16
DIGEST = "0" * 64


def best_seconds(fn: Callable[[], object], repeat: int, inner: int = 1) -> float:
    """Best wall time of one call, over `repeat` samples of `inner` calls each."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return min(samples)


def roster(n: int) -> list[RosterEntry]:
    return [RosterEntry(i, f"T{i % 20:02d}", "cadre", f"干部{i}", 30, DIGEST) for i in range(1, n + 1)]


def one_draw_time(entries: list[RosterEntry], draws: int) -> float:
    """Best time of engine.draw() over `draws` successive draws (setup not timed)."""
    plan = normalise_plan({"draws": draws + 1})
    master = master_key(SEED, PROTOCOL, DIGEST, plan_hash(plan), "live: 3 5 1 6 2")
    engine = DrawEngine(entries, plan, master)
    return best_seconds(engine.draw, draws)


def demo_bundle(n: int, draws: int) -> dict:
    """A consistent bundle with `n` cadres, `draws` draws and 3 household picks each."""
    codes = {i: [f"H{i}-{h:02d}" for h in range(30)] for i in range(1, n + 1)}
    from scoring.pool import make_entry

    entries = [make_entry(i, f"T{i % 20:02d}", "cadre", f"干部{i}", codes[i]) for i in range(1, n + 1)]
    text = roster_text(entries)
    plan = normalise_plan({"draws": draws})
    entropy = {"sources": [{"label": "dice", "value": "3 5 1 6 2"}], "canonical": canonical_entropy("3 5 1 6 2")}
    entropy["canonical"] = canonical_entropy(entropy["sources"])
    master = master_key(SEED, PROTOCOL, roster_hash(text), plan_hash(plan), entropy["canonical"])
    engine = DrawEngine(entries, plan, master)
    payloads = [("pool_frozen", {"meeting": {"id": 1, "title": "bench"}, "protocol": PROTOCOL, "roster_hash": roster_hash(text), "pool_size": n,
                                 "plan": plan, "plan_hash": plan_hash(plan), "exclusions": []}),
                ("seed_committed", {"commitment": commitment(SEED)}), ("entropy_entered", entropy)]
    draw_list, picks = [], []
    for _ in range(draws):
        d = engine.draw()
        payloads.append(("cadre_drawn", {**d.as_dict(), "name": f"干部{d.number}", "round_id": None}))
        draw_list.append({**d.as_dict(), "name": f"干部{d.number}", "skipped": False, "skip_reason": ""})
        h = [x.as_dict() for x in pick_households(master, d.number, codes[d.number], [], 3)]
        payloads.append(("households_picked", {"cadre": d.number, "picks": h}))
        picks.append({"cadre": d.number, "households": sorted(codes[d.number]), "picks": h})
    payloads.append(("seed_revealed", {"seed": SEED, "commitment": commitment(SEED)}))
    events, prev = [], GENESIS_HASH
    for seq, (type_, payload) in enumerate(payloads, start=1):
        at = "2026-03-24T01:00:00.000Z"
        digest = event_hash(prev, seq, type_, payload, "bench", at)
        events.append({"seq": seq, "type": type_, "payload": payload, "actor": "bench", "at": at,
                       "prev_hash": prev, "hash": digest})
        prev = digest
    return bundle_mod.assemble(
        protocol=PROTOCOL, rehearsal=False, meeting={"id": 1, "title": "bench", "date": None, "venue": ""}, roster_text=text,
        roster_sha256=roster_hash(text), exclusions=[], plan=plan, plan_sha256=plan_hash(plan),
        commitment=commitment(SEED), seed=SEED, entropy=entropy, draws=draw_list, household_picks=picks,
        events=events)


def service_rows(url: str, draws: int = 20) -> list[tuple[str, float]]:
    """Time each service step of one rehearsal meeting on a database that holds a roster."""
    from meeting import create_app
    from meeting.extensions import db
    from meeting.models import Meeting
    from meeting.services.draw import bundle as draw_bundle
    from meeting.services.draw import pool as draw_pool
    from meeting.services.draw import seed as draw_seed
    from meeting.services.draw import steps as draw_steps

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    rows: list[tuple[str, float]] = []

    def timed(label: str, fn: Callable[[], object]) -> object:
        start = time.perf_counter()
        result = fn()
        rows.append((label, time.perf_counter() - start))
        return result

    with app.app_context():
        session = db.session
        meeting = Meeting(title="bench", rehearsal=True)
        session.add(meeting)
        session.commit()
        mid = meeting.id
        summary = timed("service: freeze_pool (cadres + households → roster, hash, event)",
                        lambda: draw_pool.freeze_pool(session, mid, {"draws": draws}))
        draw_seed.commit_seed(session, mid)
        draw_seed.enter_entropy(session, mid, "3 5 1 6 2")
        times = []
        for n in range(1, draws + 1):
            start = time.perf_counter()
            result = draw_steps.draw_next(session, mid, expected_draw=n)
            times.append(time.perf_counter() - start)
            if n == 1:
                timed("service: pick_households(count=3), first call", lambda: draw_steps.pick_households(
                    session, mid, count=3, cadre_number=result.cadre_number))
        rows.append((f"service: draw_next over {summary.pool_size:,} cadres (median of {draws})",
                     statistics.median(times)))
        draw_seed.reveal_seed(session, mid)
        data = timed("service: build_bundle", lambda: draw_bundle.build_bundle(session, mid))
        text = bundle_mod.dumps(data)
        timed(f"verify that bundle ({len(text) // 1024:,} KiB)", lambda: verify(bundle_mod.loads(text)))
    return rows


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15, help="samples per measurement")
    parser.add_argument("--service", metavar="DATABASE_URL", help="also time the service on this database")
    args = parser.parse_args()
    key, msg = bytes(32), b"cadre\x00*\x00" + bytes(8)
    base = best_seconds(lambda: hmac.new(key, msg, hashlib.sha256).digest(), args.repeat, 2000)
    rows = [("one `hmac.new(key, msg, sha256).digest()` (baseline)", base)]
    master = bytes(range(32))
    for n in (10_180, 1_000_000):
        slots = iter(range(10**9))
        rows.append((f"one unbiased index, n = {n:,} (`uniform_index`)",
                     best_seconds(lambda: uniform_index(master, "cadre", "*", next(slots), n), args.repeat, 2000)))
    for n in (10_180, 1_000_000):
        rows.append((f"one complete cadre draw over {n:,} eligible (`DrawEngine.draw`)",
                     one_draw_time(roster(n), args.repeat)))
    bundle = demo_bundle(10_180, 20)
    text = bundle_mod.dumps(bundle)
    rows.append((f"verify a whole bundle: 10,180 cadres, 20 draws, 60 household picks ({len(text) // 1024:,} KiB)",
                 best_seconds(lambda: verify(bundle_mod.loads(text)), max(3, args.repeat // 3))))
    if args.service:
        rows += service_rows(args.service)
    print(f"Python {sys.version.split()[0]}, best of {args.repeat} samples (service rows: one run, "
          "draw_next the median of 20)\n")
    print("| measurement | time | × baseline |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        shown = f"{seconds * 1e6:,.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:,.1f} ms"
        print(f"| {label} | {shown} | {seconds / base:,.0f} |")


if __name__ == "__main__":
    main()
