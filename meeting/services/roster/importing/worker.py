"""The import worker: a separate OS process that runs one import job, so the server never parses.

    python -m meeting.services.roster.importing.worker JOB_ID

The server starts it on demand (`launch`), with the same environment (DATABASE_URL, the
instance folder) in threading mode: no green threads here, the CPU work is the point. With
IMPORT_INLINE set (the test configuration) the job runs in the calling process instead.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

from flask import Flask
from flask_babel import force_locale

from meeting import create_app
from meeting.extensions import db
from meeting.models import ImportJob
from meeting.services.roster.importing.jobs import fail_job, run_job

_running: dict[int, subprocess.Popen] = {}


def launch(app: Flask, job_id: int) -> None:
    """Start the job: a worker process (reaped by a waiting thread), or inline when configured."""
    if app.config.get("IMPORT_INLINE"):
        _run(app, job_id)
        return
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "MINKAO_INSTANCE_PATH": app.instance_path, "SOCKETIO_ASYNC_MODE": "threading"}
    proc = subprocess.Popen([sys.executable, "-m", "meeting.services.roster.importing.worker",
                             str(job_id)], env=env, stdin=subprocess.DEVNULL)
    _running[job_id] = proc

    def reap() -> None:
        code = proc.wait()
        _running.pop(job_id, None)
        if code != 0:  # killed or crashed before writing its end: do not leave it "running"
            with app.app_context():
                try:
                    fail_job(db.session, job_id)
                finally:
                    db.remove()

    threading.Thread(target=reap, name=f"import-job-{job_id}", daemon=True).start()


def execute(app: Flask, job_id: int) -> str:
    """Run one job in this process (its own app context), in the locale it was uploaded in."""
    with app.app_context():
        try:
            return _run(app, job_id)
        finally:
            db.remove()


def _run(app: Flask, job_id: int) -> str:
    job: Any = db.session.get(ImportJob, job_id)
    locale = job.locale if job else app.config["BABEL_DEFAULT_LOCALE"]
    db.session.rollback()
    with force_locale(locale):
        return run_job(db.session, app.instance_path, job_id)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    args = sys.argv[1:] if argv is None else argv
    app = create_app()
    execute(app, int(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
