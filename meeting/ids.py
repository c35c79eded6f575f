"""Database ids: what a path, a query parameter or a socket payload may name.

Ids and seqs are INTEGER columns: 32-bit signed in PostgreSQL (SQLite's are wider, but the schema
must hold on both); a larger number is not an error of the database but simply no record. The bounded URL converter (meeting.views.converters) and the
socket connect check use this range, so a huge number is a 404 or a refusal, never a 500.
"""
from __future__ import annotations

from typing import Any

MAX_ID = 2**31 - 1


def is_db_int(value: Any) -> bool:
    """True for an int (not a bool) that fits the schema's signed 32-bit INTEGER columns."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID - 1 <= value <= MAX_ID
