"""Labels and one-line renderings of errors, shared by the CLI and the admin page."""
from __future__ import annotations

import contextlib
from typing import Iterator

from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from meeting.services.roster_import.types import RowError


def kind_label(kind: str) -> str:
    """The translated name of a kind ("cadres" → 干部 in Chinese); other text unchanged."""
    labels = {"villages": _("villages"), "cadres": _("cadres"),
              "households": _("households"), "demands": _("demands"),
              "townships": _("townships"), "work_areas": _("work areas")}
    return labels.get(kind, kind)


def format_error(error: RowError) -> str:
    """'cadres: row 3, column 联系电话: reason' (the sheet is left out when unknown)."""
    with ensure_locale():
        return _format(error)


def _format(error: RowError) -> str:
    if error.column:
        text = _("row %(row)d, column %(column)s: %(reason)s",
                 row=error.row, column=error.column, reason=error.reason)
    else:
        text = _("row %(row)d: %(reason)s", row=error.row, reason=error.reason)
    return f"{kind_label(error.sheet)}: {text}" if error.sheet else text


@contextlib.contextmanager
def ensure_locale() -> Iterator[None]:
    """Make gettext work in an app context without a request (CLI, scripts, tests).

    meeting.i18n's locale selector reads the request, so outside one it raises; then we use
    the default locale. A locale a caller forced (the CLI's --lang) is kept.
    """
    if has_app_context() and not has_request_context():
        try:
            get_locale()
        except RuntimeError:
            with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")):
                yield
            return
    yield
