"""Roster import page (role admin): upload one or more files, watch the job, see per-file results.

The upload becomes a job run by a separate worker process (importing.worker), so the server
stays responsive; the page shows its progress (static/admin/import.js polls the JSON status)
and a Cancel button. Each file is imported on its own; a refused or cancelled file writes
nothing (the service guarantees it), so the page reports per file what was written.
"""
from __future__ import annotations

import io
from typing import Any

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import get_locale, gettext as _

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.roster.importing import formats as importing_formats
from meeting.services.roster.importing import jobs as importing_jobs
from meeting.services.roster.importing import templates as importing_templates
from meeting.services.roster.importing import worker as importing_worker
from meeting.views.auth import login_required

bp = Blueprint("admin_import", __name__, url_prefix="/admin/import")

TEMPLATE_LANGS = ("zh", "en")
TEMPLATE_FORMATS = ("csv", "xlsx")
# Order of the count rows on a success report (the service adds townships and work areas).
COUNT_ORDER = ("townships", "work_areas", "villages", "cadres", "households", "demands")


def with_counts(report: dict[str, Any]) -> dict[str, Any]:
    """A stored file report plus its (kind, created, updated) rows in grid-to-demand order."""
    created, updated = report.get("created", {}), report.get("updated", {})
    keys = set(created) | set(updated)
    ordered = [k for k in COUNT_ORDER if k in keys] + sorted(keys - set(COUNT_ORDER))
    return {**report, "counts": [(k, created.get(k, 0), updated.get(k, 0)) for k in ordered]}


def _page(reports: list[dict[str, Any]], status: int = 200, **extra: Any):
    return render_template("admin/import.html", reports=[with_counts(r) for r in reports],
                           kinds=importing_formats.TEMPLATE_KINDS, **extra), status


@bp.get("/")
@login_required("admin")
def form():
    """The upload form and the template downloads."""
    return _page([])


@bp.post("/")
@login_required("admin")
def upload():
    """Keep the files as a job for the import worker and show its progress (or, when the job
    ran inline, its result at once)."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return _page([], 400, error=_("Choose at least one file to import."))
    job_id = importing_jobs.create_job(db.session, current_app.instance_path,
                                       [(f.filename or "", f.read()) for f in files],
                                       str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    importing_worker.launch(current_app._get_current_object(), job_id)
    return job(job_id)


@bp.get("/jobs/<int:job_id>")
@login_required("admin")
def job(job_id: int):
    """A job: its progress bar while it runs, then one report per file."""
    try:
        status = importing_jobs.job_status(db.session, job_id)
    except UserError:
        abort(404)
    if status["status"] in importing_jobs.ACTIVE:
        config = {"status_url": url_for("admin_import.job_json", job_id=job_id)}
        return _page([], 202, job=status, job_config=config)
    reports = status["result"] or []
    code = 200 if status["status"] == "done" else 422
    return _page(reports, code, job=status)


@bp.get("/jobs/<int:job_id>.json")
@login_required("admin")
def job_json(job_id: int):
    """The progress the page polls: status, rows read, errors found, estimate (no result)."""
    try:
        status = importing_jobs.job_status(db.session, job_id)
    except UserError as exc:
        return jsonify({"error": exc.code}), exc.status
    status.pop("result")
    return jsonify(status)


@bp.post("/jobs/<int:job_id>/cancel")
@login_required("admin")
def cancel(job_id: int):
    """Ask the worker to stop; the import is rolled back, nothing is written."""
    try:
        importing_jobs.request_cancel(db.session, job_id)
    except UserError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("admin_import.job", job_id=job_id), 303)


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

