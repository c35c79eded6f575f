"""The read-only public REST API (/api/v1), described by /api/v1/openapi.json.

Writes go through Socket.IO (docs/PROTOCOL.md), where roles are bound to connections; the REST
side serves scripts, branch venues and archivists with what the public may see.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request, url_for

from meeting.errors import NotFound, UserError
from meeting.extensions import db
from meeting.models import Meeting
from meeting.services.events import event_as_dict, events_since
from meeting.services.live.snapshot import build_state, leaderboard
from meeting.views.openapi_spec import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_EVENTS = 1000


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id} does not exist")
    return meeting


@bp.errorhandler(UserError)
def _user_error(exc: UserError):
    return jsonify(error={"code": exc.code, "message": exc.message}), exc.status


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("api.openapi", _external=False).rsplit("/", 1)[0]))


@bp.get("/meetings")
def meetings():
    """Meetings that are live or over (set-up drafts are not public)."""
    rows = db.session.scalars(sa.select(Meeting).where(Meeting.status.in_(("live", "closed"))).order_by(Meeting.id))
    return jsonify(meetings=[{"id": m.id, "title": m.title, "date": m.date.isoformat() if m.date else None,
                              "venue": m.venue, "status": m.status} for m in rows])


@bp.get("/meetings/<int:meeting_id>/state")
def state(meeting_id: int):
    """The public snapshot, exactly what the viewer page receives."""
    _meeting_or_404(meeting_id)
    return jsonify(build_state(db.session, meeting_id, "viewer"))


@bp.get("/meetings/<int:meeting_id>/leaderboard")
def board(meeting_id: int):
    """Revealed results, best first."""
    _meeting_or_404(meeting_id)
    return jsonify(leaderboard=leaderboard(db.session, meeting_id))


@bp.get("/meetings/<int:meeting_id>/events")
def events(meeting_id: int):
    """The hash-chained event log after `after` (default 0), at most `limit` (≤ 1000) events."""
    _meeting_or_404(meeting_id)
    try:
        after = int(request.args.get("after", 0))
        limit = int(request.args.get("limit", MAX_EVENTS))
    except ValueError:
        raise UserError("after and limit must be whole numbers", code="bad_param") from None
    if after < 0 or not 1 <= limit <= MAX_EVENTS:
        raise UserError(f"after must be ≥ 0 and limit between 1 and {MAX_EVENTS}", code="bad_param")
    rows = events_since(db.session, meeting_id, after)[:limit]
    return jsonify(events=[event_as_dict(e) for e in rows])
