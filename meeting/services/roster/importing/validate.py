"""Validation machinery shared by every kind: binding a header row, parsing cells, the plan.

Nothing here stops at the first problem: every error goes into an `Errors` list, and the
caller refuses the import if the list is not empty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from flask_babel import gettext as _

from meeting.services.roster.importing.formats import SPECS, VOCAB_DEFAULTS, VOCABULARIES, match_column
from meeting.services.roster.importing.messages import kind_label
from meeting.services.roster.importing.readers import RawSheet
from meeting.services.roster.importing.types import RowError
from meeting.services.roster.importing.values import (check_text, parse_bool, parse_date, parse_int,
                                                      parse_phone, parse_vocab)

_CJK = re.compile(r"[\u4e00-\u9fff]")


class Errors:
    """Collects every RowError of one import."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, sheet: str, row: int, column: str, reason: str) -> None:
        """Record one problem."""
        self.items.append(RowError(sheet, row, column, reason))

    def __repr__(self) -> str:
        return f"Errors({self.items!r})"

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Field:
    """A bound column: where its cells are and how to parse them."""

    key: str
    index: int
    header: str  # as written in the file
    required: bool
    parse: Callable[[str], object]
    empty: object  # the value of an empty optional cell


@dataclass
class BoundSheet:
    """A table whose header has been matched to one kind's columns."""

    kind: str
    raw: RawSheet
    fields: list[Field]
    headers: dict[str, str]  # column key → header as written (or the expected header if missing)
    usable: bool  # False when a required column is missing: its rows are not checked

    @property
    def present(self) -> set[str]:
        """Keys of the columns the file has."""
        return {f.key for f in self.fields}


def _parser(type_: str, max_len: int | None) -> Callable[[str], object]:
    if type_ == "int":
        return parse_int
    if type_ == "phone":
        return parse_phone
    if type_ == "date":
        return parse_date
    if type_ == "bool":
        return parse_bool
    if type_ in VOCABULARIES:
        return lambda text: parse_vocab(type_, text)
    return lambda text: check_text(text, max_len)


def _empty(type_: str) -> object:
    if type_ == "bool":
        return False  # a demand is public unless marked
    if type_ in VOCABULARIES:
        return VOCAB_DEFAULTS[type_]
    return "" if type_ in ("text", "phone") else None


def bind_sheet(kind: str, raw: RawSheet, errors: Errors) -> BoundSheet:
    """Match a header row to `kind`'s columns; unknown, doubled or missing columns are errors."""
    spec = SPECS[kind]
    row = raw.header_row or 1
    fields: list[Field] = []
    headers: dict[str, str] = {}
    for index, header in enumerate(raw.header):
        if not header:
            continue  # Excel's trailing formatted-but-empty columns
        column = match_column(spec, header)
        if column is None:
            errors.add(kind, row, header, _("Unknown column “%(header)s” in the %(kind)s list.",
                                            header=header, kind=kind_label(kind)))
        elif column.key in headers:
            errors.add(kind, row, header, _("The column “%(header)s” appears twice (also as “%(other)s”).",
                                            header=header, other=headers[column.key]))
        else:
            headers[column.key] = header
            fields.append(Field(column.key, index, header, column.required,
                                _parser(column.type, column.max_len), _empty(column.type)))
    chinese = any(_CJK.search(h) for h in raw.header if h)
    usable = True
    for column in spec.columns:
        if column.required and column.key not in headers:
            usable = False
            expected = column.zh if chinese else column.en
            headers[column.key] = expected
            errors.add(kind, row, expected, _("The required column “%(header)s” is missing.",
                                              header=expected))
    return BoundSheet(kind, raw, fields, headers, usable)


def parse_rows(sheet: BoundSheet, errors: Errors) -> Iterator[tuple[int, dict[str, object], bool]]:
    """(row number, parsed values of the present columns, no-error flag) for every data row.

    A value that failed to parse is None; the error is already recorded.
    """
    kind = sheet.kind
    required_msg = _("This cell is empty, but the column is required.")
    fields = [(f.key, f.index, f.header, f.required, f.parse, f.empty) for f in sheet.fields]
    for number, cells in sheet.raw.rows():
        values: dict[str, object] = {}
        ok = True
        width = len(cells)
        for key, index, header, required, parse, empty in fields:
            text = cells[index] if index < width else ""
            if not text:
                if required:
                    errors.add(kind, number, header, required_msg)
                    ok = False
                    values[key] = None
                else:
                    values[key] = empty
                continue
            try:
                values[key] = parse(text)
            except ValueError as exc:
                errors.add(kind, number, header, str(exc))
                values[key] = None
                ok = False
        yield number, values, ok


@dataclass
class Plan:
    """Everything validated, keyed by import keys; the writer maps keys to ids and diffs."""

    kinds: list[str] = field(default_factory=list)
    present: dict[str, set[str]] = field(default_factory=dict)
    # code → (name, kind or None to keep/default, existing id or None)
    townships: dict[str, tuple] = field(default_factory=dict)
    # code → (name, township code, existing id or None)
    work_areas: dict[str, tuple] = field(default_factory=dict)
    # (code, name, work area code, township code)
    villages: list[tuple] = field(default_factory=list)
    # dicts of the present columns, with number, township_code, village_code resolved
    cadres: list[dict] = field(default_factory=list)
    # (code, name, village code, phone or None when the column is absent, cadre number)
    households: list[tuple] = field(default_factory=list)
    # household code → demand tuples in DEMAND_FIELDS order
    demands: dict[str, list[tuple]] = field(default_factory=dict)
    rows: int = 0
    # Keys the file itself defines (even on rows with errors, so that one bad cadre row does
    # not also make every household pointing at that cadre "unknown").
    township_names: dict[str, str] = field(default_factory=dict)  # name → code
    village_codes: set[str] = field(default_factory=set)
    cadre_numbers: set[int] = field(default_factory=set)
    household_codes: set[str] = field(default_factory=set)
