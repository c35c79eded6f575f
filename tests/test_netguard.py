"""The test-session network guard: only loopback (and Unix sockets) may be reached."""
from __future__ import annotations

import socket

import pytest

from tests.netguard import NetworkRefused


def test_connecting_to_a_non_loopback_address_raises_network_refused():
    with pytest.raises(NetworkRefused):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with socket.socket() as s, pytest.raises(NetworkRefused):
        s.connect_ex(("198.51.100.1", 80))


def test_a_host_name_is_refused_before_any_lookup():
    with socket.socket() as s, pytest.raises(NetworkRefused):
        s.connect(("api.twilio.com", 443))


def test_loopback_stays_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            conn, _ = server.accept()
            conn.close()


def test_requests_to_the_outside_fail_before_leaving_the_machine():
    import requests

    with pytest.raises(requests.exceptions.ConnectionError) as exc:
        requests.get("http://203.0.113.7/", timeout=1)
    assert "loopback" in str(exc.value)
