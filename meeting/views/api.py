"""The read-only public REST API (/api/v1), described by /api/v1/openapi.json.

Writes go through Socket.IO (docs/PROTOCOL.md), where roles are bound to connections; the REST
side serves scripts, branch venues and archivists with what the public may see. Errors are
JSON ({"error": {"code", "message"}}) by the app-wide handlers in meeting/views/errors.py.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from meeting.audience import Audience
from meeting.errors import UserError
from meeting.extensions import db
from meeting.ids import MAX_ID
from meeting.services.events import event_as_dict
from meeting.services.live.queries import events_page, get_public_meeting, public_meetings
from meeting.services.live.snapshot import build_state, leaderboard
from meeting.views.openapi_spec import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_EVENTS = 1000


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("api.openapi", _external=False).rsplit("/", 1)[0]))


@bp.get("/meetings")
def meetings():
    """Meetings that are live or over (set-up drafts are not public: every route here 404s them)."""
    return jsonify(meetings=public_meetings(db.session))


@bp.get("/meetings/<int:meeting_id>/state")
def state(meeting_id: int):
    """The public snapshot, exactly what the viewer page receives."""
    get_public_meeting(db.session, meeting_id)
    return jsonify(build_state(db.session, meeting_id, Audience.VIEWER))


@bp.get("/meetings/<int:meeting_id>/leaderboard")
def board(meeting_id: int):
    """Revealed results, best first."""
    get_public_meeting(db.session, meeting_id)
    return jsonify(leaderboard=leaderboard(db.session, meeting_id))


@bp.get("/meetings/<int:meeting_id>/events")
def events(meeting_id: int):
    """The hash-chained event log after `after` (default 0), at most `limit` (≤ 1000) events."""
    get_public_meeting(db.session, meeting_id)
    try:
        after = int(request.args.get("after", 0))
        limit = int(request.args.get("limit", MAX_EVENTS))
    except ValueError:
        raise UserError("bad_param", max=MAX_EVENTS) from None
    if not 0 <= after <= MAX_ID or not 1 <= limit <= MAX_EVENTS:
        raise UserError("bad_param", max=MAX_EVENTS)
    return jsonify(events=[event_as_dict(e) for e in events_page(db.session, meeting_id, after, limit)])
