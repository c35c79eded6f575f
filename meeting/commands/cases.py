"""Follow-up commands: the overdue check.

    flask --app meeting cases-tick            # mark overdue cases, raise escalation levels
    flask --app meeting cases-tick --now 2026-04-09T00:00:00+08:00   # as if at that instant

Idempotent and safe to run twice at once (cron every hour or so; the in-process timer while the
server runs calls the same service).
"""
from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app

from meeting.errors import UserError
from meeting.extensions import db
from meeting.services import followup

ACTOR = "cli:cases-tick"


def parse_now(value: str | None) -> dt.datetime | None:
    """An ISO instant → naive UTC (a value without an offset is taken as UTC); None for now."""
    if not value:
        return None
    at = dt.datetime.fromisoformat(value)
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at


def run_tick(now: dt.datetime | None = None, stream: str = followup.DEFAULT_STREAM) -> followup.TickResult:
    """One overdue check with the app's policy (config CASES_*), on the app's session."""
    policy = followup.policy_from_config(current_app.config)
    return followup.tick(db.session, now=now, policy=policy, actor=ACTOR, stream_code=stream)


def register(app: Flask) -> None:
    """Add cases-tick."""

    @app.cli.command("cases-tick")
    @click.option("--now", "now_text", default="", help="check as at this ISO instant (default: now)")
    @click.option("--stream", default=followup.DEFAULT_STREAM, show_default=True, help="the county's case stream")
    def cases_tick(now_text: str, stream: str) -> None:
        """Move cases past their reply period or deadline to overdue and escalate them."""
        try:
            result = run_tick(parse_now(now_text), stream)
        except ValueError as exc:
            raise click.ClickException(f"--now: {exc}") from None
        except UserError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"{result.today.isoformat()}: {result.checked} open cases checked, {len(result.changed)} changed")
        for code in result.changed:
            click.echo(f"  {code}")
