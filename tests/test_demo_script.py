"""The README's demo command: `--scale` against an existing demo database, and the printed links.

Runs the real entry point (`python -m meeting demo --no-serve`, and `bash scripts/demo.sh`) in
subprocesses on a SQLite file of its own, whichever database the suite runs on.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINKAO_", "PUBLIC_BASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", MINKAO_INSTANCE_PATH=str(tmp_path),
               TELEPHONY_PROVIDER="simulated")
    return env


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "meeting", "demo", "--no-serve", *args], cwd=ROOT,
                          env=_env(tmp_path), capture_output=True, text=True, timeout=300)


def _cadres(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        return conn.execute("SELECT count(*) FROM cadres").fetchone()[0]


def _check_printed_links(tmp_path: Path, out: subprocess.CompletedProcess[str]) -> None:
    """Every address the demo prints answers 200 for the admin: no 308 to add a slash, no 404."""
    from meeting import create_app
    from meeting.config import TestConfig

    password = re.search(r"^  admin / (\S+)$", out.stdout, re.M).group(1)
    paths = [p for p in re.findall(r"http://127\.0\.0\.1:5000(/\S*)", out.stdout)]
    assert len(paths) >= 13 and any(p.startswith("/admin/meetings/") for p in paths)

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"})
    app.instance_path = str(tmp_path)
    client = app.test_client()
    login = client.post("/login", data={"username": "admin", "password": password})
    assert login.status_code == 302, login.status_code
    for path in paths:
        if path == "/login":
            continue
        status = client.get(path).status_code
        assert status == 200, f"{path}: {status}"


def test_scale_against_an_existing_demo_database_is_refused_and_changes_nothing(tmp_path):
    first = _demo(tmp_path, "--scale", "0.002")
    assert first.returncode == 0, first.stderr
    assert "Generating the demo roster: 20 cadres" in first.stdout
    assert _cadres(tmp_path) == 20
    _check_printed_links(tmp_path, first)

    other = _demo(tmp_path, "--scale", "0.004")
    assert other.returncode == 2
    assert "Demo ready" not in other.stdout
    assert "--scale 0.004 refused" in other.stderr
    assert "already holds a roster of 20 cadres and --scale 0.004 means 41" in other.stderr
    assert f"remove {tmp_path / 'demo.db'} and run the same command again" in other.stderr
    assert _cadres(tmp_path) == 20

    again = _demo(tmp_path)  # no --scale: the existing demo, said so
    assert again.returncode == 0, again.stderr
    assert "Keeping the roster already in the database: 20 cadres." in again.stdout
    same = _demo(tmp_path, "--scale", "0.002")  # the scale it was made with: fine
    assert same.returncode == 0, same.stderr
    assert _cadres(tmp_path) == 20


def test_demo_script_refusal_names_the_script(tmp_path):
    if not (ROOT / ".venv" / "bin" / "python").exists():
        import pytest

        pytest.skip("scripts/demo.sh uses the project's .venv, which this checkout lacks")
    run = lambda *a: subprocess.run(["bash", "scripts/demo.sh", "--no-serve", *a], cwd=ROOT,  # noqa: E731
                                    env=_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert run("--scale", "0.002").returncode == 0
    refused = run("--scale", "0.004")
    assert refused.returncode == 2
    assert "bash scripts/demo.sh --scale 0.004" in refused.stderr
    assert _cadres(tmp_path) == 20
