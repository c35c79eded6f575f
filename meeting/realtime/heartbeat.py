"""A periodic beat to every live meeting's screens: liveness, clock, and the newest seq."""
from __future__ import annotations

import itertools
import logging
from typing import Iterator

from flask import Flask

from meeting.events_time import iso_now
from meeting.extensions import db, socketio
from meeting.realtime import broadcast, presence
from meeting.services.live.queries import open_meeting_seqs

log = logging.getLogger("minkao.realtime")


def beat_once(public: bool = True) -> int:
    """Send one heartbeat (and the jurors' presence to its moderators) per open meeting; returns how many meetings got one.

    `public=False`: not to the public screens this time (see `start`).
    """
    rows = open_meeting_seqs(db.session)
    now = iso_now()
    for meeting_id, seq in rows:
        broadcast.heartbeat(meeting_id, seq, now, public=public)
        presence.push(meeting_id)   # the console's "seen N s ago" stays current between changes
    return len(rows)


def public_beats(every: int) -> Iterator[bool]:
    """For each beat, whether the public screens get it: every `every`th (1 or less: all).

    Each beat is one message to each of thousands of public sockets, and a public screen needs
    it only to show that it is fresh (under 12 s) and to set its clock; tablets and consoles
    (presence, "seen N s ago") get every beat.
    """
    every = max(1, every)
    return (beat % every == 0 for beat in itertools.count())


def start(app: Flask, interval: float = 5.0) -> None:
    """Run beat_once every `interval` seconds in a background task for the process's lifetime."""
    public = public_beats(int(app.config.get("PUBLIC_HEARTBEAT_EVERY", 1)))

    def loop() -> None:
        while True:
            socketio.sleep(interval)
            try:
                with app.app_context():
                    beat_once(public=next(public))
                    db.remove()
            except Exception:  # noqa: BLE001 — a database blip must not stop the beat
                log.exception("heartbeat failed")

    socketio.start_background_task(loop)
