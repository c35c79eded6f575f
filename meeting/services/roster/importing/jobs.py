"""Import jobs: an upload is saved, imported by a worker process, and watched by the page.

    create_job(session, directory, files, locale) -> job id       (the server, on upload)
    run_job(session, directory, job_id)                           (the worker process)
    job_status(session, job_id) -> dict                           (the page polls it)
    request_cancel(session, job_id)

The server process never parses a roster: eventlet cannot pre-empt CPU work, so a big file
would freeze every page and socket (worker.launch starts `python -m …importing.worker`).
The worker runs the same use case as the CLI, inside its one transaction; its progress goes to
the job row on a separate connection every PROGRESS_EVERY rows, where it also reads the cancel
flag: a cancel raises ImportCancelled and the import is rolled back, like a refused file.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound, UserError
from meeting.models import ImportJob, utcnow
from meeting.services.roster.importing.readers import RawSheet
from meeting.services.roster.importing.service import import_files
from meeting.services.roster.importing.types import ImportCancelled, ImportProgress, ImportRefused

PROGRESS_EVERY = 2000  # rows between two progress writes (and cancel checks)
MAX_ERRORS_KEPT = 1000  # per file in the stored report; the count says how many there were
ACTIVE = ("queued", "running", "writing")


@dataclass
class FileReport:
    """What happened to one uploaded file (stored as JSON in the job's result)."""

    filename: str
    ok: bool
    kinds: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    message: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    attempt: int = 1


def job_directory(instance_path: str | Path, job_id: int) -> Path:
    """Where a job's uploaded files are kept until it ends."""
    return Path(instance_path) / "imports" / str(job_id)


def create_job(session: so.Session, instance_path: str | Path, files: Sequence[tuple[str, bytes]],
               locale: str) -> int:
    """Record a queued job and keep its files on disk; commits and returns the job id."""
    job = ImportJob(status="queued", filenames=[name for name, _ in files], locale=locale,
                    total_rows=sum(data.count(b"\n") for _, data in files if data[:2] != b"PK"))
    session.add(job)
    session.commit()
    directory = job_directory(instance_path, job.id)
    directory.mkdir(parents=True, exist_ok=True)
    for index, (_name, data) in enumerate(files):
        (directory / f"{index}.upload").write_bytes(data)
    return job.id


def job_status(session: so.Session, job_id: int) -> dict[str, Any]:
    """The job as the page shows it: status, counts, an estimate of seconds left, the result."""
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("import_job_not_found")
    session.refresh(job)
    left = None
    if job.status == "running" and job.started_at and job.rows_read and job.total_rows > job.rows_read:
        spent = (utcnow() - job.started_at).total_seconds()
        left = round(spent / job.rows_read * (job.total_rows - job.rows_read))
    return {"id": job.id, "status": job.status, "filenames": list(job.filenames),
            "rows_read": job.rows_read, "errors_found": job.errors_found,
            "total_rows": max(job.total_rows, job.rows_read), "seconds_left": left,
            "cancel_requested": job.cancel_requested, "result": job.result}


def request_cancel(session: so.Session, job_id: int) -> None:
    """Ask the worker to stop; refused once the write has begun (it is one short transaction)."""
    job = session.get(ImportJob, job_id, with_for_update=True)
    if job is None:
        raise NotFound("import_job_not_found")
    if job.status not in ("queued", "running"):
        session.rollback()
        raise UserError("import_job_not_cancellable")
    job.cancel_requested = True
    job.updated_at = utcnow()
    session.commit()


def fail_job(session: so.Session, job_id: int) -> None:
    """Mark a job whose worker ended without a result (killed, crashed) as failed."""
    session.execute(sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.status.in_(ACTIVE))
                    .values(status="failed", updated_at=utcnow()))
    session.commit()


class JobProgress(ImportProgress):
    """Counts rows and errors; every PROGRESS_EVERY rows writes them on its own connection and
    raises ImportCancelled if the cancel flag is set."""

    def __init__(self, engine: sa.Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.rows = self.base_rows = 0
        self.errors: Any = None
        self.base_errors = 0
        self._next = PROGRESS_EVERY

    def table(self, raw: object) -> object:
        assert isinstance(raw, RawSheet)
        inner = raw.rows

        def rows() -> Iterator[tuple[int, list[str]]]:
            for item in inner():
                self.rows += 1
                if self.rows >= self._next:
                    self._next = self.rows + PROGRESS_EVERY
                    self.flush()
                yield item

        raw.rows = rows
        return raw

    def watch(self, errors: object) -> None:
        self.errors = errors

    def error_count(self) -> int:
        return self.base_errors + (len(self.errors.items) if self.errors is not None else 0)

    def flush(self, status: str | None = None, check: bool = True) -> None:
        """Write the counts (and a status) and check the cancel flag (unless `check` is False)."""
        values: dict[str, Any] = {"rows_read": self.base_rows + self.rows,
                                  "errors_found": self.error_count(), "updated_at": utcnow()}
        if status:
            values["status"] = status
        with self.engine.begin() as conn:
            cancelled = conn.scalar(sa.select(ImportJob.cancel_requested)
                                    .where(ImportJob.id == self.job_id).with_for_update())
            cancelled = cancelled and check
            if cancelled:
                values.pop("status", None)  # a cancel asked for before the write wins
            conn.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id).values(**values))
        if cancelled:
            raise ImportCancelled()

    def writing(self) -> None:
        """Check the cancel flag one last time, then mark the job as writing."""
        self.flush("writing")

    def next_file(self) -> None:
        """Keep the totals of the files already imported when the next one starts."""
        self.base_rows += self.rows
        self.base_errors = self.error_count()
        self.rows, self.errors, self._next = 0, None, PROGRESS_EVERY
        self.flush("running", check=False)  # the next file is read (a cancel stops it, not this)


def import_each(session: so.Session, files: Sequence[tuple[str, bytes]],
                progress: JobProgress | None = None) -> list[FileReport]:
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
            reports[i] = import_one(session, *files[i], progress=progress)
            reports[i].attempt = attempt
            if progress is not None:
                progress.next_file()
            if not reports[i].ok:
                refused.append(i)
        if len(refused) == len(pending):
            break  # no file got in this round: another round would refuse them again
        pending = refused
    return [reports[i] for i in range(len(files))]


def import_one(session: so.Session, filename: str, data: bytes,
               progress: JobProgress | None = None) -> FileReport:
    """Import one file; a refusal becomes a report (the service has written nothing)."""
    try:
        result = import_files(session, [(filename, data)], progress=progress)
    except ImportRefused as exc:  # the service rolled back: nothing was written
        errors = [asdict(e) for e in exc.errors[:MAX_ERRORS_KEPT]]
        return FileReport(filename, False, message=exc.message, errors=errors,
                          error_count=len(exc.errors))
    except UserError as exc:
        return FileReport(filename, False, message=exc.message)
    except BaseException:
        session.rollback()  # a cancel (or a crash) in the middle of reading: nothing is written
        raise
    return FileReport(filename, True, kinds=list(result.kinds), created=dict(result.created),
                      updated=dict(result.updated))


def run_job(session: so.Session, instance_path: str | Path, job_id: int) -> str:
    """Run a queued job to its end (in the worker process); returns its final status."""
    job = session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return job.status if job else "missing"
    job.status, job.started_at = "running", utcnow()
    job.updated_at = job.started_at
    session.commit()
    directory = job_directory(instance_path, job_id)
    files = [(name, (directory / f"{i}.upload").read_bytes()) for i, name in enumerate(job.filenames)]
    progress = JobProgress(session.get_bind(), job_id)
    try:
        reports = import_each(session, files, progress)
        status = "done" if all(r.ok for r in reports) else "refused"
        result: list[dict[str, Any]] | None = [asdict(r) for r in reports]
    except ImportCancelled:
        status, result = "cancelled", None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    session.execute(sa.update(ImportJob).where(ImportJob.id == job_id).values(
        status=status, result=result, rows_read=progress.base_rows + progress.rows,
        errors_found=progress.error_count(), updated_at=utcnow()))
    session.commit()
    return status


def wait_for_job(session: so.Session, job_id: int, timeout: float) -> str:
    """Poll until the job has ended (for the CLI and tests); returns its status."""
    deadline = time.monotonic() + timeout
    while True:
        status = job_status(session, job_id)["status"]
        session.rollback()
        if status not in ACTIVE or time.monotonic() > deadline:
            return status
        time.sleep(0.2)

