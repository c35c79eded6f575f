"""Draw commands: a full rehearsal of the verifiable draw, and the bundle export.

    flask --app meeting draw-rehearsal --plan whole --draws 5 --entropy "3 5 1 6 2" --out rehearsal.json
    python -m scoring.verify rehearsal.json
"""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.models import Cadre, Household, Meeting, Township
from meeting.services.draw import bundle as bundle_service
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from scoring import bundle as bundle_mod

ACTOR = "cli:draw-rehearsal"


def register(app: Flask) -> None:
    """Add draw-rehearsal, draw-declare-entropy and draw-bundle."""

    @app.cli.command("draw-rehearsal")
    @click.option("--plan", "kind", type=click.Choice(["whole", "filter", "strata"]), default="whole",
                  show_default=True, help="whole pool, a rank-filtered pool, or one stratum per township")
    @click.option("--draws", type=int, default=5, show_default=True, help="draws (per stratum for --plan strata)")
    @click.option("--ranks", default="county_leader,township_leader", show_default=True,
                  help="comma-separated ranks kept by --plan filter")
    @click.option("--strata", default="", help="comma-separated township codes, in draw order (default: all)")
    @click.option("--entropy", multiple=True, required=True,
                  help="live entropy, '[label:] value', e.g. 'dice: 3 5 1 6 2'; repeat for more sources")
    @click.option("--households", type=int, default=2, show_default=True, help="households to pick per cadre")
    @click.option("--skip", type=int, multiple=True, help="draw numbers to log as absent (skipped)")
    @click.option("--exclude", multiple=True, help="'NUMBER:reason' to keep a cadre out of the pool")
    @click.option("--title", default="抽号演练", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("rehearsal-bundle.json"),
                  show_default=True)
    def draw_rehearsal(kind: str, draws: int, ranks: str, strata: str, entropy: tuple[str, ...],
                       households: int, skip: tuple[int, ...], exclude: tuple[str, ...], title: str,
                       out: Path) -> None:
        """Rehearse the whole draw on the current roster and write its bundle.

        Creates a rehearsal meeting (protocol minkao-draw/1-rehearsal, its own seed), freezes the
        pool, commits, enters the entropy, draws, picks households, reveals, exports.
        """
        try:
            path, meeting_id = run_rehearsal(kind, draws, ranks, strata, entropy, households, skip, exclude,
                                             title, out)
        except UserError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"rehearsal meeting {meeting_id}: bundle written to {path}")
        click.echo(f"check it with:  python -m scoring.verify {path}")

    @app.cli.command("draw-declare-entropy")
    @click.option("--meeting", "meeting_id", type=int, required=True)
    @click.option("--source", "sources", multiple=True, required=True,
                  help="'label|dice|count|supplier' or 'label|digits|count|supplier'; repeat, in entry order")
    def draw_declare_entropy(meeting_id: int, sources: tuple[str, ...]) -> None:
        """Declare the live-entropy sources (printed on the notice) before committing the seed."""
        parsed = []
        for source in sources:
            parts = source.split("|")
            if len(parts) != 4 or not parts[2].strip().isdigit():
                raise click.BadParameter("each --source is 'label|kind|count|supplier'")
            parsed.append({"label": parts[0], "kind": parts[1].strip(), "count": int(parts[2]), "supplier": parts[3]})
        try:
            declared = draw_seed.declare_entropy_sources(db.session, meeting_id, parsed, actor="cli:organiser")
        except UserError as exc:
            raise click.ClickException(error_text(exc)) from None
        for d in declared:
            click.echo(f"{d['label']}: {d['count']} × {d['kind']}, supplied by {d['supplier']}")

    @app.cli.command("draw-bundle")
    @click.option("--meeting", "meeting_id", type=int, required=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def draw_bundle(meeting_id: int, out: Path) -> None:
        """Write the public verification bundle of a meeting whose seed is revealed."""
        try:
            data = bundle_service.build_bundle(db.session, meeting_id)
        except UserError as exc:
            raise click.ClickException(str(exc.message)) from None
        out.write_text(bundle_mod.dumps(data), encoding="utf-8")
        click.echo(f"bundle of meeting {meeting_id} written to {out}")


def run_rehearsal(kind: str, draws: int, ranks: str, strata: str, entropy: tuple[str, ...], households: int,
                  skip: tuple[int, ...], exclude: tuple[str, ...], title: str, out: Path) -> tuple[Path, int]:
    """The rehearsal itself (the command is a thin wrapper); returns (bundle path, meeting id)."""
    session = db.session
    if session.scalar(sa.select(sa.func.count()).select_from(Cadre)) == 0:
        raise UserError("rehearsal_roster_empty")
    plan: dict = {"kind": kind, "draws": draws}
    if kind == "filter":
        plan["ranks"] = [r.strip() for r in ranks.split(",") if r.strip()]
    elif kind == "strata":
        codes = [c.strip() for c in strata.split(",") if c.strip()] or list(session.scalars(
            sa.select(Township.code).where(Township.id.in_(sa.select(Cadre.township_id))).order_by(Township.code)))
        plan = {"kind": "strata", "strata": codes, "per_stratum": draws}
    exclusions = []
    for item in exclude:
        number, _, reason = item.partition(":")
        exclusions.append({"number": number.strip(), "reason": reason.strip() or "rehearsal"})
    meeting = Meeting(title=title, rehearsal=True, rounds_planned=draws)
    session.add(meeting)
    session.commit()
    mid = meeting.id
    summary = draw_pool.freeze_pool(session, mid, plan, exclusions, actor=ACTOR)
    click.echo(f"pool frozen: {summary.pool_size} cadres, roster sha256 {summary.roster_hash}")
    click.echo(f"commitment:  {draw_seed.commit_seed(session, mid, actor=ACTOR)}")
    sources = []
    for i, item in enumerate(entropy, start=1):
        label, sep, value = item.partition(":")
        sources.append((label, value) if sep else (f"live {i}" if len(entropy) > 1 else "live", item))
    click.echo("entropy:     " + draw_seed.enter_entropy(session, mid, sources, actor=ACTOR)["canonical"])
    number = 1
    while True:
        try:
            result = draw_steps.draw_next(session, mid, actor=ACTOR, expected_draw=number)
        except UserError as exc:
            if exc.code == "draw_exhausted":
                break
            raise
        line = f"draw {result.draw}: cadre {result.cadre_number} {result.cadre_name}"
        if number in skip:
            draw_steps.skip_drawn(session, mid, number, "other", actor=ACTOR, text="rehearsal: absent")
            line += "  (skipped)"
        elif households > 0 and session.scalar(sa.select(sa.func.count()).select_from(Household).where(
                Household.cadre_id == result.cadre_id)):
            picks = draw_steps.pick_households(session, mid, count=households, actor=ACTOR,
                                                 cadre_number=result.cadre_number)
            line += "  households " + ", ".join(p.code for p in picks)
        click.echo(line)
        number += 1
    click.echo(f"seed:        {draw_seed.reveal_seed(session, mid, actor=ACTOR)}")
    out.write_text(bundle_mod.dumps(bundle_service.build_bundle(session, mid)), encoding="utf-8")
    return out, mid
