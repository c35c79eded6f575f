"""The use case: read → classify → validate everything → write in one transaction."""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from meeting.errors import Conflict
from meeting.services.roster.importing.apply import apply_plan
from meeting.services.roster.importing.limits import Limits
from meeting.services.roster.importing.formats import (SHEET_NAMES_ZH, TEMPLATE_KINDS, guess_kind,
                                                       is_ignored_sheet, kind_of_sheet_name)
from meeting.services.roster.importing.messages import kind_label
from meeting.services.roster.importing.plan_grid import plan_villages
from meeting.services.roster.importing.plan_people import plan_cadres, plan_demands, plan_households
from meeting.services.roster.importing.readers import RawSheet, read_file
from meeting.services.roster.importing.snapshot import Snapshot, load_snapshot
from meeting.services.roster.importing.types import FileProblem, ImportProgress, ImportRefused, ImportResult
from meeting.services.roster.importing.validate import BoundSheet, Errors, Plan, bind_sheet


def import_roster(session: so.Session, filename: str, data: bytes) -> ImportResult:
    """Import one .xlsx (any of the four sheets) or .csv (one kind) file; commits.

    Raises ImportRefused listing every bad row, with nothing written, if anything is wrong.
    """
    return import_files(session, [(filename, data)])


def import_files(session: so.Session, files: Sequence[tuple[str, bytes]],
                 progress: ImportProgress | None = None,
                 limits: Limits | None = None) -> ImportResult:
    """Import several files (e.g. one CSV per kind) as one: all are valid, or nothing is written.

    `progress`, when given, sees each table read and the error list (jobs.JobProgress counts
    rows and errors, and raises ImportCancelled to cancel: nothing is written, as for a
    refusal). `limits` default to the app's configuration.
    """
    errors = Errors()
    tables: dict[str, RawSheet] = {}
    limits = limits or Limits.from_config(current_app.config)
    if progress is not None:
        progress.watch(errors)
    for filename, data in files:
        try:
            sheets = read_file(filename, data, limits)
            _classify([progress.table(s) for s in sheets] if progress else sheets, tables, errors)
        except FileProblem as problem:
            errors.add(problem.sheet, problem.row, "", problem.reason)
    kinds = [k for k in TEMPLATE_KINDS if k in tables]
    bound = {k: bind_sheet(k, tables[k], errors) for k in kinds}
    snap = load_snapshot(session, set(kinds))
    plan = Plan(kinds=kinds, present={k: b.present for k, b in bound.items()})
    try:
        _validate(bound, snap, plan, errors)
    except FileProblem as problem:
        errors.add(problem.sheet, problem.row, "", problem.reason)
    if not errors and plan.rows == 0:
        errors.add("", 1, "", _("There are no rows to import: the file holds no data "
                                "below its header row."))
    if errors:
        session.rollback()
        raise ImportRefused(errors.items)
    if progress is not None:
        progress.writing()
    try:
        result = apply_plan(session.connection(), plan, snap)
        session.commit()
    except sa.exc.IntegrityError as exc:
        session.rollback()
        raise Conflict("import_roster_changed") from exc
    except BaseException:
        session.rollback()
        raise
    return result


def _classify(sheets: list[RawSheet], tables: dict[str, RawSheet], errors: Errors) -> None:
    """Decide each table's kind: by sheet name, else (and always for CSV) by its header row."""
    for raw in sheets:
        if not raw.header_row:  # not a single filled cell
            if raw.is_csv:
                errors.add("", 1, "", _("The file %(name)s is empty.", name=raw.source))
            continue
        kind = None if raw.is_csv else kind_of_sheet_name(raw.title)
        if kind is None:
            if is_ignored_sheet(raw.title):
                continue  # our template's instructions
            kind = guess_kind(raw.header, raw.title)
        if kind is None:
            names = "、".join(f"{SHEET_NAMES_ZH[k]} ({k})" for k in TEMPLATE_KINDS)
            errors.add("" if raw.is_csv else raw.title, raw.header_row or 1, "",
                       _("Cannot tell which list %(where)s holds: name the sheet, or use the "
                         "header row of one of %(names)s (see the templates).",
                         where=_where(raw), names=names))
        elif kind in tables and _has_rows(raw) and _has_rows(tables[kind]):
            errors.add(kind, raw.header_row or 1, "",
                       _("A second %(kind)s list was found (%(where)s, after %(first)s); "
                         "import each list once.", kind=kind_label(kind), where=_where(raw),
                         first=_where(tables[kind])))
        elif kind not in tables or _has_rows(raw):
            tables[kind] = raw  # a header-only sheet (an unused template sheet) gives way


def _has_rows(raw: RawSheet) -> bool:
    return next(raw.rows(), None) is not None


def _where(raw: RawSheet) -> str:
    return raw.source if raw.is_csv else f"{raw.source} [{raw.title}]"


def _validate(bound: dict[str, BoundSheet], snap: Snapshot, plan: Plan, errors: Errors) -> None:
    """Check every usable table in dependency order."""
    trusted = {k: (k not in bound or bound[k].usable) for k in TEMPLATE_KINDS}
    steps = {"villages": lambda s: plan_villages(s, snap, plan, errors),
             "cadres": lambda s: plan_cadres(s, snap, plan, errors, trusted),
             "households": lambda s: plan_households(s, snap, plan, errors, trusted),
             "demands": lambda s: plan_demands(s, snap, plan, errors, trusted)}
    for kind in plan.kinds:
        if bound[kind].usable:
            steps[kind](bound[kind])
