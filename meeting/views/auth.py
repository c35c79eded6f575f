"""Staff log-in and log-out, and the `login_required` / `current_user` helpers for other views."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, has_request_context, redirect, render_template,
                   request, session, url_for)
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale, gettext as _, refresh

from meeting.extensions import db
from meeting.messages import error_text
from meeting.services.accounts.auth import InvalidCredentials, RateLimited, authenticate
from meeting.services.accounts.login_codes import CODE_VALID_FOR, InvalidLoginCode, redeem_login_code
from meeting.services.accounts.users import end_sessions, session_user

if TYPE_CHECKING:
    from meeting.models import User

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "user_id"
VERSION_KEY = "sv"  # the user's session version at log-in (meeting.services.accounts.users)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure also when this request came over https.

    SESSION_COOKIE_SECURE (meeting/config.py: on when PUBLIC_BASE_URL is https) covers a proxy
    that terminates TLS; this covers a direct https request. SameSite comes from the config.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or (has_request_context() and request.is_secure))


@bp.record_once
def _install_session_interface(state: BlueprintSetupState) -> None:
    state.app.session_interface = SessionInterface()


def current_user() -> User | None:
    """The logged-in staff User for this request, or None.

    Not cached in `g`: the session's identity map already makes repeat calls free, and `g`
    outlives a request when a caller (a test, a CLI command) holds the app context open.
    """
    return session_user(db.session, session.get(SESSION_KEY), session.get(VERSION_KEY))


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
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
        return page, exc.status, headers
    return _start_session(user, next_url)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Log in with a one-time code from `flask login-code` (not throttled: the code is the way in)."""
    next_url = request.values.get("next", "")
    if not is_safe_next(next_url):
        next_url = ""
    if request.method == "GET":
        return _code_form(next_url, "")
    username = request.form.get("username", "")
    try:
        user = redeem_login_code(db.session, username, request.form.get("code", ""))
    except InvalidLoginCode as exc:
        return _code_form(next_url, username, error_text(exc)), exc.status
    return _start_session(user, next_url)


def _code_form(next_url: str, username: str, error: str = "") -> str:
    return render_template("auth/login_code.html", next_url=next_url, username=username, error=error,
                           code_minutes=int(CODE_VALID_FOR.total_seconds() // 60))


def _start_session(user: User, next_url: str) -> Any:
    """A fresh session for this user (no fixation of a pre-login cookie); the language is kept."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_KEY] = user.id
    session[VERSION_KEY] = user.session_version
    flash(_("Welcome, %(name)s.", name=user.display_name or user.username), "success")
    return redirect(next_url or url_for("admin.index"))


@bp.post("/logout")
def logout():
    """End the staff session everywhere: a copy of the cookie no longer works (the language is kept)."""
    user = current_user()
    if user is not None:
        end_sessions(db.session, user.id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))

