"""The overdue check inside the server: the loop calls the tick, survives a failure, and is off at 0.

No timing: the sleep and the spawn are fakes that record; the loop stops when the test says so.
Two timers (or a timer and cron's `flask cases-tick`) at once give the result of one: the
service's own concurrency test (tests/test_cases_service.py) covers the tick; here two
`tick_once` runs, each with its own app context and session, race on the same database.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest

from meeting.services import followup
from meeting.services.followup import timer
from tests.echo_support import build_county

LATE = dt.datetime(2026, 4, 20)  # after the reply due day (8 April) and 7 days overdue: township


@pytest.fixture
def session(session):
    """The test's session, closed at the end: tick_once removes the thread's scoped session, so
    the one the test still holds must not keep a transaction open past the test (PostgreSQL)."""
    yield session
    session.close()


class FakeSleep:
    """Records every sleep; lets the loop run `runs` times."""

    def __init__(self, runs: int) -> None:
        self.calls: list[float] = []
        self.runs = runs

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    def keep_going(self) -> bool:
        return len(self.calls) < self.runs


def test_the_loop_calls_the_check_every_interval_and_survives_a_failure(caplog):
    sleep = FakeSleep(runs=3)
    calls: list[int] = []

    def run() -> None:
        assert len(sleep.calls) == len(calls) + 1  # each run comes after its interval
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="minkao.cases"):
        failures = timer.run_loop(run, sleep, 300, sleep.keep_going)
    assert calls == [0, 1, 2] and sleep.calls == [300, 300, 300] and failures == 1
    assert "overdue check failed" in caplog.text and "database went away" in caplog.text


def test_the_timer_is_off_at_zero_and_otherwise_spawns_one_background_loop(app):
    spawned: list[tuple] = []
    app.config["CASES_TICK_SECONDS"] = 0
    assert timer.start(app, spawn=lambda *a: spawned.append(a)) is False and spawned == []
    app.config["CASES_TICK_SECONDS"] = 60
    assert timer.start(app, spawn=lambda *a: spawned.append(a), sleep=lambda s: None) is True
    (fn, run, _sleep, interval), = spawned
    assert fn is timer.run_loop and interval == 60.0 and callable(run)


def test_the_default_interval_is_five_minutes_and_create_app_starts_nothing(app):
    from meeting.config import Config

    assert Config.from_env({})["CASES_TICK_SECONDS"] == 300
    assert Config.from_env({"CASES_TICK_SECONDS": "0"})["CASES_TICK_SECONDS"] == 0
    assert not any(t.name.startswith("cases") for t in threading.enumerate())


def test_one_timer_run_marks_the_case_overdue_in_its_own_unit_of_work(app, session):
    code = build_county(session)["case"]
    result = timer.tick_once(app, now=LATE)
    assert result.changed == (code,)
    session.expire_all()
    case = followup.get_case(session, code)
    assert (case.overdue_reason, case.escalation) == ("reply", "township")
    event = followup.stream_events(session)[-1]
    assert event.type == "case_overdue" and event.actor == timer.ACTOR
    assert event.payload["escalation"] == "township" and event.payload["previous_escalation"] == "unit"
    assert timer.tick_once(app, now=LATE).changed == ()


def test_two_timer_runs_at_once_give_the_same_result_as_one(app, session):
    code = build_county(session)["case"]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def go() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(timer.tick_once(app, now=LATE))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r.changed for r in results) == [(), (code,)]
    session.expire_all()
    types = [e.type for e in followup.stream_events(session)]
    assert types == ["case_opened", "case_overdue"]
    assert followup.verify_stream(session) is None


def test_the_escalation_to_the_county_is_its_own_event_with_the_level_it_rose_from(app, session):
    code = build_county(session)["case"]
    timer.tick_once(app, now=LATE)
    assert timer.tick_once(app, now=dt.datetime(2026, 4, 24)).changed == (code,)  # 16 days overdue
    session.expire_all()
    event = followup.stream_events(session)[-1]
    assert event.type == "case_escalated"
    assert (event.payload["previous_escalation"], event.payload["escalation"]) == ("township", "county")


def test_the_running_server_marks_a_late_case_overdue_by_itself(app, session, tmp_path):
    """`python -m meeting serve` (eventlet) with CASES_TICK_SECONDS=1: the case becomes overdue without the CLI."""
    from tests.liveserver import LiveServer

    code = build_county(session)["case"]       # replied to by nobody: overdue since 9 April 2026
    session.close()
    server = LiveServer(app.config["DATABASE_URL"], env={"CASES_TICK_SECONDS": "1"},
                        log_path=tmp_path / "server.log").start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            session.expire_all()
            events = followup.stream_events(session)
            session.close()
            if events[-1].type == "case_overdue":
                break
            time.sleep(0.2)
        assert events[-1].type == "case_overdue" and events[-1].actor == timer.ACTOR
        assert events[-1].payload["case"] == code
    finally:
        server.stop()
