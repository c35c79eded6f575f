"""Typed user-facing errors: services raise them, views and socket handlers map them."""
from __future__ import annotations


class UserError(Exception):
    """An error the person at the screen caused and can fix; the message is shown to them.

    `code` is a stable machine-readable key; `message` is already translated or plain.
    """

    code = "user_error"
    status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


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
