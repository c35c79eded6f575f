"""Minkao (民考): software for a live public evaluation meeting."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping

from meeting.paths import ROOT

if TYPE_CHECKING:  # Flask is imported lazily: `python -m meeting` must monkey-patch before it loads
    from flask import Flask


def create_app(config: type | Mapping[str, Any] | None = None) -> "Flask":
    """Build the app: the only place where extensions, blueprints and commands are wired.

    The environment is read now (Config.from_env), not when meeting.config is imported;
    `config` is a Config class or a mapping applied on top of it.
    """
    # Imported here, not at the top: the entry point monkey-patches before Flask may load.
    from flask import Flask

    from meeting import security
    from meeting.commands import cases as cases_commands, db as db_commands, draw as draw_commands, importer, roster
    from meeting.commands import chain as chain_commands, minutes as minutes_commands
    from meeting.config import Config, load_secret_key
    from meeting.extensions import babel, csrf, db, socketio
    from meeting.i18n import select_locale
    from meeting.realtime import frames, handlers, public_endpoint, room_index
    from meeting.views import (admin, admin_import, api, auth, cases, console, converters, draw_public, errors, juror,
                               public, screens, simulator, telephony)
    from meeting.views import minutes as minutes_views
    from meeting.views.admin_meetings import pages as admin_meetings
    from meeting.views import echo as echo_wall
    from meeting.views import cases_overdue

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("MINKAO_INSTANCE_PATH", str(ROOT / "instance")),
    )
    converters.install(app)  # before any route: `<int:…>` only matches database-sized ids
    app.config.from_mapping(Config.from_env())
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    load_secret_key(app.config, app.instance_path)

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                    default_translation_directories=str(ROOT / "meeting" / "translations"))
    socketio_options = dict(
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        json=frames.PacketJSON,  # sends a pre-encoded public snapshot as it is (realtime/frames.py)
    )
    public_endpoint.init_app(app, **socketio_options)  # first: the main server must be bound last
    socketio.init_app(app, **room_index.with_manager(socketio_options))  # disconnects cost O(own rooms)
    handlers.register(socketio)
    for module in (public, auth, admin, admin_import, draw_public, admin_meetings, console, juror, screens,
                   api, telephony, simulator, minutes_views, echo_wall, cases):
        app.register_blueprint(module.bp)
    app.register_blueprint(cases_overdue.bp)  # the printable overdue list per unit
    security.init_app(app)  # after the blueprints: the overlay's own frame-ancestors
    errors.register(app)
    for commands in (db_commands, roster, importer, draw_commands, cases_commands, chain_commands, minutes_commands):
        commands.register(app)
    return app
