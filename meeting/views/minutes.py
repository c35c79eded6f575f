"""The record after a meeting, for staff: minutes, the cadre record, the unit summary.

    /admin/meetings/<id>/minutes.xlsx   the workbook (rounds, ballots, calls, decisions, cases)
    /admin/meetings/<id>/minutes        the report in Chinese, with the draw's anchors on page 1
    /admin/cadres/<number>/record       every meeting the cadre was drawn in, scores, bands, cases
    /admin/units(.xlsx)                 per unit: completion rate, overdue cases, average score
    /admin/units/pledges?year=2026      per unit: pledges, demands pledged, settled, overdue

Minutes only for a closed meeting (409 with the reason otherwise); admins and moderators only.
`flask --app meeting minutes-pdf` prints the same report to PDF (meeting/commands/minutes.py).
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from meeting.extensions import db
from meeting.services.followup.minutes import minutes_data
from meeting.services.followup.minutes_record import cadre_record, unit_summary
from meeting.services.followup.scorecard import pledge_scorecard
from meeting.services.followup.minutes_xlsx import XLSX_MIME, minutes_xlsx, units_xlsx
from meeting.views.auth import login_required

bp = Blueprint("minutes", __name__, url_prefix="/admin")
STAFF_ROLES = ("admin", "moderator")
TEMPLATE = "minutes/report.html"


def _download(body: bytes, filename: str) -> Response:
    return Response(body, mimetype=XLSX_MIME, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/meetings/<int:meeting_id>/minutes.xlsx")
@login_required(*STAFF_ROLES)
def workbook(meeting_id: int) -> Response:
    """The minutes as an xlsx download."""
    return _download(minutes_xlsx(minutes_data(db.session, meeting_id)), f"minutes-{meeting_id}.xlsx")


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required(*STAFF_ROLES)
def report(meeting_id: int) -> str:
    """The printable A4 report (print it from the browser, or `minutes-pdf`)."""
    return render_template(TEMPLATE, data=minutes_data(db.session, meeting_id),
                           stylesheet=url_for("static", filename="minutes/report.css"))


@bp.get("/cadres/<int:number>/record")
@login_required(*STAFF_ROLES)
def cadre(number: int) -> str:
    """The record of the cadre with this number (as /admin/cadres/<number>): meetings drawn in,
    scores and bands, cases."""
    return render_template("minutes/cadre.html", data=cadre_record(db.session, number))


@bp.get("/units")
@login_required(*STAFF_ROLES)
def units() -> str:
    """Per unit: completion rate of cases, overdue count, average score."""
    return render_template("minutes/units.html", units=unit_summary(db.session))


@bp.get("/units.xlsx")
@login_required(*STAFF_ROLES)
def units_workbook() -> Response:
    """The unit summary as xlsx for the organisation department."""
    return _download(units_xlsx(unit_summary(db.session)), "units.xlsx")


@bp.get("/units/pledges")
@login_required(*STAFF_ROLES)
def pledges() -> str:
    """The year's pledge scorecard per unit (?year=2026; default this year): pledged, settled, overdue."""
    year = request.args.get("year", "")
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    return render_template("minutes/pledges.html", card=pledge_scorecard(db.session, chosen))
