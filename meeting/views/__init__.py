"""Blueprints by audience; each module listed here exposes `bp`."""
from __future__ import annotations

import importlib

from flask import Flask

BLUEPRINT_MODULES = ("public", "auth", "admin", "admin_import", "draw_public", "admin_meetings.pages", "console",
                     "juror", "screens", "api", "telephony", "simulator")


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to the app."""
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(f"meeting.views.{name}").bp)
