"""Labels and one-line renderings of errors, shared by the CLI and the admin page."""
from __future__ import annotations

from flask_babel import gettext as _

from meeting.services.roster.importing.types import RowError


def kind_label(kind: str) -> str:
    """The translated name of a kind ("cadres" → 干部 in Chinese); other text unchanged."""
    labels = {"villages": _("villages"), "cadres": _("cadres"),
              "households": _("households"), "demands": _("demands"),
              "townships": _("townships"), "work_areas": _("work areas")}
    return labels.get(kind, kind)


def format_error(error: RowError) -> str:
    """'cadres: row 3, column 联系电话: reason' (the sheet is left out when unknown)."""
    if error.column:
        text = _("row %(row)d, column %(column)s: %(reason)s",
                 row=error.row, column=error.column, reason=error.reason)
    else:
        text = _("row %(row)d: %(reason)s", row=error.row, reason=error.reason)
    return f"{kind_label(error.sheet)}: {text}" if error.sheet else text
