"""Caps on what one import may hold, checked while streaming and before anything large is built.

A roster file is refused (a FileProblem, so nothing is written) as soon as it passes a cap:
  max_rows        spreadsheet row number past which a sheet or CSV is refused (Yishui: 305,400
                  households; Excel's own limit is 1,048,576)
  max_cell_bytes  the UTF-8 size of one cell
  max_part_bytes  the uncompressed size of one member of an .xlsx archive (sheet, shared
                  strings): read from the zip directory before anything is decompressed, so a
                  small zip bomb is refused without being inflated
The values come from the app's configuration (IMPORT_MAX_ROWS, IMPORT_MAX_CELL_BYTES,
IMPORT_MAX_XLSX_PART_MB; docs/LIMITS.md).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any, Mapping

from flask_babel import gettext as _

from meeting.services.roster.importing.types import FileProblem

DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_MAX_CELL_BYTES = 32 * 1024
DEFAULT_MAX_PART_MB = 256
# Entities (&amp;) make a text node longer in XML than in the cell: allow for it when scanning.
XML_ESCAPE_FACTOR = 6
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """The caps of one import."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES
    max_part_bytes: int = DEFAULT_MAX_PART_MB * 1024 * 1024

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Limits":
        """The caps an app is configured with (defaults for any missing key)."""
        return cls(max_rows=int(config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
                   max_cell_bytes=int(config.get("IMPORT_MAX_CELL_BYTES", DEFAULT_MAX_CELL_BYTES)),
                   max_part_bytes=int(config.get("IMPORT_MAX_XLSX_PART_MB", DEFAULT_MAX_PART_MB))
                   * 1024 * 1024)

    def check_row(self, filename: str, sheet: str, number: int) -> None:
        """Refuse a table as soon as its row number passes the cap (blank rows count too)."""
        if number > self.max_rows:
            raise FileProblem(_("%(name)s has more than %(max)s rows; split it or remove the "
                                "empty rows at its end.", name=filename, max=f"{self.max_rows:,}"),
                              sheet=sheet, row=number)

    def check_cells(self, filename: str, sheet: str, number: int, cells: list[str]) -> None:
        """Refuse a row holding a cell larger than the cap."""
        limit = self.max_cell_bytes
        for cell in cells:
            if len(cell) * 4 > limit and len(cell.encode("utf-8")) > limit:
                raise FileProblem(_("%(name)s, row %(row)s: a cell holds more than %(max)s bytes.",
                                    name=filename, row=number, max=f"{limit:,}"),
                                  sheet=sheet, row=number)


_SI_OPEN = re.compile(rb"<(?:\w+:)?si[\s>]")
_SI_CLOSE = re.compile(rb"</(?:\w+:)?si>")


def check_workbook(filename: str, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive whose parts are too large, or whose XML holds an oversized text or
    shared string, before openpyxl (which loads the whole shared-strings table) reads it."""
    for info in archive.infolist():
        if info.file_size > limits.max_part_bytes:
            raise FileProblem(_("%(name)s is too large once unpacked (%(part)s: over %(max)s MB).",
                                name=filename, part=info.filename,
                                max=limits.max_part_bytes // (1024 * 1024)))
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith(".xml") and (name.startswith("xl/worksheets/") or "sharedstrings" in name):
            with archive.open(info) as stream:
                if not _texts_fit(stream, limits.max_cell_bytes * XML_ESCAPE_FACTOR,
                                  shared="sharedstrings" in name):
                    raise FileProblem(_("%(name)s: a cell holds more than %(max)s bytes.",
                                        name=filename, max=f"{limits.max_cell_bytes:,}"))


def _texts_fit(stream: IO[bytes], limit: int, shared: bool) -> bool:
    """Stream one XML part: no run of bytes without a '<' (a text node) is longer than `limit`,
    and (shared strings) no <si> item, rich-text runs included, is either."""
    offset, since_tag, si_start = 0, 0, None
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return True
        last = chunk.rfind(b"<")
        if last < 0:
            since_tag += len(chunk)
        else:
            first = chunk.find(b"<")
            if since_tag + first > limit:
                return False
            pieces = chunk.split(b"<")
            if any(len(p) > limit for p in pieces[1:-1]):
                return False
            since_tag = len(chunk) - last - 1
        if since_tag > limit:
            return False
        if shared:
            window = tail + chunk
            base = offset - len(tail)
            pos = 0
            while True:
                if si_start is None:
                    match = _SI_OPEN.search(window, pos)
                    if not match:
                        break
                    si_start, pos = base + match.start(), match.end()
                else:
                    match = _SI_CLOSE.search(window, pos)
                    if not match:
                        break
                    si_start, pos = None, match.end()
            if si_start is not None and base + len(window) - si_start > limit:
                return False
            tail = window[-8:]
        offset += len(chunk)
