"""Readers: bytes of an .xlsx or .csv file → sheets of string cells with their row numbers.

Readers only decode; they know nothing of kinds beyond a sheet's title. Cells come out as
stripped strings: Excel's integral floats (12.0) become "12", dates become ISO dates.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterator

from flask_babel import gettext as _

from meeting.services.roster.importing.limits import Limits, check_workbook
from meeting.services.roster.importing.types import FileProblem
from scoring.cells import typed

Rows = Iterator[tuple[int, list[str]]]
# Leading rows with at most one filled cell (a title such as "沂水县干部名册") are skipped
# before the header; no kind's header has fewer than two columns.
MAX_TITLE_ROWS = 10


@dataclass
class RawSheet:
    """One table: `title` is the sheet name (xlsx) or file name (csv)."""

    title: str
    source: str  # the file it came from, for messages
    is_csv: bool
    header_row: int  # 1-based row number of the header (0 when the table is empty)
    header: list[str]
    rows: Callable[[], Rows]  # data rows after the header, blank rows skipped
    estimate: int = 0  # about how many rows it has (for a progress bar; 0 when unknown)


def read_file(filename: str, data: bytes, limits: Limits | None = None) -> list[RawSheet]:
    """Decode a file by its content (xlsx is a zip archive; anything else is tried as CSV).

    Rows past `limits.max_rows`, cells over `limits.max_cell_bytes` and xlsx parts over
    `limits.max_part_bytes` are refused while streaming, before they are built."""
    limits = limits or Limits()
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(_("The file %(name)s is empty.", name=filename))
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(filename, data, limits)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem(_("%(name)s is an old Excel .xls file; please save it as .xlsx "
                            "(Excel workbook) or .csv and import that.", name=filename))
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("%(name)s is not a valid .xlsx workbook.", name=filename))
    return [read_csv(filename, data, limits)]


# GB18030 maps almost any byte pair to some character, so a Shift-JIS or Big5 file never fails
# to decode: it turns into rare characters (テスト → 僥僗僩). Real rosters are overwhelmingly
# GB2312 characters (a name with 喆 or 堃 leaves the share far above the bar), so text with
# fewer than this share of GB2312 among its non-ASCII characters is refused — when there are
# enough of them to judge, or when the same bytes read cleanly as Japanese (kana).
MIN_GB2312_SHARE = 0.5
MIN_CHARACTERS_TO_JUDGE = 8


def decode_csv(filename: str, data: bytes) -> str:
    """UTF-8 with BOM, else strict UTF-8, else GB18030 (what Chinese Excel writes) if it reads as
    Chinese; anything else is refused, naming the encodings tried."""
    if b"\x00" in data:
        raise FileProblem(_("%(name)s is neither an .xlsx workbook nor a CSV text file.", name=filename))
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileProblem(_("%(name)s starts with a UTF-8 mark but is not valid UTF-8 "
                                "(tried: UTF-8).", name=filename)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text, data):
        return text
    raise FileProblem(_("%(name)s could not be read as text (tried: UTF-8, GB18030): save it as CSV "
                        "in UTF-8 or GB18030 (GBK), or as .xlsx.", name=filename))


def _reads_as_chinese(text: str, data: bytes) -> bool:
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return True
    common = 0
    for char in wide:
        try:
            char.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    if common / len(wide) >= MIN_GB2312_SHARE:
        return True
    return len(wide) < MIN_CHARACTERS_TO_JUDGE and not _reads_as_japanese(data)


def _reads_as_japanese(data: bytes) -> bool:
    try:
        text = data.decode("shift_jis")
    except UnicodeDecodeError:
        return False
    return any("\u3040" <= c <= "\u30ff" for c in text)


def read_csv(filename: str, data: bytes, limits: Limits | None = None) -> RawSheet:
    """One CSV file = one table. Comma-separated, or tab-separated when the header says so."""
    limits = limits or Limits()
    text = decode_csv(filename, data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","

    def records() -> Rows:
        # Row numbers count records, which is what Excel shows when it opens the CSV. Strict
        # quoting: an unterminated quote would otherwise swallow the following rows into one cell.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise FileProblem(_("%(name)s is not a well-formed CSV file (%(detail)s).",
                                        name=filename, detail=str(exc))) from exc
                raise FileProblem(_("%(name)s, row %(row)s: a quotation mark is not closed or is "
                                    "followed by other text (%(detail)s); nothing was imported.",
                                    name=filename, row=number + 1, detail=str(exc))) from exc
            number += 1
            limits.check_row(filename, "", number)
            cells = [typed(cell.strip()) for cell in record]  # "'=x" written by our exports is "=x"
            limits.check_cells(filename, "", number, cells)
            yield number, cells

    return _table(filename, filename, True, records, estimate=data.count(b"\n"))


def read_xlsx(filename: str, data: bytes, limits: Limits | None = None) -> list[RawSheet]:
    """Every visible-or-not worksheet of a workbook, read in openpyxl's streaming mode.

    The archive is checked first (check_workbook: part sizes from the zip directory, then a
    streamed scan for oversized texts), because openpyxl loads the whole shared-strings table."""
    from openpyxl import load_workbook

    limits = limits or Limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(filename, archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise FileProblem(_("%(name)s is not a valid .xlsx workbook.", name=filename)) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none may become a 500
        raise FileProblem(_("%(name)s is not a valid .xlsx workbook.", name=filename)) from exc
    sheets = []
    for worksheet in workbook.worksheets:
        if not hasattr(worksheet, "reset_dimensions"):
            continue  # chartsheets carry no cells
        try:
            estimate = max(0, int(worksheet.max_row or 0))  # the stored dimension, maybe wrong
        except Exception:  # noqa: BLE001 - a damaged dimension only loses the estimate
            estimate = 0
        # Stored dimensions can be wrong, and a too-small one would silently drop rows.
        worksheet.reset_dimensions()

        def records(ws=worksheet) -> Rows:
            try:
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    limits.check_row(filename, ws.title, number)
                    cells = [_cell_text(v) for v in values]
                    limits.check_cells(filename, ws.title, number, cells)
                    yield number, cells
            except FileProblem:
                raise
            except Exception as exc:
                raise FileProblem(_("The sheet %(sheet)s of %(name)s could not be read.",
                                    sheet=ws.title, name=filename)) from exc

        sheets.append(_table(worksheet.title, filename, False, records, estimate=estimate))
    return sheets


def _table(title: str, source: str, is_csv: bool, records: Callable[[], Rows],
           estimate: int = 0) -> RawSheet:
    """Find the header (skipping blank and title rows), then expose the data rows."""
    header_row, header = 0, []
    for number, cells in records():
        filled = sum(1 for c in cells if c)
        if filled and not header_row:
            header_row, header = number, cells  # fallback: the first non-blank row
        if filled >= 2:
            header_row, header = number, cells
            break
        if number >= MAX_TITLE_ROWS and header_row:
            break

    def rows() -> Rows:
        if not header_row:
            return
        for number, cells in records():
            if number > header_row and any(cells):
                yield number, cells

    return RawSheet(title, source, is_csv, header_row, header, rows,
                    max(0, estimate - header_row))


def _cell_text(value: object) -> str:
    """A cell as the user sees it, without surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()
