"""Refuse every network connection and name look-up that is not loopback or a Unix socket.

Installed for the whole test session from conftest, and in every server process the tests
start (tests/netguard_site/sitecustomize.py, put on PYTHONPATH by tests/liveserver.py), so no
test can reach a real service (Twilio, a CDN, …) by accident — including through eventlet's
green sockets and its resolver.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any, Callable

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo
_original_gethostbyname = socket.gethostbyname
_original_gethostbyname_ex = socket.gethostbyname_ex


class NetworkRefused(OSError):
    """Raised instead of connecting to, or resolving, a non-loopback address during tests."""


def host_allowed(host: object) -> bool:
    """Loopback literals, 'localhost', and the unspecified address (binding, not connecting)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in ("localhost", "", "0.0.0.0", "::"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be network use


def _is_allowed(family: int, address: object) -> bool:
    if family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    return host_allowed(host) and host not in ("0.0.0.0", "::", "")


def _refuse(what: object) -> NetworkRefused:
    return NetworkRefused(f"tests may only connect to loopback, not {what!r}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_allowed(self.family, address):
        raise _refuse(address)
    return _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_allowed(self.family, address):
        raise _refuse(address)
    return _original_connect_ex(self, address)


def _guard_lookup(original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(host: object, *args: Any, **kwargs: Any) -> Any:
        if not host_allowed(host):
            raise _refuse(host)
        return original(host, *args, **kwargs)

    guarded.__name__ = getattr(original, "__name__", "lookup")
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def install() -> None:
    """Patch the socket module so non-loopback connects and look-ups raise NetworkRefused."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guard_lookup(_original_getaddrinfo)
    socket.gethostbyname = _guard_lookup(_original_gethostbyname)
    socket.gethostbyname_ex = _guard_lookup(_original_gethostbyname_ex)


def install_eventlet() -> None:
    """Guard eventlet's green connect and its resolver too (server processes monkey-patch).

    eventlet connects through its own copy of the socket module and resolves names with
    dnspython, so the patches of install() alone would not see those calls.
    """
    from eventlet.greenio import base
    from eventlet.support import greendns

    original_connect = base.socket_connect

    def socket_connect(descriptor: Any, address: object) -> Any:
        if not _is_allowed(descriptor.family, address):
            raise _refuse(address)
        return original_connect(descriptor, address)

    base.socket_connect = socket_connect
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "resolve"):
        if hasattr(greendns, name) and not hasattr(getattr(greendns, name), "__wrapped__"):
            setattr(greendns, name, _guard_lookup(getattr(greendns, name)))
