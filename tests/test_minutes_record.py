"""The cadre record and the unit summary: every meeting a cadre was drawn in with its score,
band and cases; per unit the completion rate, overdue count and average score, also as xlsx."""
from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from meeting.extensions import db
from meeting.models import Cadre, Round
from meeting.models.cases import Case
from meeting.services.followup.minutes_record import cadre_record, unit_summary
from tests.admin_meetings_support import staff_client
from tests.test_minutes import FORMULA_NAME, closed_meeting


def drawn(app, v) -> tuple[Cadre, Round, Case]:
    rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == v.meeting_id))
    return rnd.cadre, rnd, db.session.scalar(sa.select(Case))


def test_the_cadre_record_lists_the_meeting_score_band_decision_and_case(app, client):
    v = closed_meeting(app)
    with app.app_context():
        cadre, rnd, case = drawn(app, v)
        record = cadre_record(db.session, cadre.number)
        assert record["rounds"] == [{"meeting_id": v.meeting_id, "title": rnd.meeting.title, "date": rnd.meeting.date,
                                     "status": "closed", "round": 1, "final": rnd.result["final"],
                                     "band": rnd.result["band"]["label_zh"], "decisions": ["rectification"]}]
        assert [(c["code"], c["status"]) for c in record["cases"]] == [(case.code, case.status)]
        staff_client(client, db.session)
        page = client.get(f"/admin/cadres/{cadre.number}/record").get_data(as_text=True)
        assert rnd.result["final"] in page and case.code in page and f"/admin/meetings/{v.meeting_id}/minutes" in page
        assert f"/admin/cadres/{cadre.number}/record" in client.get(f"/admin/cadres/{cadre.number}").get_data(as_text=True)
        assert client.get("/admin/cadres/99999999/record").status_code == 404


def test_a_cadre_never_drawn_has_an_empty_record(app):
    closed_meeting(app)
    with app.app_context():
        other = db.session.scalar(sa.select(Cadre).where(Cadre.name != FORMULA_NAME).order_by(Cadre.number))
        assert cadre_record(db.session, other.number)["rounds"] == []


def test_the_unit_summary_counts_cases_completion_overdue_and_the_average_score(app, client):
    v = closed_meeting(app)
    with app.app_context():
        cadre, rnd, case = drawn(app, v)
        case.overdue_since = dt.date(2026, 5, 1)
        db.session.commit()
        row = next(u for u in unit_summary(db.session) if u["unit"] == cadre.unit)
        assert row == {"unit": cadre.unit, "cadres": 1, "cases": 1, "closed": 0, "completion": "0.0%", "overdue": 1,
                       "average": rnd.result["final"]}
        staff_client(client, db.session)
        response = client.get("/admin/units.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data))["单位汇总"]
        rows = [tuple(c.value for c in r) for r in sheet.iter_rows()]
        assert rows[0] == ("单位", "被抽中干部数", "督办事项", "已办结", "办结率", "逾期", "平均得分")
        assert (cadre.unit, 1, 1, 0, "0.0%", 1, rnd.result["final"]) in rows
        assert cadre.unit in client.get("/admin/units").get_data(as_text=True)


def test_a_formula_like_unit_comes_out_as_text(app, client):
    v = closed_meeting(app)
    with app.app_context():
        cadre, _rnd, _case = drawn(app, v)
        cadre.unit = "@SUM(A1:A9)"
        db.session.commit()
        staff_client(client, db.session)
        sheet = load_workbook(io.BytesIO(client.get("/admin/units.xlsx").data))["单位汇总"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "@SUM(A1:A9)")
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_record_pages_are_for_staff_only(app, client):
    for path in ("/admin/cadres/101/record", "/admin/units", "/admin/units.xlsx"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
