"""Markers the services may use without importing Flask-Babel.

N_ marks a msgid for extraction (pybabel -k N_) without translating it at import time.
Label is a catalog code carried as data: services put it where a page shows a word (e.g. the
name of the whole-pool stratum); the edge translates it when it renders it (Jinja calls
__html__, str() calls __str__), JSON gets the English msgid.
"""
from __future__ import annotations

from typing import Any


def N_(msgid: str) -> str:
    """Return `msgid` unchanged; pybabel extracts it into the catalogs."""
    return msgid


class Label(str):
    """A catalog code with values, translated only when shown (its str value is the English msgid)."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> "Label":
        from meeting.messages import CATALOG  # noqa: PLC0415 - the catalog imports this module
        msgid = CATALOG.get(code, code)
        self = super().__new__(cls, msgid % params if params else msgid)
        self.code, self.params = code, params
        return self

    def __str__(self) -> str:
        from meeting.messages import text  # noqa: PLC0415 - translated at the edge, not at creation
        return text(self.code, **self.params)

    def __html__(self) -> str:
        from markupsafe import escape  # noqa: PLC0415
        return str(escape(str(self)))
