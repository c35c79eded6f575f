"""Roster import page (role admin): upload one or more files, see per-file results, templates.

Each file is imported on its own by meeting.services.roster.importing; a refused file writes
nothing (the service guarantees it), so the page reports per file what was written.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import gettext as _

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.roster.importing import formats as importing_formats
from meeting.services.roster.importing import service as importing_service
from meeting.services.roster.importing import templates as importing_templates
from meeting.services.roster.importing import types as importing_types
from meeting.views.auth import login_required

bp = Blueprint("admin_import", __name__, url_prefix="/admin/import")

TEMPLATE_LANGS = ("zh", "en")
TEMPLATE_FORMATS = ("csv", "xlsx")
# Order of the count rows on a success report (the service adds townships and work areas).
COUNT_ORDER = ("townships", "work_areas", "villages", "cadres", "households", "demands")


@dataclass
class FileReport:
    """What happened to one uploaded file."""

    filename: str
    ok: bool
    kinds: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    message: str = ""
    errors: list[Any] = field(default_factory=list)
    attempt: int = 1

    @property
    def counts(self) -> list[tuple[str, int, int]]:
        """(kind, created, updated) rows in grid-to-demand order."""
        keys = set(self.created) | set(self.updated)
        ordered = [k for k in COUNT_ORDER if k in keys] + sorted(keys - set(COUNT_ORDER))
        return [(k, self.created.get(k, 0), self.updated.get(k, 0)) for k in ordered]


def import_each(files: list[tuple[str, bytes]]) -> list[FileReport]:
    """Import the files one by one, in upload order; then retry the refused ones while that
    helps, because a browser sends files in name order (cadres.csv before villages.csv) and a
    file may only be refused for rows another file of the same upload brings. Retrying is safe:
    a refused file wrote nothing. One report per file, in upload order, with the last outcome.
    """
    reports: dict[int, FileReport] = {}
    pending = list(range(len(files)))
    attempt = 0
    while pending:
        attempt += 1
        refused = []
        for i in pending:
            reports[i] = import_one(*files[i])
            reports[i].attempt = attempt
            if not reports[i].ok:
                refused.append(i)
        if len(refused) == len(pending):
            break  # no file got in this round: another round would refuse them again
        pending = refused
    return [reports[i] for i in range(len(files))]


def import_one(filename: str, data: bytes) -> FileReport:
    """Import one file; a refusal becomes a report (the service has written nothing)."""
    try:
        result = importing_service.import_roster(db.session, filename, data)
    except importing_types.ImportRefused as exc:  # the service rolled back: nothing was written
        return FileReport(filename, False, message=error_text(exc), errors=list(exc.errors))
    except UserError as exc:
        return FileReport(filename, False, message=error_text(exc))
    return FileReport(filename, True, kinds=list(result.kinds), created=dict(result.created),
                      updated=dict(result.updated))


@bp.get("/")
@login_required("admin")
def form():
    """The upload form and the template downloads."""
    return render_template("admin/import.html", reports=[], kinds=importing_formats.TEMPLATE_KINDS)


@bp.post("/")
@login_required("admin")
def upload():
    """Import every uploaded file in turn and show one report per file."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return render_template("admin/import.html", reports=[], kinds=importing_formats.TEMPLATE_KINDS,
                               error=_("Choose at least one file to import.")), 400
    reports = import_each([(f.filename or "", f.read()) for f in files])
    status = 200 if all(r.ok for r in reports) else 422
    return render_template("admin/import.html", reports=reports,
                           kinds=importing_formats.TEMPLATE_KINDS), status


@bp.get("/template/<lang>/<kind>.<fmt>")
@login_required("admin")
def template(lang: str, kind: str, fmt: str):
    """Download an empty template: the workbook with every sheet (kind 'all'), or one CSV."""
    if lang not in TEMPLATE_LANGS or fmt not in TEMPLATE_FORMATS:
        abort(404)
    if kind == "all" and fmt == "xlsx":
        chosen = None
    elif kind in importing_formats.TEMPLATE_KINDS:
        chosen = kind
    else:
        abort(404)
    filename, data, mimetype = importing_templates.template_file(chosen, fmt, lang)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=filename)

