"""The juror's tablet: `/j/<token>`, the private link printed on the juror's sheet.

The page itself carries no meeting state: it connects as the juror (token, and PIN if one was
set) and renders every `state` snapshot the server sends. Ballots are sent with an idempotency
key and kept on the tablet until the server acknowledges them (static/juror/outbox.js).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, render_template
from flask_babel import get_locale, gettext as _

from meeting.errors import Forbidden, NotFound
from meeting.extensions import db
from meeting.messages import category_name, names
from meeting.services.accounts.juror_tokens import juror_by_token

bp = Blueprint("juror", __name__)



def juror_texts() -> dict[str, Any]:
    """Every string the tablet's scripts show, translated for this request ({n}-style slots)."""
    return {
        "connecting": _("Connecting…"),
        "offline": _("Network disconnected — your scores are kept on this tablet and sent automatically when it is back"),
        "online": _("Connected"),
        "last_update": _("Last update {n} s ago"),
        "round": _("Round {n}"),
        "no_round": _("The meeting will begin shortly"),
        "waiting_draw": _("Waiting for the draw"),
        "cadre_number": _("No. {n}"),
        "question": _("Question to a department head"),
        "prefill": _("You may enter scores now; submit them once scoring opens"),
        "scoring_open": _("Scoring is open: score every item, then submit"),
        "scoring_closed": _("Scoring has closed. Your scores are locked."),
        "meeting_closed": _("The meeting has ended"),
        "range": _("{min}–{max} points"),
        "not_scored": _("Not scored"),
        "total": _("Total"),
        "remaining": _("{n} item(s) still to score"),
        "submit": _("Submit scores"),
        "resubmit": _("Submit revised scores"),
        "unchanged": _("Change a score to revise it"),
        "sending": _("Sending… waiting for confirmation"),
        "acked": _("Submitted: version {version}, total {total}"),
        "pending": _("Not confirmed — it will be resent automatically when the connection is back"),
        "err_scoring_not_open": _("Not accepted: scoring is not open. This ballot was not counted."),
        "err_not_current_round": _("Not accepted: that round is over. This ballot was not counted."),
        "err_bad_score": _("Not accepted: a score is out of range. This ballot was not counted."),
        "err_juror_revoked": _("Not accepted: this juror link has been withdrawn."),
        "err_juror_recused": _("Not accepted: you are recused for this round (conflict of interest)."),
        "recused": _("Recused for this round"),
        "recusal_categories": names("recusal"),
        "err_too_many_revisions": _("Not accepted: this ballot has been revised the most times allowed in a "
                                    "round. Your last confirmed version stands."),
        "err_other": _("Not accepted: {message}"),
        "progress": _("{submitted} of {expected} jurors have submitted"),
        "final": _("Final score"),
        "juror_totals": _("Jurors' totals"),
        "dropped_high": _("highest, dropped"),
        "dropped_low": _("lowest, dropped"),
        "outlier": _("far from the others"),
        "you": _("you"),
        "pin_wrong": _("Wrong PIN — please try again"),
        "refused": _("This juror link is not valid. Please ask the staff."),
        # the round's call results (the same words as on the projector)
        "named": _("Named by the moderator"),
        "call_waiting": _("Waiting"), "call_dialling": _("Dialling"), "call_ringing": _("Ringing"),
        "call_live": _("On the line"), "call_answered": _("Answered"), "call_busy": _("Busy"),
        "call_no_answer": _("No answer"), "call_failed": _("Call failed"), "call_cancelled": _("Cancelled"),
        "visited": _("Visited?"), "yes": _("Yes"), "no": _("No"), "demand": _("Demand"),
        "resolved_yes": _("Resolved"), "resolved_partly": _("Partly"), "resolved_no": _("Not resolved"),
        "resolved_none": _("No demand"), "satisfaction": _("Satisfaction"),
    }


def _error_page(status: int, title: str, hint: str) -> Response:
    resp = make_response(render_template("juror/error.html", title=title, hint=hint), status)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/j/<token>")
def tablet(token: str) -> Any:
    """The juror's scoring page; 404 for an unknown link, 403 for a withdrawn one."""
    try:
        juror = juror_by_token(db.session, token)
    except NotFound:
        return _error_page(404, _("This juror link is not valid"),
                           _("Please check the link on your juror sheet, or ask the staff for help."))
    except Forbidden:
        return _error_page(403, _("This juror link has been withdrawn"),
                           _("Please ask the staff for a new juror sheet."))
    meeting = juror.meeting
    lang = "en" if str(get_locale()).startswith("en") else "zh"
    config = {"meeting": meeting.id, "token": token, "needs_pin": bool(juror.pin_hash), "lang": lang,
              "juror": {"id": juror.id, "seat": juror.seat, "name": juror.name}}
    resp = make_response(render_template(
        "juror/tablet.html", meeting=meeting, juror=juror, config=config, i18n=juror_texts(),
        category=category_name(juror.category)))
    # The URL is the juror's credential: keep it out of caches and of any Referer header.
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp
