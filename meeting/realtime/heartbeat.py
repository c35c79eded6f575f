"""A periodic beat to every live meeting's screens: liveness, clock, and the newest seq."""
from __future__ import annotations

import logging

from flask import Flask

from meeting.events_time import iso_now
from meeting.extensions import db, socketio
from meeting.realtime import broadcast, presence
from meeting.services.live.queries import open_meeting_seqs

log = logging.getLogger("minkao.realtime")


def beat_once() -> int:
    """Send one heartbeat (and the jurors' presence to its moderators) per open meeting; returns how many meetings got one."""
    rows = open_meeting_seqs(db.session)
    now = iso_now()
    for meeting_id, seq in rows:
        broadcast.heartbeat(meeting_id, seq, now)
        presence.push(meeting_id)   # the console's "seen N s ago" stays current between changes
    return len(rows)


def start(app: Flask, interval: float = 5.0) -> None:
    """Run beat_once every `interval` seconds in a background task for the process's lifetime."""

    def loop() -> None:
        while True:
            socketio.sleep(interval)
            try:
                with app.app_context():
                    beat_once()
                    db.remove()
            except Exception:  # noqa: BLE001 — a database blip must not stop the beat
                log.exception("heartbeat failed")

    socketio.start_background_task(loop)
