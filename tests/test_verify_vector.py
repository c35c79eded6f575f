"""The known-answer bundle of docs/VERIFY.md §15: docs/vectors/small-meeting.json, written by
the real services (a live meeting: exclusions, a stratified plan, a skip in round 1, household
picks and a backup pick, calls in the drawn order, more draws, the reveal). It must verify, the values
printed in VERIFY.md must be the ones it holds, and today's services must still derive the
same draws from the same inputs.

Regenerate (only when the protocol changes on purpose):
    MINKAO_WRITE_VECTOR=1 .venv/bin/python -m pytest tests/test_verify_vector.py -q
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring import bundle as bundle_mod
from scoring.chain import canonical_json
from scoring.draw import master_key
from scoring.verify import main, verify
from tests.draw_support import SEED, build_roster

ROOT = Path(__file__).resolve().parent.parent
VECTOR = ROOT / "docs" / "vectors" / "small-meeting.json"
SPEC = ROOT / "docs" / "VERIFY.md"
ENTROPY = [{"label": "骰子", "value": "3 5 1 6 2 4"}, {"label": "体彩排列五", "value": "７ 0 3 9 1"}]


def make_small_meeting(app) -> bytes:
    """Run the small meeting through the services and return its bundle as the app serves it."""
    from meeting.extensions import db
    from meeting.models import Meeting, Round
    from meeting.services.draw import bundle as draw_bundle
    from meeting.services.draw import pool as draw_pool
    from meeting.services.draw import seed as draw_seed
    from meeting.services.draw import steps as draw_steps
    from meeting.services.live import actions as live

    import sqlalchemy as sa

    def perform(mid, action, **params):
        with app.test_request_context("/?lang=en"):
            try:
                return live.perform(db.session, mid, action, params, "user:1")
            finally:
                db.remove()

    with app.app_context():
        s = db.session
        build_roster(s, cadres=12)
        meeting = Meeting(title="沂水县干部作风现场调查大会(示例)", venue="县会堂", date=dt.date(2026, 3, 24),
                          rounds_planned=3)
        s.add(meeting)
        s.commit()
        mid = meeting.id
        draw_pool.set_exclusions(s, mid, [{"number": 104, "reason": "病假  (住院)"}], "organiser")
        draw_pool.freeze_pool(s, mid, {"kind": "strata", "strata": [{"key": "T02", "draws": 2},
                                                                       {"key": "T01", "draws": 1}]},
                              actor="organiser")
        draw_seed.commit_seed(s, mid, "organiser", seed_factory=lambda: SEED)
        db.remove()
    perform(mid, "start_meeting")
    perform(mid, "enter_entropy", sources=ENTROPY)
    perform(mid, "draw_cadre", expected_draw=1)
    perform(mid, "skip_cadre", draw=1, reason="official_duty")
    perform(mid, "draw_cadre", expected_draw=2)
    perform(mid, "start_report")
    perform(mid, "start_verification")
    with app.app_context():
        s = db.session
        rnd = s.scalar(sa.select(Round).where(Round.meeting_id == mid, Round.number == 1))
        round_id = rnd.id
        picked = draw_steps.pick_households(s, mid, count=2, actor="user:1", round_id=round_id)
        every = draw_steps.pick_households(s, mid, count=3, actor="user:1", round_id=round_id)  # one backup
        db.remove()
    perform(mid, "record_call", household_code=picked[0].code, outcome="no_answer")
    perform(mid, "record_call", household_code=picked[1].code, outcome="answered")
    perform(mid, "record_call", household_code=every[2].code, outcome="answered",
            answers={"visited": "yes", "resolved": "partly", "satisfaction": 4})
    with app.app_context():
        s = db.session
        draw_steps.draw_next(s, mid, "user:1", expected_draw=3)
        fourth = draw_steps.draw_next(s, mid, "user:1", expected_draw=4)
        draw_steps.pick_households(s, mid, count=2, actor="user:1", cadre_number=fourth.cadre_number)
        db.remove()
    perform(mid, "close_meeting")
    client = app.test_client()
    response = client.get(f"/m/{mid}/bundle.json")
    assert response.status_code == 200
    return response.data


@pytest.fixture(scope="module")
def vector() -> dict:
    return bundle_mod.loads(VECTOR.read_bytes())


def test_the_vector_verifies_from_the_command_line_in_a_bare_interpreter():
    out = subprocess.run([sys.executable, "-S", "-E", "-s", "-m", "scoring.verify", str(VECTOR)],
                         capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env={})
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("OK  minkao-draw/1  meeting")


def test_the_vector_holds_a_skip_household_picks_a_backup_and_calls_in_the_drawn_order(vector):
    types = [e["type"] for e in vector["events"]]
    assert types.count("cadre_skipped") == 1 and types.count("households_picked") == 3
    assert [(c["slot"], c["outcome"], c["recorded_by"]) for c in vector["calls"]] == [
        (0, "no_answer", "moderator"), (1, "ended", "moderator"), (2, "ended", "moderator")]
    assert types.index("exclusions_set") < types.index("pool_frozen")
    assert [d["skipped"] for d in vector["draws"]] == [True, False, False, False]


def test_the_values_printed_in_verify_md_are_the_vectors(vector):
    spec = SPEC.read_text(encoding="utf-8")
    section = spec[spec.index("## 15."):spec.index("## 16.")]
    printed = dict(re.findall(r"^\* `([a-z_ 0-9.]+)`: `([^`]*)`", section, re.M))
    events = vector["events"]
    last = events[-1]
    expect = {
        "file sha256": __import__("hashlib").sha256(VECTOR.read_bytes()).hexdigest(),
        "seed": vector["seed"], "commitment": vector["commitment"],
        "roster sha256": vector["roster"]["sha256"], "plan": canonical_json(vector["plan"]).decode(),
        "plan_sha256": vector["plan_sha256"], "canonical entropy": vector["entropy"]["canonical"].replace("\n", "⏎"),
        "draws": " ".join(f"{d['number']}{'(skipped)' if d['skipped'] else ''}" for d in vector["draws"]),
        "households": "; ".join(f"{h['cadre']}: " + " ".join(p["code"] for p in h["picks"])
                                for h in vector["household_picks"]),
        "chain head": f"{last['seq']}:{last['hash']}",
        "notice sha256": next(e["payload"]["notice_sha256"] for e in events if e["type"] == "seed_committed"),
        "master": master_key(vector["seed"], vector["protocol"], vector["roster"]["sha256"], vector["plan_sha256"],
                             vector["entropy"]["canonical"]).hex(),
    }
    assert {k: printed.get(k) for k in expect} == expect
    lines = verify(vector)
    assert any(line.startswith("skips       1") for line in lines)


def test_the_services_still_derive_the_vectors_draws(app, tmp_path):
    data = make_small_meeting(app)
    if os.environ.get("MINKAO_WRITE_VECTOR") == "1":
        VECTOR.parent.mkdir(parents=True, exist_ok=True)
        VECTOR.write_bytes(data)
    fresh = bundle_mod.loads(data)
    assert verify(fresh)[0].startswith("OK")
    stored = bundle_mod.loads(VECTOR.read_bytes())
    for key in ("roster", "plan", "plan_sha256", "exclusions", "commitment", "seed", "entropy", "draws",
                "household_picks", "protocol", "rehearsal"):
        assert fresh[key] == stored[key], key
    assert [e["type"] for e in fresh["events"]] == [e["type"] for e in stored["events"]]


def test_the_anchor_option_accepts_the_head_and_refuses_a_truncated_tail(vector, tmp_path, capsys):
    head = vector["events"][-1]
    middle = vector["events"][len(vector["events"]) // 2]
    assert main([str(VECTOR), "--anchor", f"{head['seq']}:{head['hash']}",
                 "--anchor", f"{middle['seq']}:{middle['hash'].upper()}"]) == 0
    out = capsys.readouterr().out
    assert f"anchor      seq {head['seq']} {head['hash']}  on the chain" in out
    wrong = "0" * 64
    assert main([str(VECTOR), "--anchor", f"{middle['seq']}:{wrong}"]) == 1
    assert f"MISMATCH: anchor {middle['seq']}: hash of event seq {middle['seq']}" in capsys.readouterr().out
    # A bundle whose tail was cut (here the last event) fails against an anchor taken from it.
    b = json.loads(VECTOR.read_bytes())
    b["events"] = b["events"][:-1]
    truncated = tmp_path / "truncated.json"
    truncated.write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    assert main([str(truncated), "--anchor", f"{head['seq']}:{head['hash']}"]) == 1
    assert (f"MISMATCH: anchor {head['seq']}:{head['hash'][:12]}…: the bundle's chain ends at seq "
            f"{head['seq'] - 1}") in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main([str(VECTOR), "--anchor", "17"])
    assert usage.value.code == 2 and "must be SEQ:HASH" in capsys.readouterr().err
