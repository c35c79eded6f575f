"""The demo's three cases: one overdue (escalated to the township), one reopened, one closed.

Made through the follow-up services with an injected clock, so the case stream holds each step
and its chain verifies; made once. The entry point's run (`python -m meeting demo --no-serve`)
is checked on a SQLite file of its own.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys

from meeting.demo.cases import ensure_demo_cases
from meeting.models import Cadre, Township
from meeting.services import followup
from meeting.services.followup.overdue import overdue_list
from tests.echo_support import build_county
from tests.test_demo_script import ROOT, _env

NOW = dt.datetime(2026, 12, 1, 4, 0)


def _cadres(session) -> None:
    t = Township(code="T01", name="沂城街道")
    session.add_all([t] + [Cadre(number=n, name=f"干部{n}", position="主任", unit=f"单位{n}", rank="section",
                                 township=t) for n in (1, 2, 3)])
    session.commit()


def test_the_demo_makes_one_overdue_one_reopened_and_one_closed_case_through_the_services(session):
    _cadres(session)
    codes = ensure_demo_cases(session, now=NOW)
    assert set(codes) == {"overdue", "reopened", "closed"}
    got = {role: followup.get_case(session, code) for role, code in codes.items()}
    assert got["overdue"].status == "open" and got["overdue"].overdue_reason == "reply"
    assert got["overdue"].escalation == "township" and got["overdue"].responsible_unit == "单位1"
    assert got["reopened"].status == "reopened" and got["reopened"].reopen_count == 1
    assert got["reopened"].overdue_reason is None
    assert got["closed"].status == "closed" and not got["closed"].closed_by_override
    types = [e.type for e in followup.stream_events(session, case_id=got["reopened"].id)]
    assert types == ["case_opened", "case_replied", "case_return_visit_started", "case_return_visit_recorded"]
    assert followup.verify_stream(session) is None
    assert [c.code for c in overdue_list(session, now=NOW).cases] == [codes["overdue"]]


def test_the_demo_cases_are_made_once(session):
    _cadres(session)
    assert ensure_demo_cases(session, now=NOW)
    assert ensure_demo_cases(session, now=NOW) == {}


def test_a_database_that_already_has_cases_gets_no_demo_cases(session):
    build_county(session)
    assert ensure_demo_cases(session, now=NOW) == {}


def test_the_demo_command_leaves_the_three_cases_in_its_database(tmp_path):
    out = subprocess.run([sys.executable, "-m", "meeting", "demo", "--no-serve", "--scale", "0.002"], cwd=ROOT,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Demo cases: " in out.stdout and "(overdue)" in out.stdout and "/admin/cases/overdue" in out.stdout
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        rows = conn.execute("SELECT status, overdue_reason, escalation FROM cases ORDER BY code").fetchall()
        named = conn.execute("SELECT COUNT(DISTINCT case_id) FROM case_demands").fetchone()[0]
    assert sorted(rows) == sorted([("open", "reply", "township"), ("reopened", None, "unit"),
                                   ("closed", None, "unit")])
    assert named == 3  # each names a demand of its cadre's households: it shows on that village's echo wall
    again = subprocess.run([sys.executable, "-m", "meeting", "demo", "--no-serve"], cwd=ROOT, env=_env(tmp_path),
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Demo cases: " not in again.stdout
