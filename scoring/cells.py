"""Spreadsheet-formula neutralisation: the one rule for every file the app writes (issue #11).

A text a spreadsheet would read as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`, `+1`,
`-2`, `@SUM(A1)`) is *formula-like*: it begins with one of = + - @ TAB CR. The database keeps
the value as typed; files neutralise it:

* text files (the roster file, CSV): a leading apostrophe, which Excel, WPS and LibreOffice
  show as text and never evaluate (`neutral`; docs/VERIFY.md §3 fixes its bytes);
* xlsx: the value as typed in an explicit string cell marked quote-prefixed (`quoted`), which
  is what Excel itself stores for a cell typed with a leading apostrophe: shown as text, kept
  as text when edited, and read back unchanged.

Reading a CSV back, `typed` removes the apostrophe `neutral` added. Pure: standard library only.
"""
from __future__ import annotations

from typing import Any

#: The first characters that make a spreadsheet cell a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula (it begins with = + - @ TAB CR)."""
    return text.startswith(FORMULA_START)


def neutral(text: str) -> str:
    """`text` with "'" in front when it is formula-like; otherwise unchanged.

    Idempotent (neutral(neutral(x)) == neutral(x)): the result is never formula-like."""
    return PREFIX + text if formula_like(text) else text


def typed(text: str) -> str:
    """The value a CSV cell written with `neutral` stands for: "'=x" → "=x"; anything else as is
    (a spreadsheet never saves the apostrophe of a cell typed '=x, so this one is ours)."""
    return text[1:] if text.startswith(PREFIX) and formula_like(text[1:]) else text


def quoted(value: Any) -> bool:
    """Whether an xlsx cell for `value` must be a quote-prefixed string cell (formula-like text)."""
    return isinstance(value, str) and formula_like(value)


def is_neutral(text: str) -> bool:
    """Whether `text` is already safe to put in a cell (it equals its neutral form)."""
    return neutral(text) == text


def cell(value: Any) -> Any:
    """A value for a CSV or xlsx cell: strings neutralised, numbers, dates and None unchanged
    (a number is never a formula; -2 as an integer stays a number)."""
    return neutral(value) if isinstance(value, str) else value
