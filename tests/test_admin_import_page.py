"""The roster import page: per-file reports, the error table, counts, template downloads."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
import sqlalchemy as sa

from meeting.models import Cadre, Household, Village
from tests.helpers_roster import login, make_user

VILLAGES_CSV = "乡镇,工作片,村庄名称,村庄编码\n城关街道,城关一片,东风村,V001\n城关街道,城关一片,西关村,V002\n"
CADRES_CSV = ("干部编号,姓名,职务,所属乡镇,所属村庄编码,联系电话\n"
              "1001,张建国,包村干部,城关街道,V001,13800001001\n"
              "1002,李秀兰,包村干部,城关街道,V002,13800001002\n")
BAD_CADRES_CSV = ("干部编号,姓名,职务,所属乡镇,所属村庄编码,联系电话\n"
                  "1001,张建国,包村干部,城关街道,V001,13800001001\n"
                  "abc,李秀兰,包村干部,城关街道,V002,13800001002\n")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin(client, session):
    """A logged-in administrator, pages in English."""
    make_user(session, "organiser", role="admin")
    login(client, "organiser")
    client.get("/login?lang=en")
    return client


def upload(client, *files: tuple[str, str | bytes]):
    """POST files (name, text or bytes) to the import page."""
    data = {"files": [(io.BytesIO(c.encode("utf-8") if isinstance(c, str) else c), name)
                      for name, c in files]}
    return client.post("/admin/import/", data=data, content_type="multipart/form-data")


def count(session, model) -> int:
    """Rows in a table, read fresh."""
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def report_for(html: str, filename: str) -> str:
    """The HTML of one file's report section."""
    pattern = r'<section class="card report[^"]*">\s*<h2>' + re.escape(filename) + r"</h2>(.*?)</section>"
    match = re.search(pattern, html, re.S)
    assert match, f"no report for {filename}"
    return match.group(1)


def test_the_page_offers_each_template_in_chinese_and_english(admin):
    html = admin.get("/admin/import/").get_data(as_text=True)
    assert 'type="file" name="files" multiple' in html
    for href in ("/admin/import/template/zh/all.xlsx", "/admin/import/template/en/all.xlsx",
                 "/admin/import/template/zh/cadres.csv", "/admin/import/template/en/demands.csv"):
        assert f'href="{href}"' in html


def test_a_good_file_is_imported_and_its_counts_are_shown(admin, session):
    response = upload(admin, ("villages.csv", VILLAGES_CSV))
    assert response.status_code == 200
    part = report_for(response.get_data(as_text=True), "villages.csv")
    assert "Imported. The changes below were saved." in part
    assert re.search(r"<td>Villages</td>\s*<td class=\"num\">2</td>\s*<td class=\"num\">0</td>", part)
    assert re.search(r"<td>Townships</td>\s*<td class=\"num\">1</td>", part)
    assert count(session, Village) == 2


def test_importing_the_same_file_again_shows_updates_not_creations(admin, session):
    upload(admin, ("villages.csv", VILLAGES_CSV))
    part = report_for(upload(admin, ("villages.csv", VILLAGES_CSV)).get_data(as_text=True), "villages.csv")
    assert re.search(r"<td>Villages</td>\s*<td class=\"num\">0</td>\s*<td class=\"num\">2</td>", part)
    assert count(session, Village) == 2


def test_a_file_with_a_bad_row_shows_the_error_table_and_writes_nothing(admin, session):
    upload(admin, ("villages.csv", VILLAGES_CSV))
    response = upload(admin, ("cadres.csv", BAD_CADRES_CSV))
    assert response.status_code == 422
    part = report_for(response.get_data(as_text=True), "cadres.csv")
    assert "Refused: nothing from this file was written." in part
    rows = re.findall(r"<tr><td>cadres.csv</td><td>([^<]*)</td><td class=\"num\">(\d+)</td>\s*"
                      r"<td>([^<]*)</td><td>([^<]+)</td></tr>", part)
    assert rows and rows[0][:3] == ("Cadres", "3", "干部编号")
    assert count(session, Cadre) == 0  # the good first row was not written either


def test_several_files_are_each_reported_and_a_refused_one_does_not_undo_the_others(admin, session):
    response = upload(admin, ("villages.csv", VILLAGES_CSV), ("bad.csv", BAD_CADRES_CSV))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Imported." in report_for(html, "villages.csv")
    assert "Refused" in report_for(html, "bad.csv")
    assert count(session, Village) == 2 and count(session, Cadre) == 0


def test_files_sent_in_name_order_are_retried_after_the_file_they_depend_on(admin, session):
    households = "户编号,户主姓名,村庄编码,联系电话,联系干部编号\nH0001,刘大海,V001,13912340001,1001\n"
    response = upload(admin, ("cadres.csv", CADRES_CSV), ("households.csv", households),
                      ("villages.csv", VILLAGES_CSV))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("cadres.csv", "households.csv", "villages.csv"):
        assert "Imported." in report_for(html, name)
    assert "imported after the other files" in report_for(html, "cadres.csv")
    assert count(session, Cadre) == 2 and count(session, Household) == 1


def test_a_file_that_is_not_a_roster_is_refused_with_a_message(admin, session):
    response = upload(admin, ("notes.txt", b"\x00\x01\x02 not a table"))
    assert response.status_code == 422
    assert "Refused: nothing from this file was written." in report_for(response.get_data(as_text=True),
                                                                        "notes.txt")


def test_posting_without_a_file_asks_for_one(admin):
    response = admin.post("/admin/import/", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose at least one file to import." in response.get_data(as_text=True)


def test_the_chinese_workbook_template_is_an_xlsx_with_chinese_headers(admin):
    response = admin.get("/admin/import/template/zh/all.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIME
    assert "attachment" in response.headers["Content-Disposition"]
    assert "民考" in unquote(response.headers["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    headers = [c.value for c in next(book["干部"].iter_rows(max_row=1))]
    assert "干部编号" in headers and "姓名" in headers


def test_the_csv_templates_have_chinese_or_english_headers(admin):
    zh = admin.get("/admin/import/template/zh/cadres.csv")
    assert zh.status_code == 200 and zh.mimetype == "text/csv"
    assert "干部编号" in zh.data.decode("utf-8-sig").splitlines()[0]
    en = admin.get("/admin/import/template/en/households.csv")
    assert en.status_code == 200 and en.mimetype == "text/csv"
    assert "cadre_number" in en.data.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("path", ["/admin/import/template/fr/all.xlsx",
                                  "/admin/import/template/zh/all.csv",
                                  "/admin/import/template/zh/people.csv",
                                  "/admin/import/template/zh/cadres.pdf"])
def test_an_unknown_template_is_404(admin, path):
    assert admin.get(path).status_code == 404


def test_the_page_is_in_chinese_by_default(client, session):
    make_user(session, "organiser", role="admin")
    login(client, "organiser")
    html = client.get("/admin/import/").get_data(as_text=True)
    assert "导入名册" in html and "下载" in html
