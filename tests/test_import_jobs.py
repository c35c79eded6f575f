"""Import jobs: the upload is kept as a job, a worker process imports it with progress, cancel
rolls it back, and a refused or cancelled job writes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.models import Cadre, ImportJob, Village
from meeting.services.roster.importing import jobs, worker
from tests.fixtures_import import CADRES, VILLAGES, csv_bytes
from tests.helpers_roster import login, make_user

MANY_VILLAGES = [VILLAGES[0]] + [["沂城街道", "第一工作片", f"村{n}", f"V{n:04d}"] for n in range(1, 301)]


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_job_counts_the_rows_it_read_and_stores_one_report_per_file(app, session, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 50)
    job_id = jobs.create_job(session, app.instance_path, [("villages.csv", csv_bytes(MANY_VILLAGES))], "en")
    assert jobs.run_job(session, app.instance_path, job_id) == "done"
    status = jobs.job_status(session, job_id)
    assert status["rows_read"] >= 300 and status["errors_found"] == 0
    [report] = status["result"]
    assert report["ok"] and report["created"]["villages"] == 300
    assert not jobs.job_directory(app.instance_path, job_id).exists()  # the upload is not kept


def test_a_cancelled_job_writes_nothing(app, session, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 10)
    job_id = jobs.create_job(session, app.instance_path, [("villages.csv", csv_bytes(MANY_VILLAGES))], "en")
    jobs.request_cancel(session, job_id)
    assert jobs.run_job(session, app.instance_path, job_id) == "cancelled"
    assert _count(session, Village) == 0
    assert jobs.job_status(session, job_id)["result"] is None


def test_a_refused_job_counts_its_errors_and_writes_nothing(app, session):
    bad = csv_bytes(CADRES + [["abc", "某某", "", "", "", "", "", ""]])
    job_id = jobs.create_job(session, app.instance_path, [("cadres.csv", bad)], "en")
    assert jobs.run_job(session, app.instance_path, job_id) == "refused"
    status = jobs.job_status(session, job_id)
    assert status["errors_found"] > 0 and status["result"][0]["errors"]
    assert _count(session, Cadre) == 0


def test_a_job_that_has_begun_writing_cannot_be_cancelled(app, session):
    job_id = jobs.create_job(session, app.instance_path, [("v.csv", csv_bytes(VILLAGES))], "en")
    session.execute(sa.update(ImportJob).values(status="writing"))
    session.commit()
    with pytest.raises(Exception) as refused:
        jobs.request_cancel(session, job_id)
    assert getattr(refused.value, "code", "") == "import_job_not_cancellable"


def test_the_worker_is_a_separate_process_that_runs_the_job(app, session):
    app.config["IMPORT_INLINE"] = False
    job_id = jobs.create_job(session, app.instance_path, [("villages.csv", csv_bytes(VILLAGES))], "en")
    worker.launch(app, job_id)
    assert worker._running[job_id].pid  # a child process, not this one
    assert jobs.wait_for_job(session, job_id, timeout=120) == "done"
    assert _count(session, Village) == 3


def test_a_running_job_shows_a_progress_bar_a_cancel_button_and_a_json_status(app, client, session):
    make_user(session, "organiser", role="admin")
    login(client, "organiser")
    client.get("/login?lang=en")
    job_id = jobs.create_job(session, app.instance_path, [("villages.csv", csv_bytes(VILLAGES))], "en")
    page = client.get(f"/admin/import/jobs/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 202
    assert 'id="import-progress"' in html and f"/admin/import/jobs/{job_id}/cancel" in html
    assert 'id="import-config"' in html and "admin/import.js" in html
    status = client.get(f"/admin/import/jobs/{job_id}.json").get_json()
    assert status["status"] == "queued" and status["total_rows"] == 4 and "result" not in status
    assert client.post(f"/admin/import/jobs/{job_id}/cancel").status_code == 303
    assert jobs.run_job(session, app.instance_path, job_id) == "cancelled"
    html = client.get(f"/admin/import/jobs/{job_id}").get_data(as_text=True)
    assert "nothing was written" in html


def test_an_unknown_job_is_not_found(client, session):
    make_user(session, "organiser", role="admin")
    login(client, "organiser")
    assert client.get("/admin/import/jobs/999").status_code == 404
    assert client.get("/admin/import/jobs/999.json").status_code == 404


def test_a_worker_that_dies_leaves_its_job_failed_not_running(app, session):
    import shutil

    app.config["IMPORT_INLINE"] = False
    job_id = jobs.create_job(session, app.instance_path, [("villages.csv", csv_bytes(VILLAGES))], "en")
    shutil.rmtree(jobs.job_directory(app.instance_path, job_id))  # the worker cannot read the upload
    worker.launch(app, job_id)
    assert jobs.wait_for_job(session, job_id, timeout=120) == "failed"
    assert _count(session, Village) == 0
