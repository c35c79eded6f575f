"""Timestamps as the event log and the screens write them."""
from __future__ import annotations

import datetime as dt


def iso_at(at: dt.datetime) -> str:
    """Naive UTC datetime → 'YYYY-MM-DDTHH:MM:SS.mmmZ' (the form hashed into events)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def iso_now() -> str:
    """Now, in the same form."""
    return iso_at(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
