"""End to end: a demo meeting → the public bundle download → `python -m scoring.verify` in a
clean interpreter that has only a copy of scoring/ (no app, no site-packages) → OK; a tampered
copy fails."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import scoring
from tests.draw_support import build_roster, run_demo_meeting


def _bare_verifier(tmp_path: Path) -> Path:
    """A folder holding nothing but a copy of the scoring package."""
    home = tmp_path / "citizen"
    shutil.copytree(Path(scoring.__file__).parent, home / "scoring",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return home


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    # -S: no site-packages; -E: ignore PYTHON* variables; -s: no user site; env: nothing at all.
    # (Not -I: it implies -P, which would also drop the working directory holding scoring/.)
    return subprocess.run([sys.executable, "-S", "-E", "-s", "-m", "scoring.verify", *args],
                          capture_output=True, text=True, encoding="utf-8", cwd=home, env={})


def test_a_demo_meetings_bundle_verifies_in_a_clean_interpreter_and_a_tampered_copy_does_not(app, client, tmp_path):
    from meeting.extensions import db

    with app.app_context():
        build_roster(db.session)
        mid = run_demo_meeting(db.session, skip=(2, 4), households=3)
    response = client.get(f"/m/{mid}/bundle.json")
    assert response.status_code == 200
    bundle_path = tmp_path / "bundle.json"
    bundle_path.write_bytes(response.data)
    bundle = json.loads(response.data)

    home = _bare_verifier(tmp_path)
    sanity = subprocess.run([sys.executable, "-S", "-E", "-s", "-c", "import flask"], capture_output=True, cwd=home, env={})
    assert sanity.returncode != 0, "the clean interpreter must not see the app's dependencies"

    ok = _run(home, str(bundle_path), "--commitment", bundle["commitment"],
              "--roster-hash", bundle["roster"]["sha256"], "--plan-hash", bundle["plan_sha256"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK  minkao-draw/1  meeting")
    assert f"draws       {len(bundle['draws'])} (2 skipped)" in ok.stdout

    drawn = bundle["draws"][2]
    drawn["number"] += 1 if f"{drawn['number'] + 1}\t" in "\n".join(bundle["roster"]["lines"]) else -1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    bad = _run(home, str(tampered))
    assert bad.returncode == 1
    assert bad.stdout.startswith("MISMATCH: draws[2] (draw 3) number")

    wrong_notice = _run(home, str(bundle_path), "--commitment", "0" * 64)
    assert wrong_notice.returncode == 1 and "commitment" in wrong_notice.stdout
