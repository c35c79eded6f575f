"""The one place where codes become words.

Services and the pure core raise and return codes with values (meeting.errors, scoring's
error codes); the edge (views, socket acks, CLI, templates) turns them into text here, with
Flask-Babel's catalogs. Each domain keeps its entries in a module of this package; a code
appears in exactly one of them (checked at import). Msgids are English with %(name)s values.
"""
from __future__ import annotations

from typing import Any, Mapping

import flask_babel
from flask import has_app_context

from meeting.messages import accounts, calls, common, draw, live, roster, setup
from meeting.messages import followup

_DOMAINS: tuple[Mapping[str, str], ...] = (common.MESSAGES, accounts.MESSAGES, roster.MESSAGES,
                                           draw.MESSAGES, live.MESSAGES, calls.MESSAGES, setup.MESSAGES,
                                           followup.MESSAGES)


def _merge(domains: tuple[Mapping[str, str], ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in domains:
        twice = merged.keys() & table.keys()
        if twice:
            raise RuntimeError(f"message codes defined twice: {sorted(twice)}")
        merged.update(table)
    return merged


CATALOG: dict[str, str] = _merge(_DOMAINS)


def text(code: str, **params: Any) -> str:
    """The words for `code` in the active locale; the code itself if the catalog lacks it."""
    msgid = CATALOG.get(code)
    if msgid is None:
        return code
    if has_app_context():
        return flask_babel.gettext(msgid, **params)
    return msgid % params if params else msgid


def error_text(exc: Any) -> str:
    """The message for a meeting.errors.UserError (or anything with code and params)."""
    legacy = getattr(exc, "legacy_message", None)
    if legacy is not None:
        return str(legacy)
    return text(exc.code, **getattr(exc, "params", {}))
