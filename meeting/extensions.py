"""Unbound extensions: created here, bound to an app only in create_app()."""
from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from meeting.database import Database

db = Database()
socketio = SocketIO()
# The public screens' own Engine.IO endpoint (meeting/realtime/public_endpoint.py): same app,
# another path, a long ping; receive-only, so it serves nothing but connect and sync.
public_socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
