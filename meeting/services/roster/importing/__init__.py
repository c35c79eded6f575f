"""Roster import from .xlsx and .csv: validate every row, then write all in one transaction.

Entry points (the admin import page and the CLI use them):
    service.import_roster(session, filename, data) -> ImportResult   (raises types.ImportRefused)
    templates.template_file(kind, fmt, lang="zh") -> (filename, bytes, mimetype)
The file format is documented in docs/IMPORT.md.
"""
