"""Downloadable templates: an .xlsx workbook (one sheet per kind + instructions) or one CSV."""
from __future__ import annotations

import io


from meeting.errors import UserError
from meeting.services.roster.importing.formats import SPECS, TEMPLATE_KINDS, VOCABULARIES, vocab_spellings
from meeting.services.roster.importing.writer import CSV_MIME, XLSX_MIME, column_note, csv_bytes, headers

_NAMES_ZH = {None: "名册", "villages": "村庄", "cadres": "干部", "households": "联系户", "demands": "诉求"}
_INTRO = {
    "zh": ["民考名册导入模板", "",
           "每个工作表一类名单：村庄、干部、联系户、诉求。可只填其中几张，不用的表留空即可。",
           "第1行是表头，请勿修改；从第2行开始每行填一条。",
           "导入时先检查全部内容：只要有一处错误，整个文件都不会导入，并列出每一处错误（第几行、哪一列、原因）。",
           "再次导入同一名单会按编号更新（干部按干部编号，联系户按户编号，村庄按村庄编码），不会重复。",
           "诉求没有编号：再次导入时，文件中出现的每一户的诉求整体替换为文件中的诉求。",
           "编号、电话列已设为文本格式，以免 Excel 去掉开头的0。", "", "各列说明："],
    "en": ["Minkao roster import template", "",
           "One sheet per list: villages, cadres, households, demands. Fill any of them; leave the rest empty.",
           "Row 1 is the header: do not change it. Fill one record per row from row 2.",
           "The whole file is checked first: if anything is wrong nothing is imported, and every "
           "problem is listed (row, column, reason).",
           "Importing a list again updates by its key (cadre number, household code, village code) "
           "without duplicating.",
           "Demands have no key: on re-import, each household's demands in the file replace that "
           "household's stored demands.",
           "Code and phone columns are formatted as text so Excel keeps leading zeros.", "",
           "Columns:"],
}
_TEXT_TYPES = ("text", "phone")


def template_file(kind: str | None, fmt: str, lang: str = "zh") -> tuple[str, bytes, str]:
    """(download filename, bytes, mimetype). kind=None with fmt="xlsx" gives all four sheets."""
    _check(kind, fmt)
    lang = "zh" if lang.lower().startswith("zh") else "en"
    if fmt == "csv":
        return _filename(kind, fmt, lang), csv_bytes(kind, [], lang), CSV_MIME
    kinds = list(TEMPLATE_KINDS) if kind is None else [kind]
    return _filename(kind, fmt, lang), _workbook(kinds, lang), XLSX_MIME


def _check(kind: str | None, fmt: str) -> None:
    if kind is not None and kind not in TEMPLATE_KINDS:
        raise UserError("import_unknown_list", kind=kind, kinds=", ".join(TEMPLATE_KINDS))
    if fmt not in ("csv", "xlsx"):
        raise UserError("import_unknown_format", fmt=fmt)
    if fmt == "csv" and kind is None:
        raise UserError("import_csv_one_list")


def _filename(kind: str | None, fmt: str, lang: str) -> str:
    if lang == "zh":
        return f"民考{_NAMES_ZH[kind]}导入模板.{fmt}"
    return f"minkao-{kind or 'roster'}-template.{fmt}"


def _workbook(kinds: list[str], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    intro = workbook.active
    intro.title = "说明" if lang == "zh" else "instructions"
    for line in _INTRO[lang]:
        intro.append([line])
    intro.column_dimensions["A"].width = 24
    intro.column_dimensions["B"].width = 90
    bold = Font(bold=True)
    for kind in kinds:
        spec = SPECS[kind]
        intro.append([])
        intro.append([spec.sheet_name(lang)])
        intro.cell(intro.max_row, 1).font = bold
        for column in spec.columns:
            intro.append([column.header(lang), column_note(kind, column, lang)])

        sheet = workbook.create_sheet(spec.sheet_name(lang))
        sheet.append(headers(kind, lang))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(1, index)
            cell.font = bold
            if column.required:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
            cell.comment = Comment(column_note(kind, column, lang), "Minkao")
            dimension = sheet.column_dimensions[letter]
            dimension.width = 40 if column.key in ("text", "public_answer") else 16
            if column.type in _TEXT_TYPES and column.key not in ("text", "public_answer"):
                dimension.number_format = "@"  # keeps 0539… and long codes as typed
            if column.type in VOCABULARIES:
                choices = ",".join(vocab_spellings(column.type, lang))
                validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
                validation.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
