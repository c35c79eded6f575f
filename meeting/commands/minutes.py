"""The minutes report as a PDF, printed by headless Chromium (no server, no network).

    flask --app meeting minutes-pdf 7 --out minutes-7.pdf
    flask --app meeting minutes-pdf 7 --out minutes-7.pdf --chromium /usr/bin/chromium

The report page (/admin/meetings/<id>/minutes) is rendered here, written to a temporary file
next to nothing but its own stylesheet (a file: address), and printed to A4 by Chromium.
Only a closed meeting has minutes.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import click
from flask import Flask, render_template

from meeting.errors import UserError
from meeting.extensions import db
from meeting.messages import error_text
from meeting.paths import ROOT
from meeting.services.followup.minutes import minutes_data

TEMPLATE = "minutes/report.html"
STYLESHEET = ROOT / "static" / "minutes" / "report.css"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run")


def report_html(meeting_id: int) -> str:
    """The report's HTML with its stylesheet as a file: address (for printing outside a server)."""
    return render_template(TEMPLATE, data=minutes_data(db.session, meeting_id), stylesheet=STYLESHEET.as_uri())


def print_pdf(html: str, out: Path, chromium: str, timeout: float = 120) -> None:
    """Print `html` to the PDF `out` with headless Chromium; RuntimeError if it produced none."""
    with tempfile.TemporaryDirectory(prefix="minkao-minutes-") as tmp:
        page = Path(tmp) / "minutes.html"
        page.write_text(html, encoding="utf-8")
        args = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--print-to-pdf={out}", page.as_uri()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium made no PDF (exit {done.returncode}): {done.stderr.strip()[-500:]}")


def register(app: Flask) -> None:
    """Add minutes-pdf."""

    @app.cli.command("minutes-pdf")
    @click.argument("meeting_id", type=int)
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="the PDF file to write")
    @click.option("--chromium", default="", help="the Chromium binary (default: chromium on PATH)")
    def minutes_pdf(meeting_id: int, out: Path, chromium: str) -> None:
        """Print the minutes of a closed meeting to an A4 PDF."""
        binary = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise click.ClickException("chromium not found: install it or pass --chromium")
        with app.test_request_context("/?lang=zh_CN"):
            try:
                html = report_html(meeting_id)
            except UserError as exc:
                raise click.ClickException(str(error_text(exc))) from None
        out = out.resolve()
        out.unlink(missing_ok=True)
        try:
            print_pdf(html, out, binary)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{out}")
