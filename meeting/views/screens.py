"""Public screens, no log-in: the hall projector, the viewer page, the broadcast overlay.

Each page is a shell: it connects to the live socket as a public audience and renders the
masked public snapshot (meeting.services.live.snapshot). Nothing else about the meeting is sent.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext as _

from meeting.extensions import db
from meeting.messages import names, text
from meeting.qr import qr_svg
from meeting.services.live.queries import largest_cadre_number
from meeting.services.tx import get_meeting
from scoring.skips import SKIP_REASONS

if TYPE_CHECKING:
    from meeting.models import Meeting

bp = Blueprint("screens", __name__)


def viewer_url(meeting_id: int, base_url: str | None = None) -> str:
    """The absolute viewer address people type or scan: PUBLIC_BASE_URL + /m/<id>/viewer.

    The configured base, not the request's host: the projector may be opened on the hall
    laptop as http://127.0.0.1 while phones must reach the public name.
    """
    base = (base_url if base_url is not None else current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return f"{base}/m/{meeting_id}/viewer"


def bundle_url(meeting_id: int, base_url: str | None = None) -> str:
    """The absolute address of the verification bundle (what the end screen's QR code encodes)."""
    base = (base_url if base_url is not None else current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return base + url_for("draw_public.bundle", meeting_id=meeting_id)


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; translated later, per request."""
    return msgid


# The UI strings the screen scripts use. `{n}`-style placeholders are filled in by the browser:
# translations must keep them.
_SCREEN_MSGIDS: tuple[str, ...] = (
    # header, scenes, connection
    N_("LIVE"), N_("Connected"), N_("Connecting…"), N_("Reconnecting…"), N_("Connection lost — reconnecting…"),
    N_("Last update just now"), N_("Last update {n} s ago"), N_("Leaderboard"), N_("Results so far"),
    N_("Round {n}"), N_("Round {n} of {m}"), N_("No. {n}"), N_("Q&A"), N_("Result"), N_("Decision"),
    N_("The next round will start shortly"), N_("The meeting will start shortly"), N_("The meeting has ended"),
    N_("Live public evaluation meeting"), N_("The people are the examiners, the cadres are the examinees"),
    # welcome: the fairness proof
    N_("Fair draw: committed before the meeting"), N_("Draw commitment (SHA-256)"), N_("Roster hash (SHA-256)"),
    N_("Live entropy"), N_("Entered on stage before the first draw"), N_("Scan to follow the meeting live"),
    N_("How do we know the draw is fair?"), N_("Pre-meeting draw notice"), N_("Download the verification bundle"),
    N_("The server draws from the seed committed before the meeting; the animation only reveals its number"),
    # draw, report, question
    N_("Draw"), N_("Drawing…"), N_("Cadre drawn"), N_("Waiting for the draw"), N_("Report time"), N_("Time is up"),
    N_("Waiting to start"), N_("Called to answer"), N_("{no} {reason}; drawn again by the rules"),
    # call-out verification
    N_("Call-out verification"), N_("Calling the cadre's households live"), N_("Dialling the households…"),
    N_("A household's answer contradicts the report"), N_("Named by the moderator"),
    N_("Waiting to dial"), N_("Last call: {outcome}"),
    N_("Waiting"), N_("Dialling"), N_("Ringing"), N_("On the line"), N_("Answered"), N_("Busy"), N_("No answer"),
    N_("Call failed"), N_("Cancelled"), N_("Visited?"), N_("Yes"), N_("No"), N_("Demand"), N_("Resolved"),
    N_("Partly"), N_("Not resolved"), N_("No demand"), N_("Satisfaction"),
    # scoring and result
    N_("The jury is scoring"), N_("Scoring closed — the result follows"), N_("ballots received"),
    N_("Final score"), N_("Juror {n}"), N_("Recused this round"), N_("Highest, dropped"), N_("Lowest, dropped"),
    N_("Highest and lowest dropped, the rest averaged"), N_("Average of all scores"), N_("Median of all scores"),
    # decisions, leaderboard
    N_("Deadline"), N_("Responsible"), N_("Reason"), N_("Team"), N_("Report by"), N_("Note"),
    N_("Who"), N_("Unit"), N_("Score"), N_("Grade"), N_("No results yet"),
    N_("Log {seq} · {head}"),  # the chain-head footer
    # after the close: the revealed seed and how to check the draw
    N_("Fair draw: the seed is revealed — check it yourself"), N_("Revealed seed"),
    N_("Download the bundle, then run (Python 3.11+, the scoring folder of the Minkao source):"),
    N_("Put the commitment and the roster hash shown here after --commitment and --roster-hash. "
       "It prints OK if every number drawn matches them and the seed."),
    N_("Scan to download the verification bundle"), N_("Thank you for taking part"),
    # the phone-in report and the cadre's claims (blocks.js: reportMode, cadreCallLine, claimsBeside)
    N_("Phone-in report"), N_("The cadre could not be reached by phone"), N_("Calling the cadre for a phone-in report"),
    N_("Waiting for the households' answers"), N_("The answers agree with the report so far"),
    N_("The answers make the report doubtful"), N_("The answers contradict the report"),
    N_("The report claims"), N_("The households answer"), N_("Visits"), N_("Demands"),
    N_("visited {n} of {m} households"), N_("{n} of {m} say never visited"), N_("resolved {n} of {m} demands"),
    N_("{n} of {m} say not resolved"),
    # a pledge round (blocks.js: pledgeCard; overlay)
    N_("Public pledge"), N_("Pledge"), N_("{n} demands"), N_("by {date}"), N_("Case {code}"),
)


def screen_strings() -> dict[str, str]:
    """The screen scripts' strings for this request's locale (English msgid -> text)."""
    return {msgid: _(msgid) for msgid in _SCREEN_MSGIDS}


def _reel_digits() -> int:
    """How many reels the draw animation shows: the digits of the largest cadre number, at least 3.

    The same for every draw, so the number of reels tells nothing about the drawn number.
    """
    return max(3, len(str(largest_cadre_number(db.session))))


def _lang() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


# Nchan's subscriber transports, in the order a page tries them (static/js/nchan.js).
NCHAN_TRANSPORTS: tuple[str, ...] = ("websocket", "eventsource", "longpoll")


def public_transport(meeting_id: int, only: str | None = None) -> dict[str, Any]:
    """How a public screen follows the meeting: {"kind": "socketio"} (the app's own socket), or
    {"kind": "nchan", "url": "<NCHAN_SUBSCRIBE_URL>/m<id>", "order": [...]} when PUBLIC_TRANSPORT
    is nchan and a subscriber URL is configured (without one there is nothing to subscribe to).

    `only` (the page's `?via=` parameter, e.g. "eventsource,longpoll") narrows the order for a
    venue whose network blocks WebSocket; unknown names are dropped, none left = the default.
    """
    kind = str(current_app.config.get("PUBLIC_TRANSPORT", "socketio") or "socketio").strip().lower()
    base = str(current_app.config.get("NCHAN_SUBSCRIBE_URL", "") or "").strip().rstrip("/")
    if kind != "nchan" or not base:
        return {"kind": "socketio"}
    wanted = [w.strip().lower() for w in (only or "").split(",")]
    order = [k for k in NCHAN_TRANSPORTS if k in wanted] or list(NCHAN_TRANSPORTS)
    return {"kind": "nchan", "url": f"{base}/m{meeting_id}", "order": order}


def _screen_config(meeting: Meeting, role: str) -> dict[str, Any]:
    """What the page script needs besides the live state: ids, locale, local URLs, labels."""
    return {
        "meeting": meeting.id, "role": role, "lang": _lang(), "reelDigits": _reel_digits(),
        "transport": public_transport(meeting.id, request.args.get("via")),
        "qrUrl": url_for("screens.viewer_qr", meeting_id=meeting.id),
        "viewerUrl": viewer_url(meeting.id),
        "bundleUrl": url_for("draw_public.bundle", meeting_id=meeting.id),
        "bundleAbsUrl": bundle_url(meeting.id),
        "bundleQrUrl": url_for("screens.bundle_qr", meeting_id=meeting.id),
        "noticeUrl": url_for("draw_public.notice", meeting_id=meeting.id),
        "decisions": names("decision"),
        # the closed list of skip reasons (the snapshot carries the code)
        "skip_reasons": {code: text(f"skip_reason_{code}") for code in SKIP_REASONS},
        "roles": names("role"),
        "recusals": names("recusal"),  # 回避 categories (the snapshot carries the code)
        # telephony providers and call-event sources by name: a screen never shows the raw code
        "providers": names("provider"), "call_sources": names("call_source"),
    }


def _page(template: str, meeting_id: int, role: str):
    meeting = get_meeting(db.session, meeting_id)
    return render_template(template, meeting=meeting, screen=_screen_config(meeting, role),
                           i18n=screen_strings(), lang=_lang())


@bp.get("/m/<int:meeting_id>/projector")
def projector(meeting_id: int):
    """The hall projector, 1920×1080, driven by the moderator's console."""
    return _page("screens/projector.html", meeting_id, "projector")


@bp.get("/m/<int:meeting_id>/viewer")
def viewer(meeting_id: int):
    """The read-only live view for branch venues and the public, phone-sized too."""
    return _page("screens/viewer.html", meeting_id, "viewer")


@bp.get("/m/<int:meeting_id>/overlay")
def overlay(meeting_id: int):
    """Transparent 1920×1080 broadcast graphics for OBS / vMix / CasparCG (docs/BROADCAST.md)."""
    return _page("screens/overlay.html", meeting_id, "overlay")


@bp.get("/m/<int:meeting_id>/viewer-qr.svg")
def viewer_qr(meeting_id: int):
    """A QR code of the absolute viewer URL, for the welcome screen and printed posters."""
    meeting = get_meeting(db.session, meeting_id)
    svg = qr_svg(viewer_url(meeting.id))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=300"})


@bp.get("/m/<int:meeting_id>/bundle-qr.svg")
def bundle_qr(meeting_id: int):
    """A QR code of the absolute bundle URL, for the end screen (the bundle itself answers 409
    until the seed is revealed)."""
    meeting = get_meeting(db.session, meeting_id)
    svg = qr_svg(bundle_url(meeting.id))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=300"})
