"""HTTP security headers on every response, by Flask-Talisman.

* Content-Security-Policy: scripts, styles, images, fonts and connections from this server only
  (every page's configuration is a JSON block, every script a static ES module, every style a
  stylesheet: no 'unsafe-inline' anywhere); no plugins, no <base>, forms post here only;
  `frame-ancestors 'none'`, except the broadcast overlay, which the origins in
  OVERLAY_FRAME_ANCESTORS may frame (a graphics controller such as SPX; docs/BROADCAST.md).
* X-Frame-Options DENY (older browsers) where nobody may frame; none on an overlay that some
  origins may frame (X-Frame-Options cannot list origins; frame-ancestors rules).
* X-Content-Type-Options nosniff, Referrer-Policy same-origin (a juror's tablet address holds
  its token: it never leaves in a Referer; same-origin still lets CSRF check it over HTTPS),
  Permissions-Policy denying the device features no page uses.

No HTTPS redirect and no HSTS here: the hall laptop may serve plain HTTP on the LAN; TLS and
HSTS belong to the reverse proxy that terminates TLS. The session cookie's Secure flag is left
to the configuration (SESSION_COOKIE_SECURE).
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import urlsplit

from flask_talisman import Talisman

from meeting.config import frame_origins

if TYPE_CHECKING:
    from flask import Flask

OVERLAY_ENDPOINT = "screens.overlay"
DENY = "DENY"

PERMISSIONS_POLICY: dict[str, str] = {
    feature: "()" for feature in ("accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
                                  "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
                                  "payment", "usb")
}


def _websocket_origin(public_base_url: str) -> str | None:
    """ws(s)://host of the public address: browsers that do not match ws: to 'self' need it."""
    parts = urlsplit(public_base_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return ("wss" if parts.scheme == "https" else "ws") + "://" + parts.netloc


def _subscriber_origins(subscribe_url: str) -> tuple[str, ...]:
    """The Nchan subscriber's http(s) and ws(s) origins when NCHAN_SUBSCRIBE_URL is absolute
    (another host: the public pages' EventSource/long-poll and WebSocket go there); a
    same-origin path such as /live needs nothing beyond 'self'."""
    parts = urlsplit(subscribe_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ()
    return (f"{parts.scheme}://{parts.netloc}", _websocket_origin(subscribe_url) or "")


def content_security_policy(public_base_url: str, frame_ancestors: Iterable[str] = (),
                            subscribe_url: str = "") -> dict[str, str]:
    """The policy as Talisman takes it (directive -> sources); `frame_ancestors` empty = 'none';
    `subscribe_url` is NCHAN_SUBSCRIBE_URL (docs/PROTOCOL.md, the public pages over Nchan)."""
    sources = ("'self'", _websocket_origin(public_base_url), *_subscriber_origins(subscribe_url))
    connect = " ".join(dict.fromkeys(filter(None, sources)))
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": connect,  # Socket.IO's websocket to this server, Nchan's subscriber
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(frame_ancestors) or "'none'",
    }


def _with_options(view: Any, options: dict[str, Any]) -> Any:
    """A per-app wrapper of `view` carrying Talisman's per-view options.

    Not Talisman's decorator: that marks the module's function, shared by every app a process
    creates (the tests create many, with different origins).
    """
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapper.talisman_view_options = options  # type: ignore[attr-defined]
    return wrapper


class _Talisman(Talisman):
    """Talisman, but a view's own Referrer-Policy (the juror tablet's no-referrer) wins."""

    def _set_referrer_policy_headers(self, headers: Any) -> None:
        if "Referrer-Policy" not in headers:
            super()._set_referrer_policy_headers(headers)


def init_app(app: "Flask") -> Talisman:
    """Install the headers; call after the blueprints are registered (the overlay's view exists)."""
    ancestors = frame_origins(app.config.get("OVERLAY_FRAME_ANCESTORS", ()))
    base_url = app.config.get("PUBLIC_BASE_URL", "")
    subscribe_url = app.config.get("NCHAN_SUBSCRIBE_URL", "") or ""
    talisman = _Talisman()
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=False,
        session_cookie_secure=False,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        frame_options=DENY,
        content_security_policy=content_security_policy(base_url, subscribe_url=subscribe_url),
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        x_content_type_options=True,
    )
    if OVERLAY_ENDPOINT in app.view_functions:
        app.view_functions[OVERLAY_ENDPOINT] = _with_options(app.view_functions[OVERLAY_ENDPOINT], {
            "content_security_policy": content_security_policy(base_url, ancestors, subscribe_url),
            "frame_options": None if ancestors else DENY,
        })
    return talisman
