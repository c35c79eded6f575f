"""Juror pages of the meeting set-up: add, list with links and QR codes, revoke, reissue, print.

A juror's private link is PUBLIC_BASE_URL/j/<token>. PINs are only ever typed in and stored
hashed by the service; no page shows one (the sheet says the PIN is given separately).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _

from meeting.errors import NotFound, UserError
from meeting.extensions import db
from meeting.services.setup.loaders import juror_of_meeting
from meeting.services.setup.meetings import add_juror, reissue_token, revoke_juror, set_affiliations
from meeting.messages import error_text
from meeting.views.admin_meetings.common import (CHANGE_ROLES, VIEW_ROLES, category_choices, inline_qr,
                                                 juror_path, juror_url, load_meeting)
from meeting.views.admin_meetings.forms import AffiliationForm, JurorForm
from meeting.views.auth import login_required

if TYPE_CHECKING:
    from meeting.models import Juror

# The sheets are for the jurors on stage, whatever language the organiser's screen uses.
SHEET_LOCALE = "zh_CN"


def _juror_of(meeting_id: int, juror_id: int) -> "Juror":
    try:
        return juror_of_meeting(db.session, meeting_id, juror_id)
    except NotFound:
        abort(404)


def _links(jurors: list["Juror"]) -> dict[int, dict]:
    return {j.id: {"url": juror_url(j.token), "path": juror_path(j.token), "qr": inline_qr(juror_url(j.token))}
            for j in jurors if j.revoked_at is None}


def _jurors_page(meeting_id: int, form: JurorForm | None = None, error: str = "", status: int = 200):
    meeting = load_meeting(meeting_id)
    return render_template("admin_meetings/jurors.html", meeting=meeting, jurors=meeting.jurors,
                           links=_links(meeting.jurors), categories=category_choices(),
                           form=form or JurorForm(formdata=None, category="citizen_rep"), error=error), status


@login_required(*VIEW_ROLES)
def jurors(meeting_id: int):
    """The jury: seat, name, category, PIN set or not, link status; the add form."""
    return _jurors_page(meeting_id)


@login_required(*CHANGE_ROLES)
def add(meeting_id: int):
    """Add a juror (name, category, optional PIN); the page shows the new private link."""
    load_meeting(meeting_id)
    form = JurorForm()
    # The PIN is never echoed back into the page (the template never fills its field).
    if not form.validate():
        return _jurors_page(meeting_id, form, _("Nothing was saved: correct the marked fields."), 400)
    try:
        juror = add_juror(db.session, meeting_id, form.name.data, form.category.data, form.pin.data or None,
                          **form.affiliations())
    except UserError as exc:
        return _jurors_page(meeting_id, form, error_text(exc), exc.status)
    flash(_("Juror %(name)s added at seat %(seat)s.", name=juror.name, seat=juror.seat), "success")
    return redirect(url_for("admin_meetings.jurors", meeting_id=meeting_id, _anchor=f"juror-{juror.id}"))


@login_required(*CHANGE_ROLES)
def affiliations(meeting_id: int, juror_id: int):
    """Change a juror's unit, township, village and declared relations (for 回避)."""
    juror = _juror_of(meeting_id, juror_id)
    form = AffiliationForm()
    if not form.validate():
        first = next(iter(form.field_errors.values()), "")
        return _jurors_page(meeting_id, error=_("Nothing was saved: %(why)s", why=first), status=400)
    try:
        set_affiliations(db.session, juror.id, **form.affiliations())
    except UserError as exc:
        return _jurors_page(meeting_id, error=error_text(exc), status=exc.status)
    flash(_("The conflict-of-interest details of seat %(seat)s are saved.", seat=juror.seat), "success")
    return redirect(url_for("admin_meetings.jurors", meeting_id=meeting_id, _anchor=f"juror-{juror_id}"))


@login_required(*CHANGE_ROLES)
def revoke(meeting_id: int, juror_id: int):
    """Disable a juror's link at once (ballots already cast stay on record)."""
    juror = _juror_of(meeting_id, juror_id)
    revoke_juror(db.session, juror.id)
    flash(_("The link of seat %(seat)s (%(name)s) is revoked; it no longer works.",
            seat=juror.seat, name=juror.name), "info")
    return redirect(url_for("admin_meetings.jurors", meeting_id=meeting_id, _anchor=f"juror-{juror_id}"))


@login_required(*CHANGE_ROLES)
def reissue(meeting_id: int, juror_id: int):
    """A new private link for a juror; the old one stops working. Print the new sheet."""
    juror = _juror_of(meeting_id, juror_id)
    reissue_token(db.session, juror.id)
    flash(_("Seat %(seat)s (%(name)s) has a new link; the old one no longer works. Print the new sheet.",
            seat=juror.seat, name=juror.name), "success")
    return redirect(url_for("admin_meetings.jurors", meeting_id=meeting_id, _anchor=f"juror-{juror_id}"))


@login_required(*VIEW_ROLES)
def print_sheets(meeting_id: int):
    """Printable sheets, one juror per page: every active juror, or one (?juror=<id>)."""
    meeting = load_meeting(meeting_id)
    chosen = [j for j in meeting.jurors if j.revoked_at is None]
    one = request.args.get("juror", "")
    if one:
        if not one.isdigit():
            abort(404)
        chosen = [_juror_of(meeting_id, int(one))]
        if chosen[0].revoked_at is not None:
            abort(404)
    with force_locale(SHEET_LOCALE):
        return render_template("admin_meetings/print.html", meeting=meeting, jurors=chosen, links=_links(chosen))


def register(bp: Blueprint) -> None:
    """Add the juror routes to the meeting set-up blueprint."""
    bp.add_url_rule("/<int:meeting_id>/jurors", "jurors", jurors, methods=["GET"])
    bp.add_url_rule("/<int:meeting_id>/jurors", "add_juror", add, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/jurors/<int:juror_id>/affiliations", "juror_affiliations", affiliations,
                    methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/jurors/<int:juror_id>/revoke", "revoke_juror", revoke, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/jurors/<int:juror_id>/reissue", "reissue_juror", reissue, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/jurors/print", "print_jurors", print_sheets, methods=["GET"])
