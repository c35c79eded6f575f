"""The moderators of one meeting, on its overview page: admins bind and unbind moderator accounts.

Only bound moderators (and admins) may open the meeting's console and drive it
(services/setup/moderators); unbinding one stops their console at its next action.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.setup.moderators import assign_moderator, unassign_moderator
from meeting.views.admin_meetings.common import CHANGE_ROLES, actor, load_meeting
from meeting.views.auth import login_required


def _back(meeting_id: int):
    return redirect(url_for("admin_meetings.overview", meeting_id=meeting_id, _anchor="moderators"))


def _change(meeting_id: int, service, done: str):
    """Run `service` on the moderator named in the form; a refusal is flashed, nothing changed."""
    load_meeting(meeting_id)
    try:
        user = service(db.session, meeting_id, request.form.get("username", ""), actor())
    except UserError as exc:
        flash(error_text(exc), "error")
        return _back(meeting_id)
    flash(done % {"name": user.username}, "success")
    return _back(meeting_id)


@login_required(*CHANGE_ROLES)
def assign(meeting_id: int):
    """Bind the moderator named in the form to this meeting."""
    return _change(meeting_id, assign_moderator, _("%(name)s may now drive this meeting from the console."))


@login_required(*CHANGE_ROLES)
def unassign(meeting_id: int):
    """End a moderator's binding to this meeting (their console is refused from the next action)."""
    return _change(meeting_id, unassign_moderator, _("%(name)s may no longer drive this meeting."))


def register(bp: Blueprint) -> None:
    """Add the moderator routes to the meeting set-up blueprint."""
    bp.add_url_rule("/<int:meeting_id>/moderators", "assign_moderator", assign, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/moderators/remove", "unassign_moderator", unassign, methods=["POST"])
