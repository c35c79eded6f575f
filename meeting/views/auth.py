"""Staff log-in and log-out, and the `login_required` / `current_user` helpers for other views."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import get_locale, gettext as _, refresh

from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.accounts.auth import WINDOW, InvalidCredentials, RateLimited, authenticate
from meeting.services.accounts.users import user_by_id

if TYPE_CHECKING:
    from meeting.models import User

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "user_id"


def current_user() -> User | None:
    """The logged-in staff User for this request, or None.

    Not cached in `g`: the session's identity map already makes repeat calls free, and `g`
    outlives a request when a caller (a test, a CLI command) holds the app context open.
    """
    return user_by_id(db.session, session.get(SESSION_KEY))


def login_required(*roles: str) -> Callable[[F], F]:
    """Decorator: any logged-in staff (`@login_required()`) or only these roles.

    Visitors who are not logged in are sent to the log-in page (and back afterwards);
    a logged-in user without the role gets 403.
    """
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_request_path()))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorate


def is_safe_next(target: str | None) -> bool:
    """True for a local path only ('/admin?x=1'), never another host or scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target):
        return False  # browsers drop tabs and newlines: "/\t/x.example" acts as "//x.example"
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _request_path() -> str:
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def lang_url(code: str) -> str:
    """This page again in another language (select_locale reads and remembers ?lang)."""
    if request.method != "GET":
        return "?" + urlencode({"lang": code})
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.script_root + request.path + "?" + urlencode(args + [("lang", code)])


@bp.before_app_request
def _choose_language_per_request() -> None:
    # Flask-Babel caches the locale in `g`, which outlives the request when a caller holds the
    # app context open (the test fixtures do): start every request from a clean choice.
    refresh()
    # It also picks the locale lazily, on the first translated string; a response that
    # translates nothing (a redirect) would otherwise drop a ?lang= choice.
    if "lang" in request.args:
        get_locale()


@bp.app_context_processor
def _inject_user() -> dict[str, Any]:
    return {"current_user": current_user, "lang_url": lang_url, "ui_locale": str(get_locale()),
            "has_endpoint": has_endpoint}


def has_endpoint(name: str) -> bool:
    """True when a view with this endpoint is registered (nav links to optional areas)."""
    return name in current_app.view_functions


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the log-in form; on POST check the password (rate-limited) and start a session."""
    next_url = request.values.get("next", "")
    if not is_safe_next(next_url):
        next_url = ""
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_url or url_for("admin.index"))
        return render_template("auth/login.html", next_url=next_url, username="")
    username = request.form.get("username", "")
    try:
        user = authenticate(db.session, username, request.form.get("password", ""),
                            request.remote_addr or "")
    except (InvalidCredentials, RateLimited) as exc:
        page = render_template("auth/login.html", next_url=next_url, username=username,
                               error=error_text(exc))
        headers = {"Retry-After": str(int(WINDOW.total_seconds()))} if exc.status == 429 else {}
        return page, exc.status, headers
    lang = session.get("lang")
    session.clear()  # a fresh session on log-in: no fixation of a pre-login cookie
    if lang:
        session["lang"] = lang
    session[SESSION_KEY] = user.id
    flash(_("Welcome, %(name)s.", name=user.display_name or user.username), "success")
    return redirect(next_url or url_for("admin.index"))


@bp.post("/logout")
def logout():
    """End the staff session (the language choice is kept)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))

