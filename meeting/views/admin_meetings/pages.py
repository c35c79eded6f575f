"""Meeting set-up pages (admin area), before the meeting day: list, create, overview, settings.

Jurors and the draw pool have their own modules (admin_meetings_jurors, admin_meetings_draw)
whose routes are added to this blueprint. Admins change things; moderators may look.
Service errors are shown in the page (never a 500); nothing is saved when a form is refused.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from meeting.errors import UserError
from meeting.extensions import db
from meeting.services.setup import overview as setup_overview
from meeting.services.setup.meetings import create_meeting, update_meeting
from meeting.services.setup.moderators import meeting_moderators, unassigned_moderators
from meeting.views.admin_meetings import draw as admin_meetings_draw
from meeting.views.admin_meetings import jurors as admin_meetings_jurors
from meeting.views.admin_meetings import moderators as admin_meetings_moderators
from meeting.messages import error_text
from meeting.views.admin_meetings.common import (CHANGE_ROLES, RULE_NAMES, STATUS_NAMES, VIEW_ROLES,
                                                 can_change, category_label, inline_qr, load_meeting,
                                                 screen_links)
from meeting.views.admin_meetings.forms_settings import SettingsForm
from meeting.views.auth import login_required
from scoring.aggregate import RULES

bp = Blueprint("admin_meetings", __name__, url_prefix="/admin/meetings")


@bp.app_template_global()
def meeting_status_name(status: str) -> str:
    """Translated name of a meeting status."""
    return str(STATUS_NAMES.get(status, status))


@bp.app_template_global()
def meeting_rule_name(rule: str) -> str:
    """Translated name of an aggregation rule."""
    return str(RULE_NAMES.get(rule, rule))


bp.add_app_template_global(can_change, "can_change_meetings")
bp.add_app_template_global(category_label, "juror_category_label")


@bp.get("/")
@login_required(*VIEW_ROLES)
def index():
    """Every meeting, newest first."""
    return render_template("admin_meetings/index.html", meetings=setup_overview.list_meetings(db.session))


def _settings_page(form: SettingsForm, meeting=None, status: int = 200, error: str = ""):
    return render_template("admin_meetings/settings.html", form=form, meeting=meeting, rules=RULES,
                           error=error), status


def _posted_form(scoring: bool) -> tuple[SettingsForm, bool]:
    """(form, True if the post was only a row edit to show again)."""
    form = SettingsForm(scoring=scoring)
    return form, form.apply_op(request.form.get("op", "save"))


@bp.route("/new", methods=["GET", "POST"])
@login_required(*CHANGE_ROLES)
def create():
    """A new meeting with the Yishui defaults, all of them editable on the same form."""
    if request.method == "GET":
        return _settings_page(SettingsForm.defaults())
    form, row_edit = _posted_form(scoring=True)
    if row_edit:
        return _settings_page(form)
    data = form.settings()
    if data is None:
        return _settings_page(form, status=400, error=_("Nothing was saved: correct the marked fields."))
    try:
        meeting = create_meeting(db.session, data, rehearsal=form.rehearsal.data)
    except UserError as exc:
        return _settings_page(form, status=exc.status, error=error_text(exc))
    flash(_("Meeting created. Next: add the jurors and set up the draw."), "success")
    return redirect(url_for("admin_meetings.overview", meeting_id=meeting.id))


@bp.get("/<int:meeting_id>/")
@login_required(*VIEW_ROLES)
def overview(meeting_id: int):
    """One meeting: its settings, the readiness checklist and the screens to open on the day."""
    meeting = load_meeting(meeting_id)
    screens = screen_links(meeting_id)
    viewer = next(s for s in screens if s["key"] == "viewer")
    return render_template("admin_meetings/overview.html", meeting=meeting, screens=screens,
                           check=setup_overview.readiness(db.session, meeting_id),
                           viewer_qr=inline_qr(viewer["url"]), viewer_url=viewer["url"],
                           moderators=meeting_moderators(db.session, meeting_id),
                           candidates=unassigned_moderators(db.session, meeting_id))


@bp.route("/<int:meeting_id>/settings", methods=["GET", "POST"])
@login_required(*VIEW_ROLES)
def settings(meeting_id: int):
    """Edit the settings; the rubric, bands, rule and quorum are read-only once the meeting is live."""
    meeting = load_meeting(meeting_id)
    if request.method == "GET":
        return _settings_page(SettingsForm.from_meeting(meeting), meeting)
    if not can_change():
        abort(403)
    # A live meeting's form has those fields disabled, so the browser does not send them; a post
    # that still carries them goes to the service, which refuses it (Conflict) and saves nothing.
    form, row_edit = _posted_form(scoring="crit_rows" in request.form or "quorum" in request.form)
    if not form.scoring:
        form.show_stored_scoring(meeting)
    if row_edit:
        return _settings_page(form, meeting)
    data = form.settings()
    if data is None:
        return _settings_page(form, meeting, 400, _("Nothing was saved: correct the marked fields."))
    try:
        update_meeting(db.session, meeting_id, data)
    except UserError as exc:
        return _settings_page(form, load_meeting(meeting_id), exc.status, error_text(exc))
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin_meetings.overview", meeting_id=meeting_id))


admin_meetings_jurors.register(bp)
admin_meetings_draw.register(bp)
admin_meetings_moderators.register(bp)
