"""Follow-up commands: the overdue check, a case's return visit.

    flask --app meeting cases-tick            # mark overdue cases, raise escalation levels
    flask --app meeting cases-tick --now 2026-04-09T00:00:00+08:00   # as if at that instant
    flask --app meeting cases-overdue --unit 泉庄镇党委   # the overdue list of a unit, as text
    flask --app meeting case-visit 2026-03-24-R2-01   # start its return visit if replied, call the next household
    flask --app meeting case-visit 2026-03-24-R2-01 --outcome answered --resolved yes --satisfaction 4
                                                      # what the household said on a desk phone (manual provider)

Idempotent and safe to run twice at once (cron every hour or so; the in-process timer while the
server runs calls the same service).
"""
from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app

from meeting import telephony
from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services import followup
from meeting.services.followup.overdue import OverdueList, overdue_list
from meeting.services.followup import visits

ACTOR = "cli:cases-tick"
VISIT_ACTOR = "cli:case-visit"


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


def run_visit(code: str, actor: str = VISIT_ACTOR) -> list[str]:
    """Start the case's return visit if it is replied, then call the next household; what was done."""
    done: list[str] = []
    status = followup.get_case(db.session, code).status
    db.session.rollback()  # read only: each step below is a transaction of its own
    if status == "replied":
        started = visits.start_visit(db.session, code, actor, stream_code=followup.DEFAULT_STREAM)
        done.append(f"return visit {started['visit']} started: {len(started['order'])} households in draw order")
    placed = visits.place_visit_call(db.session, code, actor, telephony.context())
    done.append(f"call {placed['call']} to household {placed['household']} (visit {placed['visit']}): "
                f"{placed['state']}")
    return done


def register(app: Flask) -> None:
    """Add cases-tick, cases-overdue and case-visit."""
    register_overdue(app)

    @app.cli.command("case-visit")
    @click.argument("code")
    @click.option("--outcome", type=click.Choice(visits.MANUAL_OUTCOMES), default=None,
                  help="record the desk-phone call instead of placing one")
    @click.option("--resolved", type=click.Choice(("yes", "partly", "no")), default=None)
    @click.option("--satisfaction", type=click.IntRange(1, 5), default=None)
    def case_visit(code: str, outcome: str | None, resolved: str | None, satisfaction: int | None) -> None:
        """Return visit (回访) of a replied case: call the next household of its drawn order."""
        try:
            if outcome is None:
                lines = run_visit(code)
            else:
                done = visits.record_visit_call(db.session, code, VISIT_ACTOR, outcome, resolved, satisfaction)
                lines = [f"call {done['call']}: {done['state']}, visit {done['outcome'] or 'still open'}"]
        except UserError as exc:
            raise click.ClickException(error_text(exc)) from None
        for line in lines:
            click.echo(line)

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
