"""Files as people save them: CSV in UTF-8, UTF-8 with BOM or GB18030, and .xlsx workbooks."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.models import Household
from meeting.services.roster.importing.types import ImportRefused
from meeting.services.roster.importing.service import import_roster
from meeting.services.roster.importing.readers import read_file
from tests.fixtures_import import (CADRES, HOUSEHOLDS, VILLAGES, csv_bytes, import_base, table_counts,
                                   xlsx_bytes)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_is_read_in_every_encoding_chinese_excel_writes(session, encoding):
    import_roster(session, "villages.csv", csv_bytes(VILLAGES, encoding))
    import_roster(session, "cadres.csv", csv_bytes(CADRES, encoding))
    import_roster(session, "households.csv", csv_bytes(HOUSEHOLDS, encoding))
    names = session.scalars(sa.select(Household.name).order_by(Household.code)).all()
    assert names == ["赵大", "钱二", "孙三", "周四"]


def test_a_gb18030_csv_is_not_mistaken_for_utf8():
    data = "户编号,户主姓名\nH1,龘\n".encode("gb18030")
    [sheet] = read_file("h.csv", data)
    assert sheet.header == ["户编号", "户主姓名"]
    assert list(sheet.rows()) == [(2, ["H1", "龘"])]


def test_a_bom_is_not_part_of_the_first_header():
    [sheet] = read_file("c.csv", csv_bytes(CADRES, "utf-8-sig"))
    assert sheet.header[0] == "干部编号"


def test_a_tab_separated_file_is_read_too():
    [sheet] = read_file("c.csv", "干部编号\t姓名\n1\t张三\n".encode())
    assert sheet.header == ["干部编号", "姓名"] and list(sheet.rows()) == [(2, ["1", "张三"])]


def test_blank_lines_are_skipped_but_rows_keep_their_spreadsheet_numbers():
    [sheet] = read_file("c.csv", "干部编号,姓名\n1,张三\n,\n\n4,李四\n".encode())
    assert list(sheet.rows()) == [(2, ["1", "张三"]), (5, ["4", "李四"])]


def test_quoted_cells_with_commas_and_newlines_stay_one_row():
    data = '户编号,诉求内容\nH1,"路灯不亮,\n晚上看不见"\nH2,修路\n'.encode()
    [sheet] = read_file("d.csv", data)
    assert list(sheet.rows()) == [(2, ["H1", "路灯不亮,\n晚上看不见"]), (3, ["H2", "修路"])]


def test_an_error_after_a_blank_row_names_the_row_excel_shows(session):
    import_base(session)
    rows = [CADRES[0], CADRES[1], [""] * 8, [5, "", "", "", "", "", "", ""]]
    with pytest.raises(ImportRefused) as caught:
        import_roster(session, "cadres.csv", csv_bytes(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "姓名")]


def test_workbook_sheets_are_found_by_chinese_or_english_name(session):
    workbook = xlsx_bytes({"村庄": VILLAGES, "Cadres": CADRES, " 联系户 ": HOUSEHOLDS})
    result = import_roster(session, "roster.xlsx", workbook)
    assert result.kinds == ["villages", "cadres", "households"]


def test_an_unnamed_sheet_is_recognised_by_its_header_and_instructions_are_ignored(session):
    workbook = xlsx_bytes({"说明": [["填写说明"], ["第1行是表头"]], "Sheet1": VILLAGES, "Sheet2": []})
    result = import_roster(session, "villages.xlsx", workbook)
    assert result.created["villages"] == 3


def test_an_unnamed_sheet_with_an_unknown_header_is_refused(session):
    workbook = xlsx_bytes({"村庄": VILLAGES, "Sheet9": [["甲", "乙"], ["1", "2"]]})
    with pytest.raises(ImportRefused) as caught:
        import_roster(session, "roster.xlsx", workbook)
    assert [(e.sheet, e.row, e.column) for e in caught.value.errors] == [("Sheet9", 1, "")]
    assert table_counts(session)["villages"] == 0


def test_a_title_row_above_the_header_is_skipped(session):
    workbook = xlsx_bytes({"村庄": [["沂水县村庄名册"], []] + VILLAGES})
    result = import_roster(session, "villages.xlsx", workbook)
    assert result.created["villages"] == 3


def test_a_csv_with_an_xlsx_name_is_refused_with_a_clear_message(session):
    with pytest.raises(ImportRefused) as caught:
        import_roster(session, "cadres.xlsx", csv_bytes(CADRES))
    assert [(e.sheet, e.row, e.column) for e in caught.value.errors] == [("", 1, "")]
    assert "cadres.xlsx" in caught.value.errors[0].reason


def test_excel_cells_become_the_strings_the_user_sees():
    import datetime as dt

    workbook = xlsx_bytes({"诉求": [["户编号", "诉求内容", "提出日期"],
                                    [12.0, 3.5, dt.datetime(2024, 5, 1)],
                                    [12345678901, True, dt.datetime(2024, 5, 1, 8, 30)]]})
    [sheet] = read_file("d.xlsx", workbook)
    assert list(sheet.rows()) == [(2, ["12", "3.5", "2024-05-01"]),
                                  (3, ["12345678901", "TRUE", "2024-05-01 08:30:00"])]


def test_a_shift_jis_csv_is_refused_instead_of_read_as_gb18030(session):
    import_base(session)
    before = table_counts(session)
    data = "code,name,village,phone,cadre\nH1,テスト,V001,,2\nH2,ヤマダ,V001,,2\n".encode("shift_jis")
    with pytest.raises(ImportRefused) as caught:
        import_roster(session, "households.csv", data)
    reason = caught.value.errors[0].reason
    assert "UTF-8" in reason and "GB18030" in reason
    assert table_counts(session) == before


def test_a_gb18030_roster_with_rare_name_characters_is_still_read():
    data = "户编号,户主姓名\nH1,张喆\nH2,刘堃\nH3,王建国\nH4,李秀英\n".encode("gb18030")
    [sheet] = read_file("h.csv", data)
    assert [cells[1] for _, cells in sheet.rows()] == ["张喆", "刘堃", "王建国", "李秀英"]


def test_an_unterminated_quote_is_refused_with_its_row_instead_of_swallowing_the_next_rows(session):
    import_base(session)
    before = table_counts(session)
    rows = csv_bytes(HOUSEHOLDS).decode().split("\r\n")
    rows[1] = rows[1].replace("赵大", '"赵大')  # the quote opened in row 2 is never closed
    with pytest.raises(ImportRefused) as caught:
        import_roster(session, "households.csv", "\r\n".join(rows).encode())
    [error] = caught.value.errors
    assert "row 2" in error.reason or "第 2 行" in error.reason
    assert table_counts(session) == before


def test_text_after_a_closing_quote_is_refused():
    with pytest.raises(Exception) as caught:
        list(read_file("h.csv", '户编号,户主姓名\nH1,"赵"大\n'.encode())[0].rows())
    assert "quotation mark" in str(caught.value) or "引号" in str(caught.value)
