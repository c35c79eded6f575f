"""The echo wall (回音壁), public and read only: a township's and a village's demands, one case's page.

The addresses use the roster's own codes (乡镇编码, 村庄编码) and the case's public code, so a
printed poster's QR code stays right across re-imports. Every page prints as an A3 poster with a
QR code back to itself. What is shown is decided by the service (meeting.services.followup.echo):
households masked, private demands as their marker only, staff by role.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from meeting.extensions import db
from meeting.qr import qr_svg
from meeting.services.followup import echo
from meeting.services.followup.cases import policy_from_config

bp = Blueprint("echo", __name__)

_CODE = "<string(maxlength=48):{}>"


@bp.get("/echo/" + _CODE.format("township") + "/")
def township(township: str):
    """A township's echo wall, all its villages, paged."""
    data = echo.township_wall(db.session, township, page=_page_arg(), policy=_policy())
    self_url = url_for("echo.township", township=township)
    return _render("echo/wall.html", data, self_url, url_for("echo.township_qr", township=township))


@bp.get("/echo/" + _CODE.format("township") + "/" + _CODE.format("village") + "/")
def village(township: str, village: str):
    """One village's echo wall (what its poster's QR code opens)."""
    data = echo.village_wall(db.session, township, village, page=_page_arg(), policy=_policy())
    self_url = url_for("echo.village", township=township, village=village)
    return _render("echo/wall.html", data, self_url,
                   url_for("echo.village_qr", township=township, village=village))


@bp.get("/case/" + _CODE.format("code"))
def case(code: str):
    """The public page of one case: the promise, the deadline, the status, the timeline; 404 if unknown."""
    data = echo.case_page(db.session, code, policy=_policy())
    return _render("echo/case.html", data, url_for("echo.case", code=code), url_for("echo.case_qr", code=code))


@bp.get("/echo/" + _CODE.format("township") + "/qr.svg")
def township_qr(township: str):
    """The QR code of the township's wall (the address only: nothing is looked up)."""
    return _qr(url_for("echo.township", township=township))


@bp.get("/echo/" + _CODE.format("township") + "/" + _CODE.format("village") + "/qr.svg")
def village_qr(township: str, village: str):
    """The QR code of the village's wall."""
    return _qr(url_for("echo.village", township=township, village=village))


@bp.get("/case/" + _CODE.format("code") + "/qr.svg")
def case_qr(code: str):
    """The QR code of a case's page."""
    return _qr(url_for("echo.case", code=code))


def _render(template: str, data: Any, self_url: str, qr_url: str) -> str:
    return render_template(template, data=data, absolute_url=_absolute(self_url), qr_url=qr_url,
                           self_url=self_url)


def _absolute(path: str) -> str:
    """PUBLIC_BASE_URL + path: what phones reach, not the host the poster was printed from."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _qr(path: str) -> Response:
    return Response(qr_svg(_absolute(path)), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=300"})


def _page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


def _policy():
    return policy_from_config(current_app.config)
