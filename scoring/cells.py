"""Spreadsheet-formula neutralisation: the one rule for every file the app writes (issue #11).

A text a spreadsheet would read as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`, `+1`,
`-2`, `@SUM(A1)`) is written with a leading apostrophe, which Excel, WPS and LibreOffice show as
text and never evaluate. The database keeps the value as typed; only files get the prefix.
Byte rule (docs/VERIFY.md §3): a text beginning with one of = + - @ TAB CR gets "'" in front.
Pure: standard library only.
"""
from __future__ import annotations

from typing import Any

#: The first characters that make a spreadsheet cell a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def neutral(text: str) -> str:
    """`text` with "'" in front when it begins with a formula character; otherwise unchanged.

    Idempotent (neutral(neutral(x)) == neutral(x)): the result never begins with one of them."""
    return PREFIX + text if text.startswith(FORMULA_START) else text


def is_neutral(text: str) -> bool:
    """Whether `text` is already safe to put in a cell (it equals its neutral form)."""
    return neutral(text) == text


def cell(value: Any) -> Any:
    """A value for a CSV or xlsx cell: strings neutralised, numbers, dates and None unchanged
    (a number is never a formula; -2 as an integer stays a number)."""
    return neutral(value) if isinstance(value, str) else value
