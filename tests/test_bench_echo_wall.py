"""The echo wall benchmark still runs: a small township, the table of ratios printed (no timing asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_builds_a_township_and_prints_the_ratios_to_the_bare_sql():
    out = subprocess.run([sys.executable, "bench/bench_echo_wall.py", "--demands", "400", "--cases", "20",
                          "--repeat", "3"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "400 demands, 200 households, 20 cases" in out.stdout
    assert "| bare SQL (DB-API replay) | 6 |" in out.stdout and "| service township_wall | 6 |" in out.stdout
    assert "| HTTP GET /echo/T01/ |" in out.stdout


def test_fewer_than_three_repetitions_are_refused():
    out = subprocess.run([sys.executable, "bench/bench_echo_wall.py", "--repeat", "2"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "at least 3" in out.stderr
