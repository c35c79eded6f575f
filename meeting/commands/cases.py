"""Follow-up commands: the overdue check.

    flask --app meeting cases-tick            # mark overdue cases, raise escalation levels
    flask --app meeting cases-tick --now 2026-04-09T00:00:00+08:00   # as if at that instant
    flask --app meeting cases-overdue --unit 泉庄镇党委   # the overdue list of a unit, as text

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
from meeting.services.followup.overdue import OverdueList, overdue_list

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


def overdue_text(data: OverdueList) -> list[str]:
    """The overdue list as lines of text (the same columns as /admin/cases/overdue)."""
    title = f"Overdue cases of {data.unit}" if data.unit else "Overdue cases of all units"
    lines = [f"{title} on {data.today.isoformat()}: {len(data.cases)}"]
    for c in data.cases:
        due = c.reply_due if c.reason == "reply" else c.deadline
        responsible = " ".join(x for x in (c.responsible_person, c.responsible_unit) if x)
        lines.append("\t".join((c.code, c.escalation, f"{c.days_overdue} days",
                                 f"{c.reason} due {due.isoformat() if due else '-'}", responsible, c.promise)))
    return lines


def register_overdue(app: Flask) -> None:
    """Add cases-overdue."""

    @app.cli.command("cases-overdue")
    @click.option("--unit", default="", help="the responsible unit (default: every unit)")
    @click.option("--now", "now_text", default="", help="as at this ISO instant (default: now)")
    def cases_overdue(unit: str, now_text: str) -> None:
        """Print the overdue cases of a unit: code, escalation, days overdue, due day, responsible, promise."""
        try:
            now = parse_now(now_text)
        except ValueError as exc:
            raise click.ClickException(f"--now: {exc}") from None
        data = overdue_list(db.session, unit.strip() or None, now=now,
                            policy=followup.policy_from_config(current_app.config))
        for line in overdue_text(data):
            click.echo(line)


def register(app: Flask) -> None:
    """Add cases-tick and cases-overdue."""
    register_overdue(app)

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
