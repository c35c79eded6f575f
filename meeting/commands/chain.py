"""The chain check from the command line:

    flask --app meeting verify-log 3            # check meeting 3's event log in the database
    flask --app meeting verify-log 3 --clear    # after restoring the database: clear its alarm

Exit 0 when the log verifies, 1 when it does not (the meeting is then stopped, as at start-up).
"""
from __future__ import annotations

import sys

import click
from flask import Flask

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import text
from meeting.services import chain_check
from meeting.services.chain_check import MeetingChain
from scoring.chain import short_head


def describe(result: MeetingChain, code: str = "") -> str:
    """One line in the default locale: the head when the log verifies, else where it breaks."""
    if result.ok:
        return text("chain_ok", meeting=result.meeting_id, seq=result.seq, head=short_head(result.head))
    return text(code or "chain_bad", meeting=result.meeting_id, seq=result.bad_seq,
                problem=text(f"chain_problem_{result.problem}"))


def register(app: Flask) -> None:
    """Add verify-log."""

    @app.cli.command("verify-log")
    @click.argument("meeting_id", type=int)
    @click.option("--clear", is_flag=True, help="clear the meeting's chain alarm if its log verifies now")
    def verify_log(meeting_id: int, clear: bool) -> None:
        """Verify a meeting's hash-chained event log in the database; stop the meeting if it fails."""
        try:
            result = (chain_check.clear_if_intact if clear else chain_check.check_and_mark)(db.session, meeting_id)
        except UserError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(describe(result))
        if result.ok and clear:
            click.echo(text("chain_cleared", meeting=meeting_id))
        if not result.ok:
            raise SystemExit(1)


def startup_check(app: Flask, out=None) -> list[MeetingChain]:
    """At server start: verify every open meeting's log; print an alarm for each that fails (it
    is stopped: every action is refused). Returns the results."""
    out = out or sys.stderr
    with app.app_context():
        session = db.new_session()
        try:
            results = chain_check.check_open_meetings(session)
        finally:
            session.close()
        for result in results:
            if result.ok:
                print(describe(result), file=out, flush=True)
            else:
                print("\a" + "!" * 72 + "\n" + describe(result, "chain_alarm") + "\n" + "!" * 72, file=out, flush=True)
    return results
