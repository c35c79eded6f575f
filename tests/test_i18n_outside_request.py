"""Translated text works in CLI commands and background tasks, not only in requests."""
from __future__ import annotations

from flask_babel import gettext


def test_gettext_outside_a_request_uses_the_default_chinese_locale(app):
    with app.app_context():
        assert gettext("Log in") != "" and gettext("Log in") != "Log in"
