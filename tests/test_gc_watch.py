"""MINKAO_GC_LOG: the serve entry point can log every garbage collection's pause (meeting/__main__.py).

Run in a child interpreter: importing the entry point is what monkey-patches, which the test
process must not be.
"""
from __future__ import annotations

import os
import subprocess
import sys

from tests.liveserver import ROOT

_PROBE = """
import gc, sys
from meeting.__main__ import watch_gc
before = len(gc.callbacks)
watch_gc(sys.argv[1])
print(len(gc.callbacks) - before)
gc.collect()
"""


def _probe(path: str) -> str:
    env = {**os.environ, "SOCKETIO_ASYNC_MODE": "threading"}
    done = subprocess.run([sys.executable, "-c", _PROBE, path], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_each_collection_is_logged_with_its_generation_and_pause(tmp_path):
    log = tmp_path / "gc.log"
    assert _probe(str(log)) == "1"
    generation, pause_ms, collected, cpu_ms = log.read_text().splitlines()[-1].split()
    assert generation == "2" and float(pause_ms) >= 0 and int(collected) >= 0 and float(cpu_ms) >= 0


def test_an_empty_path_adds_no_callback():
    assert _probe("") == "0"
