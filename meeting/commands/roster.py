"""`flask --app meeting generate-roster`: fill an empty database with the demo roster."""
from __future__ import annotations

import time

import click
from flask import Flask

from meeting.errors import Conflict
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster, roster_is_empty
from meeting.extensions import db


def register(app: Flask) -> None:
    """Add generate-roster."""

    @app.cli.command("generate-roster")
    @click.option("--scale", type=click.FloatRange(min=0, min_open=True), default=1.0,
                  show_default=True, help="roster size; 1.0 = Yishui (10,180 cadres)")
    @click.option("--seed", type=int, default=2013, show_default=True,
                  help="same scale and seed give the same roster")
    def generate_roster_command(scale: float, seed: int) -> None:
        """Generate a deterministic demo roster and load it into the (empty) roster tables."""
        if not roster_is_empty(db.session):
            raise click.ClickException(
                "the roster is not empty: generate-roster only fills an empty database "
                "(use a fresh database, or remove the roster first)")
        started = time.perf_counter()
        roster = generate_roster(scale=scale, seed=seed)
        generated = time.perf_counter()
        try:
            counts = load_roster(db.session, roster)
        except Conflict as exc:  # another process filled it in the meantime
            raise click.ClickException(exc.message) from exc
        loaded = time.perf_counter()
        for table, count in counts.items():
            click.echo(f"{table:>12}  {count:>9,}")
        click.echo(f"generated in {generated - started:.1f} s, loaded in {loaded - generated:.1f} s "
                   f"(scale {scale:g}, seed {seed})")
