"""Minkao (民考): software for a live public evaluation meeting."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # Flask is imported lazily: `python -m meeting` must monkey-patch before it loads
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | Mapping[str, Any] | None = None) -> "Flask":
    """Build the app: the only place where extensions, blueprints and commands are wired.

    `config` is a Config class or a mapping applied on top of meeting.config.Config.
    """
    from flask import Flask

    from meeting.config import Config, load_secret_key
    from meeting.extensions import babel, csrf, db, socketio
    from meeting.i18n import select_locale

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("MINKAO_INSTANCE_PATH", str(ROOT / "instance")),
    )
    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    load_secret_key(app.config, app.instance_path)

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                    default_translation_directories=str(ROOT / "meeting" / "translations"))
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
    )

    from meeting.commands import register_commands
    from meeting.realtime import register_handlers
    from meeting.views import register_blueprints

    register_handlers()
    register_blueprints(app)
    register_commands(app)
    return app
