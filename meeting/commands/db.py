"""Database and account commands."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from meeting.extensions import db
from meeting.models import ROLES, User


def register(app: Flask) -> None:
    """Add db-upgrade and create-user."""

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


def ensure_user(username: str, password: str, role: str, display_name: str = "") -> User:
    """Create or update a staff account; commits."""
    session = db.session
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = User(username=username, role=role, display_name=display_name or username)
        session.add(user)
    user.role = role
    user.set_password(password)
    session.commit()
    return user
