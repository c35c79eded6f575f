"""Socket.IO: thin handlers (handlers.py, bound by create_app) and the one module that knows rooms (broadcast.py)."""
