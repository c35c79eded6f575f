"""Public, read-only pages and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for

from meeting.extensions import db
from meeting.services.health import database_answers

bp = Blueprint("public", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness plus a database round trip (used by scripts waiting for the server)."""
    database_answers(db.session)
    return jsonify(status="ok")


@bp.get("/")
def index():
    """The landing page sends staff to the admin area."""
    return redirect(url_for("admin.index")) if "admin" in _blueprints() else jsonify(app="minkao")


def _blueprints() -> set[str]:
    from flask import current_app

    return set(current_app.blueprints)
