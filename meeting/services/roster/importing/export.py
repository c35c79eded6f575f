"""Write a roster (e.g. roster_generator's) in the import format: for benchmarks and demos."""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Iterator

from meeting.services.roster.importing.formats import SPECS, TEMPLATE_KINDS, VOCABULARIES
from meeting.services.roster.importing.writer import csv_bytes, headers, xlsx_row


def roster_rows(roster: Any, lang: str = "zh") -> dict[str, Iterator[list]]:
    """Row iterators per kind, in template column order, from a roster_generator.Roster."""
    townships = {t.code: t for t in roster.townships}
    areas = {w.code: w for w in roster.work_areas}
    zh = lang.startswith("zh")

    def word(vocab: str, value: str | None) -> str:
        if not value:
            return ""
        return VOCABULARIES[vocab][value][0] if zh else value

    def villages() -> Iterator[list]:
        for v in roster.villages:
            t, w = townships[v.township_code], areas[v.work_area_code]
            yield [t.name, t.code, word("township_kind", t.kind), w.name, w.code, v.name, v.code]

    def cadres() -> Iterator[list]:
        for c in roster.cadres:
            town = townships[c.township_code].name if c.township_code else ""
            yield [c.number, c.name, c.position, c.unit, word("rank", c.rank), town,
                   c.village_code or "", c.phone]

    def households() -> Iterator[list]:
        for h in roster.households:
            yield [h.code, h.name, h.village_code, h.phone, h.cadre_number]

    def demands() -> Iterator[list]:
        for d in roster.demands:
            yield [d.household_code, d.text, d.category, word("status", d.status),
                   word("level", d.level), d.public_answer, d.raised_on, d.resolved_on,
                   ("是" if zh else "yes") if getattr(d, "private", False) else ("否" if zh else "no")]

    return {"villages": villages(), "cadres": cadres(), "households": households(), "demands": demands()}


def roster_to_csv(roster: Any, lang: str = "zh", encoding: str = "utf-8-sig") -> dict[str, bytes]:
    """One CSV file per kind (UTF-8 with BOM unless told otherwise, e.g. "gb18030")."""
    return {kind: csv_bytes(kind, rows, lang, encoding) for kind, rows in roster_rows(roster, lang).items()}


def roster_to_xlsx(roster: Any, lang: str = "zh", kinds: tuple[str, ...] = TEMPLATE_KINDS) -> bytes:
    """One workbook with a sheet per kind, written in openpyxl's streaming mode; formula-like
    text is written as text (writer.xlsx_row)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for kind, rows in roster_rows(roster, lang).items():
        if kind not in kinds:
            continue
        sheet = workbook.create_sheet(SPECS[kind].sheet_name(lang))
        sheet.append(xlsx_row(sheet, headers(kind, lang)))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>',
                     re.S)


def excel_like(data: bytes) -> bytes:
    """Rewrite an openpyxl workbook the way Excel and WPS save one: text in a shared-strings
    table, and each sheet's <dimension> up front.

    openpyxl writes strings inline and no dimension, so reading its own output back costs an
    extra pass over every sheet; benchmarks use this to measure the files users upload.
    """
    strings: dict[bytes, int] = {}

    def share(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = _add_dimension(_INLINE.sub(share, content))
            elif item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                    b"</Relationships>"))
            target.writestr(item.filename, content)
        table = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % s for s in strings)
        target.writestr("xl/sharedStrings.xml", (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
            b'uniqueCount="%d">%s</sst>' % (len(strings), len(strings), table)))
    return out.getvalue()


def _add_dimension(sheet: bytes) -> bytes:
    last = sheet.rfind(b'<row r="')
    if last < 0 or b"<dimension " in sheet:
        return sheet
    rows = int(sheet[last + 8:sheet.index(b'"', last + 8)])
    header = sheet[sheet.index(b"<row "):sheet.index(b"</row>")]
    columns = re.findall(rb'<c r="([A-Z]+)1"', header)
    ref = b"A1:%s%d" % (columns[-1] if columns else b"A", rows)
    return sheet.replace(b"<sheetViews>", b'<dimension ref="%s"/><sheetViews>' % ref, 1)
