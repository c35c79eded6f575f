"""Refuse every network connection that is not loopback or a Unix socket.

Installed for the whole test session from conftest, so no test can reach a real service
(Twilio, a CDN, …) by accident.
"""
from __future__ import annotations

import ipaddress
import socket

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


class NetworkRefused(OSError):
    """Raised instead of connecting to a non-loopback address during tests."""


def _is_allowed(sock: socket.socket, address: object) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return False
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be network use


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_allowed(self, address):
        raise NetworkRefused(f"tests may only connect to loopback, not {address!r}")
    return _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_allowed(self, address):
        raise NetworkRefused(f"tests may only connect to loopback, not {address!r}")
    return _original_connect_ex(self, address)


def install() -> None:
    """Patch socket.socket so non-loopback connects raise NetworkRefused."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
