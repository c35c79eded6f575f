"""Writing files in the import format (templates and exports share it)."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from meeting.services.roster.importing.formats import SPECS, VOCABULARIES, Column, vocab_spellings
from scoring.cells import cell, quoted

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"

# Column notes for templates (the file's language is a parameter, not the UI locale).
_TYPE_NOTES = {
    "int": ("正整数", "a positive whole number"),
    "phone": ("手机号11位，或带区号的固定电话，如 0539-2212345",
              "11-digit mobile, or a landline with its area code, e.g. 0539-2212345"),
    "date": ("日期，如 2024-03-05", "a date, e.g. 2024-03-05"),
    "bool": ("是 或 否（不填为否：公开）", "yes or no (empty: no, the demand is public)"),
}
_COLUMN_NOTES = {
    ("villages", "township_code"): ("可不填：不填时按乡镇名称自动生成", "optional: generated from the name"),
    ("villages", "work_area_code"): ("可不填：不填时按工作片名称自动生成", "optional: generated from the name"),
    ("villages", "code"): ("村庄的唯一编码，再次导入时按此更新", "unique; re-imports update by it"),
    ("cadres", "number"): ("干部的唯一编号（抽号用），再次导入时按此更新",
                           "unique (drawn at the meeting); re-imports update by it"),
    ("cadres", "township"): ("乡镇名称或编码；可不填（按所属村庄确定）",
                             "township name or code; optional (taken from the village)"),
    ("cadres", "village_code"): ("须为村庄表或系统中已有的村庄编码", "a village code from the villages list"),
    ("households", "code"): ("联系户的唯一编号，再次导入时按此更新", "unique; re-imports update by it"),
    ("households", "village_code"): ("须为村庄表或系统中已有的村庄编码", "a village code from the villages list"),
    ("households", "cadre_number"): ("须为干部表或系统中已有的干部编号", "a cadre number from the cadres list"),
    ("demands", "household_code"): ("须为联系户表或系统中已有的户编号；再次导入时该户的诉求整体替换",
                                    "a household code; re-imports replace that household's demands"),
}


def headers(kind: str, lang: str) -> list[str]:
    """The header row of a kind in a language."""
    return [c.header(lang) for c in SPECS[kind].columns]


def column_note(kind: str, column: Column, lang: str) -> str:
    """One line telling a user what to put in a column."""
    zh = lang.startswith("zh")
    parts = [("必填" if zh else "required") if column.required else ("选填" if zh else "optional")]
    if column.type in _TYPE_NOTES:
        parts.append(_TYPE_NOTES[column.type][0 if zh else 1])
    elif column.type in VOCABULARIES:
        choices = "、".join(vocab_spellings(column.type, lang))
        parts.append(("可填：" if zh else "one of: ") + choices)
    elif column.max_len:
        parts.append(f"最多{column.max_len}字" if zh else f"at most {column.max_len} characters")
    note = _COLUMN_NOTES.get((kind, column.key))
    if note:
        parts.append(note[0 if zh else 1])
    return ("；" if zh else "; ").join(parts)


def csv_bytes(kind: str, rows: Iterable[Sequence[object]], lang: str, encoding: str = "utf-8-sig") -> bytes:
    """A CSV file of one kind. UTF-8 with BOM by default: Excel then opens Chinese correctly.
    Formula-like text gets a leading apostrophe (scoring.cells: `=HYPERLINK(…)` never runs)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(h) for h in headers(kind, lang)])
    for row in rows:
        writer.writerow(["" if v is None else cell(v) for v in row])
    return buffer.getvalue().encode(encoding)


def xlsx_row(sheet: Any, row: Sequence[object]) -> list[object]:
    """A row for a write-only openpyxl sheet: formula-like text as an explicit, quote-prefixed
    string cell holding the value as typed (scoring.cells.quoted); other values as they are."""
    from openpyxl.cell import WriteOnlyCell

    out: list[object] = []
    for value in row:
        if quoted(value):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # openpyxl would take "=…" for a formula
            text.quotePrefix = True
            out.append(text)
        else:
            out.append(value)
    return out
