"""The reply link through HTTP: the staff issue it (the sheet with its QR code is the only place the
link is shown), the unit replies at /r/<token> with files, a revoked or wrong link is refused."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from meeting.models.cases import Case, CaseAttachment
from tests.admin_meetings_support import staff_client
from tests.cases_support import JPEG, PDF, county

# The real clock runs in these tests: a proposed date a month from today is in the future.
PROPOSED = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def world(session):
    return county(session, per_township=1)


def _issue(client, code) -> str:
    resp = client.post(f"/cases/{code}/link")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    assert "<svg" in html and "data-print" in html     # the printable sheet with its QR code
    return re.search(r'id="reply-url">[^<]*/r/([A-Za-z0-9_-]+)<', html).group(1)


def test_staff_issue_a_link_and_the_unit_replies_with_files(app, client, session, world):
    code = world.codes[0]
    staff_client(client, session, role="case_officer")
    token = _issue(client, code)
    unit = app.test_client()                          # no account, no staff cookie
    page = unit.get(f"/r/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "王**" in html and "王小明" not in html and "整改事项1" in html and "2026-05-31" in html
    resp = unit.post(f"/r/{token}", data={"reply": "已补齐药品", "proposed": PROPOSED,
                                           "files": [(io.BytesIO(JPEG), "现场.jpg"), (io.BytesIO(PDF), "报告.pdf")]},
                     content_type="multipart/form-data")
    assert resp.status_code == 302
    session.expire_all()
    case = session.scalar(sa.select(Case).where(Case.code == code))
    assert case.status == "replied" and case.reply_text == "已补齐药品"
    files = session.scalars(sa.select(CaseAttachment).order_by(CaseAttachment.id)).all()
    assert [f.filename for f in files] == ["现场.jpg", "报告.pdf"]
    # The unit gets its files back; so do the staff; a stranger does not.
    got = unit.get(f"/r/{token}/files/{files[0].id}")
    assert got.status_code == 200 and got.data == JPEG and got.mimetype == "image/jpeg"
    assert client.get(f"/cases/{code}/files/{files[1].id}").data == PDF
    assert app.test_client().get(f"/cases/{code}/files/{files[1].id}").status_code == 302   # to log in
    assert unit.get(f"/r/wrong-token/files/{files[0].id}").status_code == 404
    staff_page = client.get(f"/cases/{code}").get_data(as_text=True)
    assert "已补齐药品" in staff_page and files[0].sha256 in staff_page and PROPOSED in staff_page


def test_a_forged_file_is_refused_with_a_clear_message_and_nothing_is_stored(app, client, session, world):
    staff_client(client, session, role="admin")
    token = _issue(client, world.codes[0])
    unit = app.test_client()
    resp = unit.post(f"/r/{token}?lang=en", data={"reply": "已整改", "files": [(io.BytesIO(b"<html>"), "photo.jpg")]},
                     content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "is not a photo (JPEG, PNG) or a PDF" in resp.get_data(as_text=True)
    assert "已整改" in resp.get_data(as_text=True)     # what was typed is kept
    session.expire_all()
    assert session.scalar(sa.select(Case.status).where(Case.code == world.codes[0])) == "open"
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseAttachment)) == 0
    stored = Path(app.instance_path, "case_files")
    assert not stored.exists() or [p for p in stored.rglob("*") if p.is_file()] == []


def test_a_revoked_link_gets_a_clear_refusal_and_a_wrong_one_a_404(app, client, session, world):
    staff_client(client, session, role="admin")
    token = _issue(client, world.codes[0])
    assert client.post(f"/cases/{world.codes[0]}/link/revoke").status_code == 302
    unit = app.test_client()
    page = unit.get(f"/r/{token}?lang=en")
    assert page.status_code == 403 and "This reply link has been withdrawn" in page.get_data(as_text=True)
    posted = unit.post(f"/r/{token}", data={"reply": "已整改"})
    assert posted.status_code == 403
    assert unit.get("/r/no-such-token").status_code == 404
    session.expire_all()
    assert session.scalar(sa.select(Case.status).where(Case.code == world.codes[0])) == "open"


def test_a_case_that_has_been_replied_shows_the_reply_and_no_form(app, client, session, world):
    staff_client(client, session, role="admin")
    token = _issue(client, world.codes[0])
    unit = app.test_client()
    assert unit.post(f"/r/{token}", data={"reply": "已整改"}).status_code == 302
    html = unit.get(f"/r/{token}?lang=en").get_data(as_text=True)
    assert 'id="unit-reply"' not in html and "No reply is awaited from you now" in html and "已整改" in html
