"""Typed user-facing errors: services raise them with a code and values; the edge words them.

    raise Conflict("pool_frozen")
    raise UserError("bad_exclusions_unknown", numbers="12, 40")

`code` is a stable machine-readable key (socket acks and the JSON API return it as is);
`params` are the values the message needs. The words live in meeting/messages/, one catalog
entry per code, translated with Flask-Babel only at the edge: `meeting.messages.error_text(exc)`.
"""
from __future__ import annotations

from typing import Any

from meeting.messages import error_text


class UserError(Exception):
    """An error the person at the screen caused and can fix."""

    code = "user_error"
    status = 400

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        if code:
            self.code = code
        self.params = params
        super().__init__(self.code)

    @property
    def message(self) -> str:
        """The words in the active locale, for the edge (CLI, views): meeting.messages.error_text."""
        return error_text(self)


class NotFound(UserError):
    """The thing asked for does not exist."""

    code = "not_found"
    status = 404


class Forbidden(UserError):
    """The caller's role may not do this."""

    code = "forbidden"
    status = 403


class Conflict(UserError):
    """The request does not fit the current state (e.g. an illegal stage transition)."""

    code = "conflict"
    status = 409
