"""A Yishui-scale import during a meeting: the worker process does the parsing, so a viewer's
socket stays connected (every heartbeat arrives, no ping-timeout drop) and pages answer."""
from __future__ import annotations

import re
import time

import pytest
import requests

from meeting.commands.db import ensure_user
from meeting.demo.generator import generate_roster
from meeting.extensions import db
from meeting.services.roster.importing.export import roster_to_csv
from tests.liveserver import LiveServer
from tests.live_support import seed_meeting
from tests.rtclient import Screen

pytestmark = pytest.mark.server

ADMIN = ("organiser", "organiser-pass-1")
ORDER = ("villages", "cadres", "households", "demands")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _admin_session(base_url: str) -> requests.Session:
    """Logged in through the real form, keeping its cookies for the next forms."""
    http = requests.Session()
    page = http.get(base_url + "/login", timeout=30).text
    resp = http.post(base_url + "/login", data={"username": ADMIN[0], "password": ADMIN[1],
                                                 "csrf_token": _csrf(page)},
                     timeout=30, allow_redirects=False)
    assert resp.status_code in (302, 303), resp.text[:500]
    return http


def test_a_viewer_stays_connected_and_pages_answer_through_a_yishui_scale_import(app, tmp_path):
    seeded = seed_meeting(app, jurors=3)
    with app.app_context():
        ensure_user(*ADMIN, role="admin")
        db.remove()
    files = roster_to_csv(generate_roster(scale=1.0, seed=7))  # ~305,000 households
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log",
                        env={"MINKAO_HEARTBEAT_SECONDS": "1",
                             "MINKAO_INSTANCE_PATH": str(tmp_path / "instance")}).start()
    viewer = Screen(server.url, seeded.meeting_id, "viewer").connect()
    try:
        http = _admin_session(server.url)
        form = http.get(server.url + "/admin/import/", timeout=30).text
        token = _csrf(form)
        upload = [("files", (f"{kind}.csv", files[kind], "text/csv")) for kind in ORDER]
        resp = http.post(server.url + "/admin/import/", data={"csrf_token": token}, files=upload,
                         timeout=120)
        assert resp.status_code == 202, resp.text[:500]
        job_id = int(re.search(r"/admin/import/jobs/(\d+)/cancel", resp.text).group(1))

        beats_at_start = len(viewer.heartbeats)
        pages_while_running, statuses = 0, []
        while True:
            status = http.get(f"{server.url}/admin/import/jobs/{job_id}.json", timeout=30).json()
            statuses.append(status)
            if status["status"] not in ("queued", "running", "writing"):
                break
            assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
            pages_while_running += 1
            time.sleep(0.5)
        beats_during = len(viewer.heartbeats) - beats_at_start

        assert status["status"] == "done", http.get(f"{server.url}/admin/import/jobs/{job_id}").text[-3000:]
        assert status["rows_read"] > 300_000
        assert any(s["status"] == "running" and s["rows_read"] > 0 for s in statuses)  # progress showed
        assert pages_while_running > 0
        # The viewer never lost its socket (a frozen server drops it by the ping timeout) and
        # heartbeats kept arriving during the import, each carrying the meeting's newest seq.
        assert viewer.connects == 1 and viewer.drops == 0
        assert beats_during > 0
        seqs = [b["seq"] for b in viewer.heartbeats]
        assert seqs == sorted(seqs) and all(b["meeting"] == seeded.meeting_id for b in viewer.heartbeats)
        report = http.get(f"{server.url}/admin/import/jobs/{job_id}", timeout=30)
        assert report.status_code == 200 and "report-refused" not in report.text
    finally:
        viewer.close()
        server.stop()
