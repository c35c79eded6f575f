"""Translated messages outside views: gettext in a request or socket event, the msgid elsewhere."""
from __future__ import annotations

from typing import Any

import flask_babel
from flask import has_request_context


def _(msgid: str, **values: Any) -> str:
    """gettext while serving a request or socket event; the English msgid in the CLI and tests."""
    if has_request_context():
        return flask_babel.gettext(msgid, **values)
    return msgid % values if values else msgid
