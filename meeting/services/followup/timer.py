"""The overdue check inside the server: `cases.tick` every CASES_TICK_SECONDS while it runs.

Started by the entry point only (`python -m meeting serve|demo`), never by create_app, so tests
and the CLI run no background work. The task is the Socket.IO server's own
(`start_background_task` / `sleep`), so it is a green thread under eventlet and an ordinary
thread in threading mode. Each run has its own app context and its own unit of work; a failure
is logged and the next run comes anyway. Running beside `flask cases-tick` from cron is safe:
the tick takes the county's case lock and writes only what changed.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from flask import Flask

from meeting.extensions import db, socketio
from meeting.services.followup.cases import TickResult, policy_from_config, tick

log = logging.getLogger("minkao.cases")
ACTOR = "system:cases-timer"


def tick_once(app: Flask, now: dt.datetime | None = None) -> TickResult:
    """One overdue check with the app's policy, in its own app context and session."""
    with app.app_context():
        try:
            return tick(db.session, now=now, policy=policy_from_config(app.config), actor=ACTOR)
        finally:
            db.remove()


def run_loop(run: Callable[[], object], sleep: Callable[[float], object], interval: float,
             keep_going: Callable[[], bool] = lambda: True) -> int:
    """`sleep(interval)` then `run()`, while `keep_going()`; returns how many runs failed.

    The first check comes one interval after start-up (the server is serving by then, and a
    restart in the middle of a meeting adds no work at its busiest moment). An exception is
    logged and never ends the loop: a database blip must not stop the follow-up.
    """
    failures = 0
    while keep_going():
        sleep(interval)
        try:
            run()
        except Exception:  # noqa: BLE001 — logged; the next interval tries again
            failures += 1
            log.exception("the overdue check failed; trying again in %s s", interval)
    return failures


def start(app: Flask, interval: float | None = None, *,
          spawn: Callable[..., object] | None = None, sleep: Callable[[float], object] | None = None) -> bool:
    """Start the timer as a background task; False (nothing started) when the interval is 0 or less."""
    seconds = float(app.config.get("CASES_TICK_SECONDS", 300) if interval is None else interval)
    if seconds <= 0:
        return False
    spawn = spawn or socketio.start_background_task
    spawn(run_loop, lambda: tick_once(app), sleep or socketio.sleep, seconds)
    log.info("overdue check every %s s", seconds)
    return True
