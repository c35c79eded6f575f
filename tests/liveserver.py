"""A real Minkao server in a subprocess, for real-time, restart and browser tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SAFE_PROVIDERS = ("simulated", "manual")
_PROVIDER_PREFIXES = ("TWILIO_", "TELEPHONY_PROVIDER")
_PROVIDER_SECRETS = ("HALL_LINE", "TELEPHONY_PROMPTS_URL")


class LiveServer:
    """`python -m meeting serve` on a loopback port against the given database."""

    def __init__(self, database_url: str, port: int | None = None, env: dict[str, str] | None = None,
                 log_path: Path | None = None) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.extra_env = env or {}
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321"""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The server's environment: never a real telephony provider, network guard loaded.

        A developer's TWILIO_* variables must not turn a test into real calls: the provider is
        simulated (or manual, if a test asks) and every provider credential is removed; the
        guard (tests/netguard.py via sitecustomize) refuses non-loopback connects and look-ups.
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith(_PROVIDER_PREFIXES)}
        env.update({"DATABASE_URL": self.database_url, "SOCKETIO_ASYNC_MODE": "eventlet",
                    "SECRET_KEY": "live-test-secret", "PYTHONUNBUFFERED": "1", **self.extra_env})
        env.setdefault("TELEPHONY_PROVIDER", "simulated")
        if env["TELEPHONY_PROVIDER"] not in SAFE_PROVIDERS:
            raise ValueError(f"tests may not start a server with TELEPHONY_PROVIDER={env['TELEPHONY_PROVIDER']!r}")
        for key in _PROVIDER_SECRETS:
            env.pop(key, None)
        site = str(ROOT / "tests" / "netguard_site")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (site, env.get("PYTHONPATH", "")) if p)
        env["MINKAO_TEST_NETGUARD"] = str(ROOT / "tests" / "netguard.py")
        return env

    def start(self, timeout: float = 90.0) -> "LiveServer":
        """Start the process and wait until /healthz answers."""
        env = self.environment()
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "meeting", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become healthy in time")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, like a pulled power cord."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Terminate politely, then kill."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()
