"""The minutes of a closed meeting: the xlsx workbook checked cell by cell against the database,
formula-like names written as text, the A4 report's anchors, the PDF, and who may have them."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from meeting.extensions import db
from meeting.models import Ballot, CallAttempt, Cadre, Decision, Meeting, Round
from meeting.models.cases import Case
from meeting.services.draw.bundle import notice_sha256
from meeting.services.live import ballots
from meeting.telephony.manual import ManualProvider
from scoring.masking import mask_name
from tests.admin_meetings_support import staff_client
from tests.telephony_support import Verifying, to_verification, twilio_settings

FORMULA_NAME = '=HYPERLINK("http://x","y")'
SCORES = ({"visits": 25, "demands": 22, "satisfaction": 27, "report": 8},
          {"visits": 20, "demands": 24, "satisfaction": 26, "report": 7},
          {"visits": 28, "demands": 21, "satisfaction": 25, "report": 9})


def closed_meeting(app, close: bool = True) -> Verifying:
    """A meeting run through the services: one round with a call, three ballots (one revised),
    the result, a rectification (its case) and the close; the drawn cadre has a formula-like name."""
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    code = v.perform("propose_calls")["households"][0]
    v.perform("record_call", household_code=code, outcome="answered",
              answers={"visited": "yes", "resolved": "partly", "satisfaction": 4}, note="=1+1")
    v.perform("open_scoring")
    with app.app_context():
        meeting = db.session.get(Meeting, v.meeting_id)
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
        rnd.cadre.name = FORMULA_NAME
        db.session.commit()
        jurors = sorted(meeting.jurors, key=lambda j: j.seat)
        round_id = rnd.id
        for n, juror in enumerate(jurors):
            ballots.submit_ballot(db.session, v.meeting_id, juror.id, round_id, SCORES[n], f"m{n}")
        ballots.submit_ballot(db.session, v.meeting_id, jurors[0].id, round_id,  # a revision: version 2 counts
                              {"visits": 26, "demands": 22, "satisfaction": 27, "report": 8}, "m0-2")
        db.remove()
    v.perform("close_scoring")
    v.perform("reveal_result")
    deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    v.perform("record_decision", kind="rectification",
              detail={"items": ["补齐常用药", "-2 项台账"], "deadline": deadline, "responsible": "孙兆龙"})
    if close:
        v.perform("close_meeting")
    return v


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    return [tuple(c.value for c in row) for row in load_workbook(io.BytesIO(data))[title].iter_rows()]


def test_the_workbook_matches_the_database_cell_by_cell(app, client):
    v = closed_meeting(app)
    with app.app_context():
        staff_client(client, db.session)
        body = client.get(f"/admin/meetings/{v.meeting_id}/minutes.xlsx")
        assert body.status_code == 200 and body.mimetype.endswith("spreadsheetml.sheet")
        data = body.data
        s = db.session
        meeting = s.get(Meeting, v.meeting_id)
        rnd = s.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
        cadre = s.get(Cadre, rnd.cadre_id)
        assert load_workbook(io.BytesIO(data)).sheetnames == ["轮次", "评分", "电话核实", "现场决定", "督办事项", "验证锚点"]

        rounds = sheet_rows(data, "轮次")
        assert rounds[0][:4] == ("轮次", "类型", "干部编号", "姓名") and len(rounds) == 2
        assert rounds[1] == (1, "cadre", cadre.number, FORMULA_NAME, cadre.unit or None, rnd.report_seconds, "done",
                             None, "否", rnd.result["count"], rnd.result["rule_applied"], rnd.result["final"],
                             rnd.result["band"]["label_zh"], rnd.stage)

        expected = []
        for juror in sorted(meeting.jurors, key=lambda j: j.seat):
            last = s.scalar(sa.select(Ballot).where(Ballot.juror_id == juror.id).order_by(Ballot.version.desc()))
            expected.append((1, juror.seat, last.version, *(str(last.scores[k]) for k in
                                                             ("visits", "demands", "satisfaction", "report")), last.total))
        got = sheet_rows(data, "评分")
        assert got[0] == ("轮次", "评委席位", "版本", "走访联系户", "诉求收集与办理", "群众满意度", "述职质量", "总分")
        assert got[1:] == expected and got[1][2] == 2 and got[1][3] == "26"

        call = s.scalar(sa.select(CallAttempt))
        assert sheet_rows(data, "电话核实")[1:] == [
            (1, call.household.code, mask_name(call.household.name), call.pick, "manual", "ended", "yes", "partly",
             "4", "=1+1")]
        assert call.household.name not in data.decode("latin-1")  # the masked name only

        decision = s.scalar(sa.select(Decision))
        got = sheet_rows(data, "现场决定")[1:]
        assert [r[:2] for r in got] == [(1, "rectification")] and got[0][3] == decision.actor
        assert "补齐常用药、-2 项台账" in got[0][2] and decision.detail["deadline"] in got[0][2]

        case = s.scalar(sa.select(Case))
        assert sheet_rows(data, "督办事项")[1:] == [
            (case.code, case.kind, case.status, FORMULA_NAME, case.promise,
             " ".join(x for x in (case.responsible_unit, case.responsible_person) if x),
             dt.datetime.combine(case.reply_due, dt.time()), dt.datetime.combine(case.deadline, dt.time()), "否", None)]

        anchors = dict(r for r in sheet_rows(data, "验证锚点")[1:])
        assert anchors["种子承诺"] == meeting.commitment and anchors["公开种子"] == meeting.seed_hex
        assert anchors["名册哈希"] == meeting.roster_hash and anchors["公告摘要"] == notice_sha256(meeting)
        assert anchors["事件链头"] == f"{meeting.seq}:{meeting.last_hash}"


def test_a_formula_like_name_comes_out_as_text_not_as_a_formula(app, client):
    v = closed_meeting(app)
    with app.app_context():
        staff_client(client, db.session)
        data = client.get(f"/admin/meetings/{v.meeting_id}/minutes.xlsx").data
    book = load_workbook(io.BytesIO(data))
    name = book["轮次"]["D2"]
    assert name.value == FORMULA_NAME and name.data_type == "s" and name.quotePrefix
    note = book["电话核实"]["J2"]
    assert note.value == "=1+1" and note.data_type == "s"
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_the_report_shows_rounds_scores_and_the_draw_anchors_on_its_first_page(app, client):
    v = closed_meeting(app)
    with app.app_context():
        staff_client(client, db.session)
        page = client.get(f"/admin/meetings/{v.meeting_id}/minutes").get_data(as_text=True)
        meeting = db.session.get(Meeting, v.meeting_id)
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
        first = page.split('<section class="page">')[0]
        for anchor in (meeting.commitment, meeting.seed_hex, meeting.roster_hash, notice_sha256(meeting),
                       f"{meeting.seq}:{meeting.last_hash}", "python -m scoring.verify"):
            assert anchor in first
        assert rnd.result["final"] in page and rnd.result["band"]["label_zh"] in page
        assert "限时整改" in page and 'lang="zh-CN"' in page and "minutes/report.css" in page
        assert "整改事项：补齐常用药、-2 项台账" in page and "责任人：孙兆龙" in page  # the decision in Chinese
        assert "已接通" in page and "部分解决" in page and "办理中" in page  # call outcome, answer, case status
        assert "&#34;http://x&#34;" in page or "&quot;http://x&quot;" in page  # the name escaped, as text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_minutes_pdf_prints_a_pdf_whose_text_has_the_rounds_scores_and_anchors(app, runner, tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    v = closed_meeting(app)
    out = tmp_path / "minutes.pdf"
    result = runner.invoke(args=["minutes-pdf", str(v.meeting_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(str(out))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    first = reader.pages[0].extract_text().replace("\n", "").replace(" ", "")
    with app.app_context():
        meeting = db.session.get(Meeting, v.meeting_id)
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
        for anchor in (meeting.commitment, meeting.seed_hex, meeting.roster_hash, notice_sha256(meeting)):
            assert anchor in first
        assert f"{meeting.seq}:{meeting.last_hash}" in first
        assert "轮次与得分" in text and rnd.result["final"] in text and rnd.result["band"]["label_zh"] in text
        assert str(rnd.cadre.number) in text


def test_minutes_are_refused_before_the_meeting_is_closed(app, client, runner, tmp_path: Path):
    v = closed_meeting(app, close=False)
    with app.app_context():
        staff_client(client, db.session)
    for path in ("minutes.xlsx", "minutes"):
        response = client.get(f"/admin/meetings/{v.meeting_id}/{path}")
        assert response.status_code == 409
        assert "once the meeting is closed" in response.get_data(as_text=True)
    assert "/minutes.xlsx" not in client.get(f"/admin/meetings/{v.meeting_id}/").get_data(as_text=True)
    result = runner.invoke(args=["minutes-pdf", str(v.meeting_id), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and not (tmp_path / "x.pdf").exists()


def test_minutes_are_for_staff_only_and_an_unknown_meeting_is_not_found(app, client):
    v = closed_meeting(app)
    for path in ("minutes.xlsx", "minutes"):
        response = client.get(f"/admin/meetings/{v.meeting_id}/{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        staff_client(client, db.session, role="moderator")
    assert client.get(f"/admin/meetings/{v.meeting_id}/minutes").status_code == 200
    overview = client.get(f"/admin/meetings/{v.meeting_id}/").get_data(as_text=True)
    assert f"/admin/meetings/{v.meeting_id}/minutes.xlsx" in overview
    assert client.get("/admin/meetings/999999/minutes.xlsx").status_code == 404
