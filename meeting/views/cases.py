"""Follow-up pages: the organiser's dashboard of cases, one case's page with its timeline and
actions (admin, case officer), and the responsible unit's private reply page (/r/<token>).

The unit's link is its credential: the page is sent with no-store and no Referer, and files are
served back only to the same link and to staff.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (Blueprint, Response, current_app, flash, make_response, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import force_locale, gettext as _

from meeting import telephony
from meeting.errors import Forbidden, NotFound, UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.followup import visits
from meeting.services.followup.attachments import MAX_BYTES, MAX_FILES
from meeting.services.followup.cases import policy_from_config
from meeting.services.followup.dashboard import (PER_PAGE, dashboard as dashboard_page, filter_options, page_number,
                                                 parse_filter)
from meeting.services.followup.reply_links import (attachment_for_staff, attachment_for_unit, issue_link, revoke_link,
                                                   unit_reply, unit_view)
from meeting.services.followup.staff import FOLLOWUP_ROLES, case_page, staff_act
from meeting.services.followup.teams import add_member, remove_member
from meeting.views.admin_meetings.common import inline_qr, public_url
from meeting.views.auth import current_user, login_required
from meeting.views.cases_i18n import names

bp = Blueprint("cases", __name__)

SHEET_LOCALE = "zh_CN"   # the sheet is for the responsible unit, whatever the organiser's screen uses


def _actor() -> str:
    user = current_user()
    return f"user:{user.id}" if user is not None else "staff"


def _files_root() -> Path:
    return Path(current_app.instance_path) / "case_files"


def _policy():
    return policy_from_config(current_app.config)


@bp.get("/cases")
@login_required(*FOLLOWUP_ROLES)
def dashboard() -> Any:
    """All cases, filterable by status, township, unit and meeting; overdue first; counts per status."""
    chosen = parse_filter(request.args)
    per_page = page_number(request.args.get("per_page")) if request.args.get("per_page") else PER_PAGE
    result = dashboard_page(db.session, chosen, page_number(request.args.get("page")), per_page)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("cases/dashboard.html", result=result, chosen=chosen, options=filter_options(db.session),
                           args=args, names=names())


def _case_page(code: str, error: str = "", status: int = 200, form: dict[str, str] | None = None) -> Any:
    page = case_page(db.session, code)
    return render_template("cases/case.html", page=page, names=names(), error=error, form=form or {},
                           max_files=MAX_FILES), status


@bp.get("/cases/<code>")
@login_required(*FOLLOWUP_ROLES)
def case(code: str) -> Any:
    """One case for staff: what was promised, dates, timeline, files, reply link and allowed actions."""
    return _case_page(code)


@bp.post("/cases/<code>/act")
@login_required(*FOLLOWUP_ROLES)
def act(code: str) -> Any:
    """Apply one action of the case page; a refusal shows the page again with the reason, nothing changed."""
    action = request.form.get("action", "")
    try:
        staff_act(db.session, code, action, actor=_actor(), reason=request.form.get("reason", ""),
                  proposed=request.form.get("proposed", ""), outcome=request.form.get("outcome") or None,
                  policy=_policy())
    except NotFound:
        raise
    except UserError as exc:
        return _case_page(code, error_text(exc), exc.status, dict(request.form))
    flash(_("Done: %(action)s.", action=names()["action"].get(action, action)), "success")
    return redirect(url_for("cases.case", code=code))


@bp.post("/cases/<code>/visit-call")
@login_required(*FOLLOWUP_ROLES)
def visit_call(code: str) -> Any:
    """Call the next household of the return visit's drawn order through the telephony provider
    (the same step as `flask case-visit`); a refusal shows the page again, nothing changed."""
    try:
        placed = visits.place_visit_call(db.session, code, _actor(), telephony.context())
    except NotFound:
        raise
    except UserError as exc:  # VisitCallFailed too: the failed attempt is recorded, its words shown
        return _case_page(code, error_text(exc), exc.status)
    flash(_("Calling household %(household)s (return visit %(visit)s).", household=placed["household"],
            visit=placed["visit"]), "success")
    return redirect(url_for("cases.case", code=code))


@bp.post("/cases/<code>/team")
@login_required(*FOLLOWUP_ROLES)
def team(code: str) -> Any:
    """Add a member to an investigation's team, or remove one (op=remove); a refusal shows the page again."""
    remove = request.form.get("op") == "remove"
    change = remove_member if remove else add_member
    try:
        change(db.session, code, request.form.get("name", ""), request.form.get("role", ""), actor=_actor())
    except NotFound:
        raise
    except UserError as exc:
        return _case_page(code, error_text(exc), exc.status, {"team": "1", **dict(request.form)})
    flash(_("The team member is removed.") if remove else _("The team member is added."), "success")
    return redirect(url_for("cases.case", code=code))


@bp.post("/cases/<code>/link")
@login_required(*FOLLOWUP_ROLES)
def issue(code: str) -> Any:
    """Issue a new reply link (the old one stops working) and show its printable sheet: the only time
    the link is shown, since only its hash is kept."""
    issued = issue_link(db.session, code, actor=_actor())
    page = case_page(db.session, code)
    url = public_url(f"/r/{issued.token}")
    with force_locale(SHEET_LOCALE):
        resp = make_response(render_template("cases/sheet.html", page=page, url=url, qr=inline_qr(url),
                                             names=names()))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@bp.post("/cases/<code>/link/revoke")
@login_required(*FOLLOWUP_ROLES)
def revoke(code: str) -> Any:
    """Revoke the case's reply link at once."""
    try:
        revoke_link(db.session, code, actor=_actor())
    except NotFound as exc:
        if exc.code != "case_reply_link_none":
            raise
        flash(error_text(exc), "error")
        return redirect(url_for("cases.case", code=code))
    flash(_("The reply link is revoked; it no longer works."), "info")
    return redirect(url_for("cases.case", code=code))


@bp.get("/cases/<code>/files/<int:file_id>")
@login_required(*FOLLOWUP_ROLES)
def staff_file(code: str, file_id: int) -> Any:
    """A file of a unit's reply, for staff."""
    att, path = attachment_for_staff(db.session, code, file_id, _files_root())
    return _send(att, path)


def _send(att: Any, path: Path) -> Response:
    resp = send_file(path, mimetype=att.content_type, as_attachment=att.content_type == "application/pdf",
                     download_name=att.filename, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def _unit_error(exc: UserError) -> Response:
    title = _("This reply link has been withdrawn") if isinstance(exc, Forbidden) else _("This reply link is not valid")
    resp = make_response(render_template("cases/unit_error.html", title=title, hint=error_text(exc)), exc.status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


def _unit_page(token: str, error: str = "", status: int = 200, form: dict[str, str] | None = None) -> Response:
    view = unit_view(db.session, token)
    resp = make_response(render_template("cases/unit.html", view=view, token=token, names=names(), error=error,
                                         form=form or {}, max_files=MAX_FILES, max_mb=MAX_BYTES // (1024 * 1024)),
                         status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


@bp.get("/r/<token>")
def unit(token: str) -> Any:
    """The responsible unit's page: the case, and the reply form while a reply is awaited."""
    try:
        return _unit_page(token)
    except (NotFound, Forbidden) as exc:
        return _unit_error(exc)


@bp.post("/r/<token>")
def unit_submit(token: str) -> Any:
    """The unit's reply: text, proposed completion date, up to MAX_FILES photos or PDFs."""
    # One file more than allowed is enough to refuse; one byte more than the limit is enough to refuse a file.
    chosen = [f for f in request.files.getlist("files") if f.filename][:MAX_FILES + 1]
    uploads = [(f.filename or "", f.stream.read(MAX_BYTES + 1)) for f in chosen]
    try:
        unit_reply(db.session, token, request.form.get("reply", ""), proposed=request.form.get("proposed", ""),
                   uploads=uploads, files_root=_files_root(), policy=_policy())
    except (NotFound, Forbidden) as exc:
        if exc.code in ("case_reply_link_invalid", "case_reply_link_revoked"):
            return _unit_error(exc)
        raise
    except UserError as exc:
        try:
            return _unit_page(token, error_text(exc), exc.status, dict(request.form))
        except (NotFound, Forbidden) as again:
            return _unit_error(again)
    flash(_("Your reply has been received. Thank you."), "success")
    return redirect(url_for("cases.unit", token=token))


@bp.get("/r/<token>/files/<int:file_id>")
def unit_file(token: str, file_id: int) -> Any:
    """A file this unit sent, back to the same link only."""
    try:
        att, path = attachment_for_unit(db.session, token, file_id, _files_root())
    except (NotFound, Forbidden) as exc:
        if exc.code == "case_file_not_found":
            raise
        return _unit_error(exc)
    return _send(att, path)
