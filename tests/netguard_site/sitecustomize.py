"""Loaded at start-up by every server process the tests start (PYTHONPATH): the network guard."""
import importlib.util
import os

_path = os.environ.get("MINKAO_TEST_NETGUARD")
if _path:
    _spec = importlib.util.spec_from_file_location("minkao_test_netguard", _path)
    _guard = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_guard)
    _guard.install()
    try:
        _guard.install_eventlet()
    except ImportError:  # a process without eventlet has nothing more to guard
        pass
