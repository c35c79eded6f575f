"""`flask --app meeting …` commands, one module per concern."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from meeting.commands import db as db_commands

    db_commands.register(app)
