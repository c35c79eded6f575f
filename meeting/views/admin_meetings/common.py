"""Helpers shared by the meeting set-up pages: loading, roles, names, links, QR codes."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import abort, current_app, request
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup

from meeting.extensions import db
from meeting.messages import category_name
from meeting.errors import NotFound
from meeting.qr import qr_svg
from meeting.services.tx import get_meeting
from meeting.services.setup.meetings import JUROR_CATEGORIES
from meeting.views.auth import current_user

if TYPE_CHECKING:
    from meeting.models import Meeting

VIEW_ROLES = ("admin", "moderator")
CHANGE_ROLES = ("admin",)

STATUS_NAMES = {"setup": _l("In preparation"), "live": _l("Live"), "closed": _l("Closed")}
RULE_NAMES = {"trimmed_mean": _l("Trimmed mean (drop one highest and one lowest)"),
              "mean": _l("Plain mean"), "median": _l("Median")}


def category_label(code: str) -> str:
    """The juror category's name in the active locale (the code itself if unknown)."""
    return category_name(code)


def category_choices() -> list[tuple[str, str]]:
    """(code, label) pairs in the service's order."""
    return [(code, category_label(code)) for code in JUROR_CATEGORIES]


def load_meeting(meeting_id: int) -> "Meeting":
    """The meeting, or the 404 page of these pages."""
    try:
        return get_meeting(db.session, meeting_id)
    except NotFound:
        abort(404)


def can_change() -> bool:
    """Whether the logged-in user may change meetings (admins; moderators only look)."""
    user = current_user()
    return user is not None and user.role in CHANGE_ROLES


def actor() -> str:
    """How the logged-in user is named in the event log (same form as socket principals)."""
    user = current_user()
    return f"user:{user.id}" if user is not None else "admin"


def public_url(path: str) -> str:
    """An absolute URL on the public base address (what tablets and other machines open)."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + path


def juror_path(token: str) -> str:
    """The juror's private page, relative to the site."""
    return f"/j/{token}"


def juror_url(token: str) -> str:
    """The juror's private link as printed and encoded in the QR code."""
    return public_url(juror_path(token))


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def inline_qr(data: str) -> Markup:
    """A QR code as an inline <svg> element (the XML declaration removed); safe to embed:
    the SVG is generated here from path data only, `data` itself never appears in it as text."""
    return Markup(_XML_DECL.sub("", qr_svg(data)))


def screen_links(meeting_id: int) -> list[dict[str, str]]:
    """The screens to open on the day: name, what it is for, the path and the full URL."""
    screens = (
        ("console", _("Moderator console"), _("The moderator's laptop on stage (log-in required)."),
         f"/console/{meeting_id}"),
        ("projector", _("Hall projector"), _("Full screen on the hall projector (1920×1080)."),
         f"/m/{meeting_id}/projector"),
        ("viewer", _("Public viewer"), _("Branch venues and phones: a read-only live view."),
         f"/m/{meeting_id}/viewer"),
        ("overlay", _("Broadcast overlay"), _("Transparent graphics for the TV/web broadcast mixer (OBS, vMix)."),
         f"/m/{meeting_id}/overlay"),
        ("notice", _("Pre-meeting draw notice"), _("Print and post before the meeting; public."),
         f"/m/{meeting_id}/notice"),
    )
    root = request.script_root
    return [{"key": key, "name": name, "purpose": purpose, "path": root + path, "url": public_url(path)}
            for key, name, purpose, path in screens]
