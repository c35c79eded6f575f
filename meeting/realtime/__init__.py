"""Socket.IO: thin handlers (handlers.py) and the one module that knows rooms (broadcast.py)."""
from __future__ import annotations


def register_handlers() -> None:
    """Import the handler module once; its decorators bind to the shared SocketIO object."""
    from meeting.realtime import handlers  # noqa: F401
