"""Builders of small roster files (CSV in any encoding, xlsx with any sheets) for import tests.

Phone numbers use the 104… prefix (carrier service range: never a real subscriber), like the
demo roster generator.
"""
from __future__ import annotations

import csv
import io
from typing import Sequence

import sqlalchemy as sa

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea

Rows = Sequence[Sequence[object]]

VILLAGES = [
    ["乡镇", "工作片", "村庄名称", "村庄编码"],
    ["沂城街道", "第一工作片", "东村", "V001"],
    ["沂城街道", "第一工作片", "西村", "V002"],
    ["许家湖镇", "湖东工作片", "南庄", "V003"],
]
CADRES = [
    ["干部编号", "姓名", "职务", "单位", "级别", "所属乡镇", "所属村庄编码", "联系电话"],
    [1, "张三", "县长", "县政府", "县级领导", "", "", "10400000001"],
    [2, "李四", "村支书", "东村", "干部", "沂城街道", "V001", "104 0000 0002"],
    [3, "王五", "包村干部", "许家湖镇", "cadre", "", "V003", "0539-1000003"],
]
HOUSEHOLDS = [
    ["户编号", "户主姓名", "村庄编码", "联系电话", "联系干部编号"],
    ["H001", "赵大", "V001", "10400001001", 2],
    ["H002", "钱二", "V001", "10400001002", 2],
    ["H003", "孙三", "V003", "", 3],
    ["H004", "周四", "V002", "10400001004", 1],
]
DEMANDS = [
    ["户编号", "诉求内容", "类别", "状态", "办结层级", "公开答复", "提出日期", "办结日期"],
    ["H001", "路灯不亮", "基础设施", "已办结", "村", "已更换路灯", "2024-03-01", "2024/3/5"],
    ["H001", "低保申请", "民政", "未办结", "", "", "2024年4月2日", ""],
    ["H003", "道路坑洼", "交通", "resolved", "township", "已修补", "20240410", "2024-05-01"],
]
KIND_ROWS = {"villages": VILLAGES, "cadres": CADRES, "households": HOUSEHOLDS, "demands": DEMANDS}
SHEET_NAMES = {"villages": "村庄", "cadres": "干部", "households": "联系户", "demands": "诉求"}


def csv_bytes(rows: Rows, encoding: str = "utf-8") -> bytes:
    """A CSV file of `rows` in `encoding` ("utf-8-sig" writes a BOM)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, Rows]) -> bytes:
    """A workbook with one sheet per entry (values kept as given: ints, floats, dates…)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def full_workbook(**overrides: Rows) -> bytes:
    """The four-sheet roster above, with some kinds' rows replaced (by kind name)."""
    return xlsx_bytes({SHEET_NAMES[k]: overrides.get(k, rows) for k, rows in KIND_ROWS.items()})


def with_row(rows: Rows, *extra: Sequence[object]) -> list[list[object]]:
    """`rows` plus extra data rows at the end."""
    return [list(r) for r in rows] + [list(r) for r in extra]


def replace_cell(rows: Rows, row: int, column: str, value: object) -> list[list[object]]:
    """A copy of `rows` with one cell changed; `row` is the 1-based spreadsheet row."""
    copy = [list(r) for r in rows]
    copy[row - 1][copy[0].index(column)] = value
    return copy


def table_counts(session) -> dict[str, int]:
    """Rows in every roster table."""
    models = {"townships": Township, "work_areas": WorkArea, "villages": Village,
              "cadres": Cadre, "households": Household, "demands": Demand}
    return {name: session.scalar(sa.select(sa.func.count()).select_from(model))
            for name, model in models.items()}


def import_base(session) -> None:
    """Import the whole small roster (as an xlsx workbook)."""
    from meeting.services.roster.importing.service import import_roster

    import_roster(session, "roster.xlsx", full_workbook())

