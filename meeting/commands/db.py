"""Database and account commands."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from meeting.errors import UserError
from meeting.extensions import db
from meeting.models import ROLES, User
from meeting.services.accounts.login_codes import CODE_VALID_FOR, issue_login_code


def register(app: Flask) -> None:
    """Add db-upgrade, create-user and login-code."""

    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Create or migrate the database schema to the newest revision."""
        from meeting.migrate import upgrade

        upgrade(current_app.config["DATABASE_URL"])
        click.echo("database is up to date")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice(ROLES), default="moderator")
    @click.password_option()
    def create_user(username: str, role: str, password: str) -> None:
        """Create a staff account, or reset its password and role."""
        user = ensure_user(username, password, role)
        click.echo(f"user {user.username} ({user.role}) saved")

    @app.cli.command("login-code")
    @click.argument("username")
    def login_code(username: str) -> None:
        """Print a one-time log-in code for this account (/login/code; once, 15 minutes)."""
        try:
            code = issue_login_code(db.session, username)
        except UserError as exc:
            raise click.ClickException(str(exc.message)) from None
        minutes = int(CODE_VALID_FOR.total_seconds() // 60)
        click.echo(f"one-time code for {username.strip()}: {code}")
        click.echo(f"valid once, for {minutes} minutes, at /login/code")


def ensure_user(username: str, password: str, role: str, display_name: str = "") -> User:
    """Create or update a staff account; commits. A new password ends the account's sessions."""
    session = db.session
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = User(username=username, role=role, display_name=display_name or username)
        session.add(user)
    user.role = role
    user.set_password(password)
    session.commit()
    return user
