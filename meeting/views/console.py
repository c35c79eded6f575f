"""The moderator's stage console: one page that drives the live meeting over Socket.IO.

The page holds no meeting state of its own: it renders the newest moderator `state` snapshot
(docs/PROTOCOL.md) and sends `perform` requests. This view only checks who may open it and
hands the page its labels in the current language.
"""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import get_locale

from meeting.extensions import db
from meeting.services.setup.moderators import require_moderator_of
from meeting.services.tx import get_meeting
from meeting.views.auth import current_user, login_required
from meeting.views.console_i18n import console_labels, console_strings

bp = Blueprint("console", __name__)


def _lang() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


@bp.get("/console/<int:meeting_id>")
@login_required("moderator", "admin")
def console(meeting_id: int):
    """The stage console of one meeting (its bound moderators and admins); 404 for an unknown
    meeting, 403 with the reason for a moderator not bound to it."""
    meeting = get_meeting(db.session, meeting_id)
    lang = _lang()
    user = current_user()
    require_moderator_of(db.session, user.id if user is not None else None, meeting.id)
    config = {
        "meeting": meeting.id,
        "lang": lang,
        "bundle_url": url_for("draw_public.bundle", meeting_id=meeting.id),
        "notice_url": url_for("draw_public.notice", meeting_id=meeting.id),
        "labels": console_labels(lang),
    }
    return render_template("console/console.html", meeting=meeting, config=config, i18n=console_strings(),
                           labels=config["labels"], user=user)
