"""Admin roster pages: dashboard, cadre and household search with paging, one cadre's file.

Any staff role may read the roster; full household names and phones are shown here only
because these pages are behind the staff log-in.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from meeting.extensions import db
from meeting.services.roster import query as rq
from meeting.views.auth import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_NUMBER = 2**31 - 1  # larger "numbers" cannot be stored, so they cannot match

RANK_LABELS = {"county_leader": _l("County leader"), "township_leader": _l("Township leader"),
               "department_head": _l("Department head"), "cadre": _l("Cadre")}
LEVEL_LABELS = {"cadre": _l("Cadre level"), "village": _l("Village level"),
                "work_area": _l("Work-area level"), "township": _l("Township level"),
                "county": _l("County level")}
STATUS_LABELS = {"open": _l("Open"), "resolved": _l("Resolved")}


@bp.app_template_global()
def rank_label(code: str) -> str:
    """Translated label of a cadre rank (unknown codes shown as they are)."""
    return str(RANK_LABELS.get(code, code))


@bp.app_template_global()
def level_label(code: str | None) -> str:
    """Translated label of the level a demand was resolved at."""
    return str(LEVEL_LABELS.get(code or "", code or ""))


@bp.app_template_global()
def status_label(code: str) -> str:
    """Translated label of a demand status."""
    return str(STATUS_LABELS.get(code, code))


def _int_arg(name: str) -> tuple[int | None, bool]:
    """(value, ok) for an optional integer query argument; ok=False when it is not a number."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None, True
    if not raw.isdigit() or not raw.isascii():
        return None, False
    value = int(raw)
    return (value, True) if value <= MAX_NUMBER else (None, False)


def _page_arg() -> int:
    raw = request.args.get("page", "1").strip()
    # Huge page numbers are clamped later; cap here so the offset arithmetic stays small.
    return min(int(raw), 10**9) if raw.isdigit() and raw.isascii() else 1


def _per_page() -> int:
    return int(current_app.config.get("ROSTER_PAGE_SIZE", 50))


def page_url(page: int) -> str:
    """The current URL with another page number (filters kept)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "lang")}
    args["page"] = page
    return url_for(request.endpoint or "admin.index", **(request.view_args or {}), **args)


@bp.app_template_global()
def admin_page_url(page: int) -> str:
    """Template helper for the pager."""
    return page_url(page)


@bp.get("/")
@login_required()
def index():
    """Dashboard: roster counts and links."""
    return render_template("admin/index.html", counts=rq.roster_counts(db.session))


@bp.get("/cadres")
@login_required()
def cadres():
    """Cadre roster: search by number (exact), name, township, village; paged by number."""
    number, number_ok = _int_arg("number")
    township_id, _ok = _int_arg("township")
    flt = rq.CadreFilter(number=number, name=request.args.get("name", "").strip(),
                         township_id=township_id, village=request.args.get("village", "").strip())
    errors = [] if number_ok else [_("The cadre number must be digits only.")]
    if errors:
        page = rq.Page([], 1, _per_page(), 0)
    else:
        page = rq.search_cadres(db.session, flt, _page_arg(), _per_page())
    return render_template("admin/cadres.html", page=page, flt=flt, errors=errors,
                           townships=rq.townships(db.session),
                           number_raw=request.args.get("number", ""))


@bp.get("/cadres/<int:number>")
@login_required()
def cadre(number: int):
    """One cadre: details, contact households with phones, and each household's demands."""
    found = rq.cadre_file(db.session, number) if number <= MAX_NUMBER else None
    if found is None:
        abort(404)
    return render_template("admin/cadre.html", file=found, cadre=found.cadre)


@bp.get("/households")
@login_required()
def households():
    """Household list: search by name, village, township, cadre number; paged by id."""
    cadre_number, number_ok = _int_arg("cadre")
    township_id, _ok = _int_arg("township")
    flt = rq.HouseholdFilter(name=request.args.get("name", "").strip(),
                             village=request.args.get("village", "").strip(),
                             cadre_number=cadre_number, township_id=township_id)
    errors = [] if number_ok else [_("The cadre number must be digits only.")]
    if errors:
        page = rq.Page([], 1, _per_page(), 0)
    else:
        page = rq.search_households(db.session, flt, _page_arg(), _per_page())
    return render_template("admin/households.html", page=page, flt=flt, errors=errors,
                           townships=rq.townships(db.session),
                           cadre_raw=request.args.get("cadre", ""))

