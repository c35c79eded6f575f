"""Small synthetic bombs for the import caps: a few hundred KB that would inflate far larger."""
from __future__ import annotations

import io
import zipfile

from tests.fixtures_import import xlsx_bytes


def rewrite_member(workbook: bytes, member: str, content: bytes) -> bytes:
    """The same workbook with one archive member replaced (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


def shared_strings_bomb(size: int) -> bytes:
    """A workbook whose shared-strings table holds one string of `size` bytes."""
    base = xlsx_bytes({"干部": [["干部编号", "姓名"], [1, "张三"]]})
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="1" uniqueCount="1">'
               f'<si><t>').encode() + b"A" * size + b"</t></si></sst>"
    return rewrite_member(base, "xl/sharedStrings.xml", strings) if "xl/sharedStrings.xml" in \
        zipfile.ZipFile(io.BytesIO(base)).namelist() else _with_shared(base, strings)


def _with_shared(base: bytes, strings: bytes) -> bytes:
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(base))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def repeated_row_bomb(rows: int) -> bytes:
    """A workbook whose cadre sheet repeats one data row `rows` times (highly compressible)."""
    base = xlsx_bytes({"干部": [["干部编号", "姓名"], [1, "张三"]]})
    source = zipfile.ZipFile(io.BytesIO(base))
    sheet = next(n for n in source.namelist() if n.startswith("xl/worksheets/sheet"))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    body = ['<row r="1"><c r="A1" t="inlineStr"><is><t>干部编号</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>']
    body += [f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="B{n}" t="inlineStr"><is><t>张三</t></is></c></row>'
             for n in range(2, rows + 2)]
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
           + "".join(body) + "</sheetData></worksheet>").encode()
    return rewrite_member(base, sheet, xml)
