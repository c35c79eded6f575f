"""The draw-pool page of the meeting set-up: exclusions, plan, freeze, entropy sources, commit.

Order of work (each step refused by the services when out of turn): exclusions and plan
(editable until the freeze) → freeze the pool → declare the live-entropy sources (until the
commitment) → commit the seed → print the public notice.
Freezing and committing cannot be undone, so both forms need an explicit confirmation.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from meeting.errors import UserError
from meeting.extensions import db
from meeting.models import RANKS
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.setup import draw_plan, overview
from meeting.services.draw.common import is_frozen
from meeting.messages import error_text
from meeting.views.admin_meetings.common import CHANGE_ROLES, VIEW_ROLES, actor, load_meeting
from meeting.views.admin_meetings.forms import ExclusionForm
from meeting.views.admin_meetings.forms_draw import PlanForm
from meeting.views.admin_meetings.forms_entropy import EntropySourceForm
from meeting.views.auth import login_required
from scoring.entropy import example as entropy_example
from scoring.pool import normalise_plan


def _draw_page(meeting_id: int, plan_form: PlanForm | None = None, exclusion: ExclusionForm | None = None,
               error: str = "", status: int = 200, entropy: EntropySourceForm | None = None):
    meeting = load_meeting(meeting_id)
    townships = overview.townships(db.session)
    frozen = is_frozen(meeting)
    if plan_form is None:
        plan_form = PlanForm.from_plan(meeting.draw_plan or {}, townships, meeting.rounds_planned)
    try:
        shown_plan = normalise_plan(meeting.draw_plan or {}, default_draws=meeting.rounds_planned)
    except ValueError:
        shown_plan = None
    preview = draw_plan.plan_preview(db.session, meeting, shown_plan) if shown_plan else []
    return render_template(
        "admin_meetings/draw.html", meeting=meeting, frozen=frozen, plan_form=plan_form, ranks=RANKS,
        plan_saved=bool(meeting.draw_plan), shown_plan=shown_plan, preview=preview,
        exclusions=draw_plan.exclusion_rows(db.session, meeting),
        exclusion=exclusion or ExclusionForm(formdata=None), error=error,
        township_names={t.code: t.name for t in townships},
        pool_size=meeting.pool_text.count("\n"),
        entropy_sources=[{**x, "example": entropy_example(x)} for x in meeting.entropy_sources or []],
        entropy=entropy or EntropySourceForm(formdata=None)), status


def _back(meeting_id: int, anchor: str):
    return redirect(url_for("admin_meetings.draw", meeting_id=meeting_id, _anchor=anchor))


def _confirmed() -> bool:
    return request.form.get("confirm") == "yes"


@login_required(*VIEW_ROLES)
def draw(meeting_id: int):
    """Exclusions, plan and the freeze/commit steps, or what they fixed."""
    return _draw_page(meeting_id)


@login_required(*CHANGE_ROLES)
def add_exclusion(meeting_id: int):
    """Keep one cadre out of the draw, with a reason (before the freeze only)."""
    load_meeting(meeting_id)
    form = ExclusionForm()
    if not form.validate():
        return _draw_page(meeting_id, exclusion=form, error=form.field_errors.get("number", ""), status=400)
    try:
        draw_plan.add_exclusion(db.session, meeting_id, int(form.number.data), form.reason.data, actor())
    except UserError as exc:
        return _draw_page(meeting_id, exclusion=form, error=error_text(exc), status=exc.status)
    flash(_("Cadre %(number)s will not be drawn.", number=form.number.data), "success")
    return _back(meeting_id, "exclusions")


@login_required(*CHANGE_ROLES)
def remove_exclusion(meeting_id: int):
    """Put an excluded cadre back into the draw (before the freeze only)."""
    load_meeting(meeting_id)
    number = request.form.get("number", "")
    if not number.isdigit():
        return _draw_page(meeting_id, error=_("The cadre number must be digits only."), status=400)
    try:
        draw_plan.remove_exclusion(db.session, meeting_id, int(number), actor())
    except UserError as exc:
        return _draw_page(meeting_id, error=error_text(exc), status=exc.status)
    flash(_("Cadre %(number)s is back in the draw.", number=number), "success")
    return _back(meeting_id, "exclusions")


@login_required(*CHANGE_ROLES)
def save_plan(meeting_id: int):
    """Store the draw plan (before the freeze only); the page then previews its pool."""
    load_meeting(meeting_id)
    form = PlanForm(townships=overview.townships(db.session))
    plan = form.plan()
    if plan is None:
        return _draw_page(meeting_id, form, error=_("The plan was not saved: correct the marked fields."),
                          status=400)
    try:
        draw_plan.save_draw_plan(db.session, meeting_id, plan)
    except UserError as exc:
        return _draw_page(meeting_id, form, error=error_text(exc), status=exc.status)
    flash(_("Draw plan saved."), "success")
    return _back(meeting_id, "plan")


@login_required(*CHANGE_ROLES)
def freeze(meeting_id: int):
    """Freeze the pool with the saved plan and exclusions (cannot be undone)."""
    load_meeting(meeting_id)
    if not _confirmed():
        return _draw_page(meeting_id, error=_("Tick the confirmation box to freeze the pool."), status=400)
    try:
        summary = draw_pool.freeze_pool(db.session, meeting_id, None, None, actor())
    except UserError as exc:
        return _draw_page(meeting_id, error=error_text(exc), status=exc.status)
    flash(_("The pool is frozen: %(n)s cadres. Next: commit the seed.", n=summary.pool_size), "success")
    return _back(meeting_id, "steps")


@login_required(*CHANGE_ROLES)
def commit(meeting_id: int):
    """Generate the secret seed and publish its commitment (cannot be undone)."""
    load_meeting(meeting_id)
    if not _confirmed():
        return _draw_page(meeting_id, error=_("Tick the confirmation box to commit the seed."), status=400)
    try:
        draw_seed.commit_seed(db.session, meeting_id, actor())
    except UserError as exc:
        return _draw_page(meeting_id, error=error_text(exc), status=exc.status)
    flash(_("The seed is committed. Print the public notice and post it before the meeting."), "success")
    return _back(meeting_id, "steps")


def _declare(meeting_id: int, sources: list[dict], form: EntropySourceForm | None = None):
    """Declare `sources` as the meeting's whole list; the page again, with the refusal if any."""
    try:
        draw_seed.declare_entropy_sources(db.session, meeting_id, sources, actor())
    except UserError as exc:
        return _draw_page(meeting_id, error=error_text(exc), status=exc.status, entropy=form)
    return None


@login_required(*CHANGE_ROLES)
def add_entropy_source(meeting_id: int):
    """Add one live-entropy source at the end of the declared list (until the seed is committed)."""
    meeting = load_meeting(meeting_id)
    form = EntropySourceForm()
    if not form.validate():
        return _draw_page(meeting_id, error=_("The source was not added: correct the marked fields."),
                          status=400, entropy=form)
    refused = _declare(meeting_id, [*(meeting.entropy_sources or []), form.source()], form)
    if refused is not None:
        return refused
    flash(_("Entropy source %(label)s declared.", label=form.label.data), "success")
    return _back(meeting_id, "entropy")


@login_required(*CHANGE_ROLES)
def remove_entropy_source(meeting_id: int):
    """Take one source off the declared list (until the seed is committed; one must remain)."""
    meeting = load_meeting(meeting_id)
    label = request.form.get("label", "")
    kept = [x for x in meeting.entropy_sources or [] if x["label"] != label]
    if len(kept) == len(meeting.entropy_sources or []):
        return _draw_page(meeting_id, error=_("No declared entropy source is called %(label)s.", label=label),
                          status=400)
    refused = _declare(meeting_id, kept)
    if refused is not None:
        return refused
    flash(_("Entropy source %(label)s removed.", label=label), "success")
    return _back(meeting_id, "entropy")


def register(bp: Blueprint) -> None:
    """Add the draw routes to the meeting set-up blueprint."""
    bp.add_url_rule("/<int:meeting_id>/draw", "draw", draw, methods=["GET"])
    bp.add_url_rule("/<int:meeting_id>/draw/exclusions", "add_exclusion", add_exclusion, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/exclusions/remove", "remove_exclusion", remove_exclusion,
                    methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/plan", "save_plan", save_plan, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/freeze", "freeze", freeze, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/commit", "commit_seed", commit, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/entropy", "add_entropy_source", add_entropy_source, methods=["POST"])
    bp.add_url_rule("/<int:meeting_id>/draw/entropy/remove", "remove_entropy_source", remove_entropy_source,
                    methods=["POST"])
