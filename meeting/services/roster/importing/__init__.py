"""Roster import from .xlsx and .csv: validate every row, then write all in one transaction.

Entry points (the admin import page and the CLI use them):
    service.import_roster(session, filename, data) -> ImportResult   (raises types.ImportRefused)
    templates.template_file(kind, fmt, lang="zh") -> (filename, bytes, mimetype)
    jobs.create_job / jobs.job_status / jobs.request_cancel, worker.launch(app, job_id)
        (the admin page: the import runs in a separate worker process with progress, cancel)
Caps on rows, cells and xlsx parts: limits.py (docs/LIMITS.md).
The file format is documented in docs/IMPORT.md.
"""
