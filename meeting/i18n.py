"""Locale choice: Chinese first, English on request (?lang=en, remembered in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """zh_CN unless the visitor chose another supported locale.

    Outside a request (CLI commands, background broadcasts) the default locale is used.
    """
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported:
        session["lang"] = asked
        return asked
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
