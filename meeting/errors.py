"""Typed user-facing errors: services raise them with a code and values; the edge words them.

    raise Conflict("pool_frozen")
    raise UserError("bad_exclusions_unknown", numbers="12, 40")

`code` is a stable machine-readable key (socket acks and the JSON API return it as is);
`params` are the values the message needs. The words live in meeting/messages/, one catalog
entry per code, translated with Flask-Babel only at the edge: `meeting.messages.error_text(exc)`.
"""
from __future__ import annotations

from typing import Any


class UserError(Exception):
    """An error the person at the screen caused and can fix."""

    code = "user_error"
    status = 400

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        # Transition: the old form UserError(message, code="x") is still accepted until every
        # service raises codes; `legacy_message` then holds the already-worded message.
        self.legacy_message: str | None = None
        if "code" in params:
            self.legacy_message = code
            code = params.pop("code")
        if code:
            self.code = code
        self.params = params
        super().__init__(self.legacy_message or self.code)

    @property
    def message(self) -> str:
        """The message in the active locale (compatibility; new code calls error_text)."""
        from meeting.messages import error_text  # the catalog needs Flask-Babel; errors must not
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
