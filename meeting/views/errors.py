"""App-wide error handlers: the one place where errors become responses.

Services raise meeting.errors (UserError and its NotFound/Forbidden/Conflict), views abort
with HTTP errors; here they become

* JSON `{"error": {"code", "message"}}` under /api/ (the REST API's documented shape);
* JSON `{"error": code, "message"}` for views marked `@json_errors` (the public draw files,
  roster.txt and bundle.json: their shape predates the API and scripts read it);
* the staff error page (templates/admin/error.html) elsewhere, and the "form expired" page
  for a stale CSRF token.

Status codes come from the error (UserError.status, the HTTP code). Words come from
meeting.messages.error_text. No blueprint has handlers of its own; a blueprint that says an
HTTP error more exactly has its words in BLUEPRINT_PAGE_MESSAGES.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from meeting.errors import UserError
from meeting.messages import error_text, text

F = TypeVar("F", bound=Callable[..., Any])

API_PREFIX = "/api/"

# The staff error page's words for HTTP errors, by status; a blueprint may say it more exactly.
PAGE_MESSAGES: dict[int, Any] = {
    403: _l("Your account may not open this page."),
    404: _l("There is no such page or record."),
}
BLUEPRINT_PAGE_MESSAGES: dict[tuple[str, int], Any] = {
    ("admin_import", 403): _l("Only an administrator may import the roster."),
    ("admin_meetings", 403): _l("Your account may look at meetings but not change them."),
    ("admin_meetings", 404): _l("There is no such meeting or juror."),
}
# Codes for HTTP errors in JSON bodies (the UserError codes where there is one).
HTTP_CODES: dict[int, str] = {400: "bad_request", 403: "forbidden", 404: "not_found",
                              405: "method_not_allowed", 429: "rate_limited"}


def json_errors(view: F) -> F:
    """Mark a non-/api/ view whose errors are JSON (a file download, not a page)."""
    view.json_errors = True  # type: ignore[attr-defined]
    return view


def _wants_api_json() -> bool:
    return request.path.startswith(API_PREFIX)


def _wants_flat_json() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "json_errors", False))


def _page(status: int, message: Any) -> tuple[str, int]:
    return render_template("admin/error.html", status=status, message=message), status


def user_error(exc: UserError) -> tuple[Response, int] | tuple[str, int]:
    """A service refused: its status, its code, its message in the request's language."""
    message = error_text(exc)
    if _wants_api_json():
        return jsonify(error={"code": exc.code, "message": message}), exc.status
    if _wants_flat_json():
        return jsonify(error=exc.code, message=message), exc.status
    return _page(exc.status, message)


def http_error(exc: HTTPException) -> Any:
    """abort(…) and routing errors: JSON under /api/, the error page for 403/404, else Werkzeug's."""
    status = exc.code or 500
    if _wants_api_json() or _wants_flat_json():
        code = HTTP_CODES.get(status, "http_error")
        message = text(code) if code in ("forbidden", "not_found") else exc.name
        body = {"error": {"code": code, "message": message}} if _wants_api_json() else {"error": code, "message": message}
        # Keep the error's own headers (a 405's Allow), not its HTML content type.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return jsonify(body), status, headers
    if status in PAGE_MESSAGES:
        message = BLUEPRINT_PAGE_MESSAGES.get((request.blueprint or "", status), PAGE_MESSAGES[status])
        return _page(status, message)
    return exc


def csrf_error(_exc: CSRFError) -> tuple[str, int]:
    """A form posted with a missing or stale CSRF token: ask to reload, 400."""
    return render_template("auth/csrf_error.html"), 400


def register(app: Flask) -> None:
    """Install the handlers on the app (idempotent: registering again replaces them)."""
    app.register_error_handler(UserError, user_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
