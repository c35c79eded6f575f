"""Translated messages outside views: gettext wherever an app is active (the locale falls back to
zh_CN outside a request, so background broadcasts speak Chinese too), the msgid elsewhere."""
from __future__ import annotations

from typing import Any

import flask_babel
from flask import has_app_context


def _(msgid: str, **values: Any) -> str:
    """gettext inside an app context; the English msgid with no app (pure unit tests)."""
    if has_app_context():
        return flask_babel.gettext(msgid, **values)
    return msgid % values if values else msgid
