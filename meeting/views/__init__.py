"""Blueprints by audience; register_blueprints is called once from create_app."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to the app."""
    from meeting.views import public

    app.register_blueprint(public.bp)
