"""Seeding a live meeting for real-server tests (the server runs in another process)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from meeting.commands.db import ensure_user
from meeting.extensions import db
from meeting.demo.sample_meeting import create_demo_meeting
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster

MODERATOR = ("moderator", "moderator-pass-1")


@dataclass
class SeededMeeting:
    """What a test needs to drive the meeting from outside."""

    meeting_id: int
    tokens: list[str]
    database_url: str


def seed_meeting(app: Flask, jurors: int = 5, rounds: int = 3, quorum: int | None = None) -> SeededMeeting:
    """Small roster, moderator account, and a demo meeting ready to start (the moderator bound to it)."""
    with app.app_context():
        load_roster(db.session, generate_roster(scale=0.003, seed=7))
        ensure_user(*MODERATOR, role="moderator")
        meeting = create_demo_meeting(db.session, jurors=jurors, rounds=rounds, quorum=quorum,
                                      moderators=(MODERATOR[0],))
        tokens = [j.token for j in meeting.jurors]
        meeting_id = meeting.id
        db.remove()
    return SeededMeeting(meeting_id, tokens, app.config["DATABASE_URL"])
