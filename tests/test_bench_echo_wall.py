"""The echo wall benchmark still runs: a small township, the table of ratios printed (no timing asserted)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_run():
    """One run of the benchmark at a tiny size, shared by the tests that read its output."""
    out = subprocess.run([sys.executable, "bench/bench_echo_wall.py", "--demands", "400", "--cases", "20",
                          "--repeat", "3"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out


def test_the_benchmark_builds_a_township_and_prints_the_ratios_to_the_bare_sql(small_run):
    out = small_run
    assert "400 demands, 200 households, 20 cases" in out.stdout
    assert "| bare SQL (DB-API replay) | 6 |" in out.stdout and "| service township_wall | 6 |" in out.stdout
    assert "| HTTP GET /echo/T01/ |" in out.stdout


def test_the_same_run_times_the_staff_dashboard_against_the_sql_it_sends_itself(small_run):
    out = small_run
    assert "Staff dashboard of cases, same run (20 cases, 50 a page)" in out.stdout
    # Four statements: the counts per status, the total, the overdue count, the page.
    assert "| service dashboard(), first page, no filter | 4 |" in out.stdout
    assert "| service dashboard(), first page, status=replied, township | 4 |" in out.stdout
    # The page logged in as an admin (the bench asserts a 200 with case rows) sends more than the service.
    pages = re.findall(r"^\| HTTP GET (/cases\S*) \(admin\) \| (\d+) \|", out.stdout, re.M)
    assert [path for path, _ in pages] == ["/cases", "/cases?status=replied&township=1"]
    assert all(int(n) > 4 for _, n in pages)


def test_fewer_than_three_repetitions_are_refused():
    out = subprocess.run([sys.executable, "bench/bench_echo_wall.py", "--repeat", "2"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "at least 3" in out.stderr
