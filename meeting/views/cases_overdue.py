"""The printable overdue list per responsible unit, for staff.

    /admin/cases/overdue              every unit's overdue cases
    /admin/cases/overdue?unit=U       one unit's (the list to hand to that unit's head)

A4 when printed from the browser (static/cases_overdue/print.css). The same list as text:
`flask --app meeting cases-overdue --unit U` (meeting/commands/cases.py).
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from meeting.extensions import db
from meeting.services.followup.cases import policy_from_config
from meeting.services.followup.overdue import overdue_list
from meeting.views.auth import login_required

bp = Blueprint("cases_overdue", __name__, url_prefix="/admin/cases")
STAFF_ROLES = ("admin", "moderator")


@bp.get("/overdue")
@login_required(*STAFF_ROLES)
def overdue() -> str:
    """The overdue cases of `?unit=` (all units without it), highest escalation first."""
    unit = request.args.get("unit", "").strip()[:64] or None
    data = overdue_list(db.session, unit, policy=policy_from_config(current_app.config))
    return render_template("cases_overdue/list.html", data=data)
