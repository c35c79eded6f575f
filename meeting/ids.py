"""Database ids: what a path, a query parameter or a socket payload may name.

Ids are 64-bit signed integers in PostgreSQL and SQLite; a larger number is not an error of the
database but simply no record. The bounded URL converter (meeting.views.converters) and the
socket connect check use this range, so a huge number is a 404 or a refusal, never a 500.
"""
from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def is_db_int(value: Any) -> bool:
    """True for an int (not a bool) that fits a 64-bit signed database integer."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID - 1 <= value <= MAX_ID
