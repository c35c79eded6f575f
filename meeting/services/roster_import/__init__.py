"""Roster import from .xlsx and .csv: validate every row, then write all in one transaction.

Public interface (the admin import page and the CLI use it):
    import_roster(session, filename, data) -> ImportResult   (raises ImportRefused)
    template_file(kind, fmt, lang="zh") -> (filename, bytes, mimetype)
The file format is documented in docs/IMPORT.md.
"""
from meeting.services.roster_import.formats import TEMPLATE_KINDS
from meeting.services.roster_import.messages import format_error, kind_label
from meeting.services.roster_import.service import import_files, import_roster
from meeting.services.roster_import.templates import template_file
from meeting.services.roster_import.types import ImportRefused, ImportResult, RowError

__all__ = ["import_roster", "import_files", "ImportRefused", "ImportResult", "RowError",
           "TEMPLATE_KINDS", "template_file", "format_error", "kind_label"]
