"""`flask --app meeting …` commands, one module per concern, each with register(app)."""
from __future__ import annotations

import importlib

from flask import Flask

COMMAND_MODULES = ("db", "roster", "importer", "draw")


def register_commands(app: Flask) -> None:
    """Attach every command module's commands to the app's CLI."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"meeting.commands.{name}").register(app)
