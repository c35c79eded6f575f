"""Public draw pages: the printable pre-meeting notice, the frozen roster, the bundle download."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.draw import bundle as draw_bundle
from meeting.views.errors import json_errors
from scoring import bundle as bundle_mod

bp = Blueprint("draw_public", __name__)


@bp.get("/m/<int:meeting_id>/notice")
def notice(meeting_id: int):
    """The pre-meeting notice: roster hash, commitment, plan, protocol (print it, post it)."""
    try:
        data = draw_bundle.notice_data(db.session, meeting_id)
    except UserError as exc:
        return render_template("public/notice.html", error=error_text(exc), data=None), exc.status
    return render_template("public/notice.html", data=data, error=None)


@bp.get("/m/<int:meeting_id>/roster.txt")
@json_errors
def roster(meeting_id: int):
    """The canonical roster file whose SHA-256 the notice shows (published before the meeting)."""
    text = draw_bundle.published_roster(db.session, meeting_id)
    return Response(text.encode("utf-8"), mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="minkao-{meeting_id}-roster.txt"'})


@bp.get("/m/<int:meeting_id>/bundle.json")
@json_errors
def bundle(meeting_id: int):
    """The verification bundle; 404 for an unknown meeting, 409 before the seed is revealed."""
    data = draw_bundle.build_bundle(db.session, meeting_id)
    return Response(bundle_mod.dumps(data).encode("utf-8"), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="minkao-{meeting_id}-bundle.json"'})
