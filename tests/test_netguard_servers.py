"""Servers started by the tests can never make a real call or reach the network."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.liveserver import ROOT, LiveServer

PROBE = """
import eventlet
eventlet.monkey_patch()
import socket
for what, attempt in (("connect", lambda: socket.create_connection(("192.0.2.1", 443), timeout=2)),
                      ("dns", lambda: socket.getaddrinfo("api.twilio.com", 443)),
                      ("hostname", lambda: socket.gethostbyname("api.twilio.com"))):
    try:
        attempt()
        print(what, "reached")
    except OSError as exc:
        print(what, type(exc).__name__)
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
socket.create_connection(s.getsockname(), timeout=2).close()
print("loopback ok")
"""


@pytest.fixture
def developer_twilio_env(monkeypatch):
    """A developer who has real Twilio credentials in the shell."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    monkeypatch.setenv("TWILIO_CALLER_NUMBER", "+8610000000")
    monkeypatch.setenv("HALL_LINE", "+8610000001")
    monkeypatch.setenv("TELEPHONY_PROVIDER", "twilio")


def test_a_test_server_uses_the_simulated_provider_and_no_credentials_whatever_the_shell_holds(
        developer_twilio_env):
    env = LiveServer("sqlite:///unused.db").environment()
    assert env["TELEPHONY_PROVIDER"] == "simulated"
    assert not [k for k in env if k.startswith("TWILIO_") or k == "HALL_LINE"]


def test_a_test_may_ask_for_the_manual_provider_but_never_for_twilio():
    assert LiveServer("sqlite://", env={"TELEPHONY_PROVIDER": "manual"}).environment()["TELEPHONY_PROVIDER"] == "manual"
    with pytest.raises(ValueError, match="twilio"):
        LiveServer("sqlite://", env={"TELEPHONY_PROVIDER": "twilio"}).environment()


def test_a_server_process_refuses_non_loopback_connects_and_name_lookups_even_green(developer_twilio_env):
    env = LiveServer("sqlite:///unused.db").environment()
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60).stdout.split("\n")
    assert "connect NetworkRefused" in out
    assert "dns NetworkRefused" in out
    assert "hostname NetworkRefused" in out
    assert "loopback ok" in out


def test_the_test_process_itself_refuses_name_lookups():
    import socket

    from tests.netguard import NetworkRefused

    with pytest.raises(NetworkRefused):
        socket.getaddrinfo("api.twilio.com", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)
