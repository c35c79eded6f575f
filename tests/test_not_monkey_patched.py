"""The test process itself is never monkey-patched by eventlet.

Only `python -m meeting` patches (meeting/__main__.py, at import). A test module that imports the
entry point at collection patches every test in the run: green threads and real locks then wait
on each other (a Socket.IO test client's close hung a CI run that way). Servers under test run in
their own processes; a test that needs the entry point's code runs it in a child interpreter.
"""
from __future__ import annotations

import warnings

with warnings.catch_warnings():  # eventlet warns on import that it is deprecated (accepted: meeting/__main__.py)
    warnings.simplefilter("ignore")
    import eventlet.patcher


def test_no_test_module_monkey_patched_the_test_process():
    assert not eventlet.patcher.is_monkey_patched("socket")
    assert not eventlet.patcher.is_monkey_patched("thread")
