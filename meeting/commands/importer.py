"""`flask --app meeting import-roster FILE…` and `roster-template`: the roster import on the CLI."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import force_locale

from meeting.errors import UserError
from meeting.extensions import db
from meeting.services.roster.importing.formats import TEMPLATE_KINDS
from meeting.services.roster.importing.messages import format_error, kind_label
from meeting.services.roster.importing.service import import_files
from meeting.services.roster.importing.templates import template_file
from meeting.services.roster.importing.types import ImportRefused

_LOCALES = {"zh": "zh_CN", "en": "en"}


def register(app: Flask) -> None:
    """Add import-roster and roster-template."""
    @app.cli.command("import-roster")
    @click.argument("files", nargs=-1, required=True,
                    type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--lang", type=click.Choice(sorted(_LOCALES)), default=None,
                  help="language of the messages (default: the app's default locale)")
    def import_roster_command(files: tuple[Path, ...], lang: str | None) -> None:
        """Import roster files (.xlsx, or one .csv per list) together: all or nothing.

        Prints the counts, or every error as "row N, column C: reason" and exits with status 1
        having written nothing.
        """
        locale = _LOCALES[lang] if lang else current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(locale):
            try:
                result = import_files(db.session, [(p.name, p.read_bytes()) for p in files])
            except ImportRefused as refused:
                for error in refused.errors:
                    click.echo(format_error(error), err=True)
                click.echo(refused.message, err=True)
                raise SystemExit(1) from None
            except UserError as exc:
                click.echo(exc.message, err=True)
                raise SystemExit(1) from None
            for kind in [k for k in ("townships", "work_areas") if k in result.created] + result.kinds:
                click.echo(_counts(kind_label(kind), result.created[kind], result.updated[kind]))

    @app.cli.command("roster-template")
    @click.option("--kind", type=click.Choice(TEMPLATE_KINDS), default=None,
                  help="one list; omit for a workbook with all four sheets (xlsx only)")
    @click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
    @click.option("--lang", type=click.Choice(sorted(_LOCALES)), default="zh", show_default=True,
                  help="language of the headers")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="where to write it (default: the template's own name, here)")
    def roster_template_command(kind: str | None, fmt: str, lang: str, output: Path | None) -> None:
        """Write an empty import template (.xlsx or .csv)."""
        try:
            name, data, _mimetype = template_file(kind, fmt, lang)
        except UserError as exc:
            raise click.UsageError(exc.message) from None
        path = output or Path(name)
        path.write_bytes(data)
        click.echo(str(path))


def _counts(label: str, created: int, updated: int) -> str:
    from flask_babel import gettext as _

    return _("%(kind)s: %(created)d created, %(updated)d updated",
             kind=label, created=created, updated=updated)
