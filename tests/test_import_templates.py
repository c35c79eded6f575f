"""Templates: download one, fill a row, import it."""
from __future__ import annotations

import csv
import io

import pytest

from meeting.errors import UserError
from meeting.services.roster.importing.formats import TEMPLATE_KINDS
from meeting.services.roster.importing.service import import_roster
from meeting.services.roster.importing.templates import template_file
from meeting.services.roster.importing.readers import read_file
from tests.fixtures_import import import_base, table_counts

FILLED = {
    "zh": {
        "villages": ["沂城街道", "", "乡镇", "第一工作片", "", "北村", "V010"],
        "cadres": [50, "刘六", "科员", "县财政局", "干部", "沂城街道", "V001", "10400000050"],
        "households": ["H050", "陈七", "V001", "0539-1000050", 1],
        "demands": ["H004", "屋顶漏雨", "住房", "已办结", "乡镇", "已维修", "2024-07-01", "2024-07-10"],
    },
    "en": {
        "villages": ["沂城街道", "", "township", "第一工作片", "", "北村", "V010"],
        "cadres": [50, "刘六", "clerk", "finance", "cadre", "沂城街道", "V001", "10400000050"],
        "households": ["H050", "陈七", "V001", "0539-1000050", 1],
        "demands": ["H004", "屋顶漏雨", "housing", "resolved", "township", "done", "2024-07-01", "2024-07-10"],
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_filled_csv_template_imports(session, kind, lang):
    import_base(session)
    before = table_counts(session)
    name, data, mimetype = template_file(kind, "csv", lang)
    assert name.endswith(".csv") and mimetype.startswith("text/csv")
    text = data.decode("utf-8-sig")
    filled = text + ",".join(str(v) for v in FILLED[lang][kind]) + "\r\n"
    result = import_roster(session, name, filled.encode("utf-8-sig"))
    assert result.created[kind] == 1
    assert table_counts(session)[kind] == before[kind] + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_workbook_template_imports_every_sheet(session, lang):
    from openpyxl import load_workbook

    name, data, mimetype = template_file(None, "xlsx", lang)
    assert name.endswith(".xlsx") and "spreadsheetml" in mimetype
    workbook = load_workbook(io.BytesIO(data))
    sheets = [ws for ws in workbook.worksheets if ws.max_row == 1]
    assert len(sheets) == 4
    rows = {"villages": [["沂城街道", "T01", None, "第一工作片", "W01", "东村", "V001"]],
            "cadres": [[1, "张三", None, None, None, None, "V001", "10400000001"]],
            "households": [["H001", "赵大", "V001", None, 1]],
            "demands": [["H001", "路灯不亮", None, None, None, None, None, None]]}
    for sheet, kind in zip(sheets, TEMPLATE_KINDS):
        for row in rows[kind]:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_roster(session, name, buffer.getvalue())
    assert result.created == {"townships": 1, "work_areas": 1, "villages": 1, "cadres": 1,
                              "households": 1, "demands": 1}


def test_an_untouched_workbook_template_has_nothing_to_import(session):
    from meeting.services.roster.importing.types import ImportRefused

    _name, data, _mime = template_file(None, "xlsx")
    with pytest.raises(ImportRefused):
        import_roster(session, "template.xlsx", data)


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_one_kind_workbook_template_has_that_sheet_and_the_instructions(kind):
    _name, data, _mime = template_file(kind, "xlsx", "zh")
    titles = [sheet.title for sheet in read_file("t.xlsx", data)]
    assert titles == ["说明", {"villages": "村庄", "cadres": "干部", "households": "联系户", "demands": "诉求"}[kind]]


def test_a_chinese_csv_template_has_a_bom_so_excel_shows_chinese():
    _name, data, _mime = template_file("cadres", "csv", "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:2] == ["干部编号", "姓名"]


@pytest.mark.parametrize("kind, fmt", [(None, "csv"), ("mayors", "xlsx"), ("cadres", "pdf")])
def test_impossible_template_requests_are_user_errors(kind, fmt):
    with pytest.raises(UserError):
        template_file(kind, fmt)
