"""The minutes of a closed meeting for staff: the xlsx workbook and the printable A4 report.

    /admin/meetings/<id>/minutes.xlsx   the workbook (rounds, ballots, calls, decisions, cases)
    /admin/meetings/<id>/minutes        the report in Chinese, with the draw's anchors on page 1

Both only for a closed meeting (409 with the reason otherwise); admins and moderators only.
`flask --app meeting minutes-pdf` prints the same report to PDF (meeting/commands/minutes.py).
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from meeting.extensions import db
from meeting.services.followup.minutes import minutes_data
from meeting.services.followup.minutes_xlsx import XLSX_MIME, minutes_xlsx
from meeting.views.auth import login_required

bp = Blueprint("minutes", __name__, url_prefix="/admin/meetings")
STAFF_ROLES = ("admin", "moderator")
TEMPLATE = "minutes/report.html"


@bp.get("/<int:meeting_id>/minutes.xlsx")
@login_required(*STAFF_ROLES)
def workbook(meeting_id: int) -> Response:
    """The minutes as an xlsx download."""
    body = minutes_xlsx(minutes_data(db.session, meeting_id))
    return Response(body, mimetype=XLSX_MIME, headers={
        "Content-Disposition": f'attachment; filename="minutes-{meeting_id}.xlsx"'})


@bp.get("/<int:meeting_id>/minutes")
@login_required(*STAFF_ROLES)
def report(meeting_id: int) -> str:
    """The printable A4 report (print it from the browser, or `minutes-pdf`)."""
    return render_template(TEMPLATE, data=minutes_data(db.session, meeting_id),
                           stylesheet=url_for("static", filename="minutes/report.css"))
