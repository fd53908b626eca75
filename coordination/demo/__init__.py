"""The Madison Valleywood demonstration data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..db import get_database
from ..models import User
from . import data
from .seed import seed


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--password",
    default="valleywood-demo",
    show_default=True,
    help="Password of every demo account.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has accounts.")
def seed_demo_command(password: str, if_empty: bool) -> None:
    """Load the Madison Valleywood series (running it twice changes nothing)."""
    with get_database().session() as session:
        if if_empty and session.scalar(select(func.count()).select_from(User)):
            click.echo("The database already has accounts; the demo was not loaded.")
            return
        report = seed(session, password)
        session.commit()
    if report.created:
        click.echo(f"Demo loaded: {len(report.created)} records added.")
        click.echo(f"Demo accounts (password: {password}):")
    else:
        click.echo("The demo is already loaded; nothing changed.")
        click.echo("Demo accounts (with the password given when the demo was first loaded):")
    for email, _name, role, _organisation, _admin in data.DEMO_ACCOUNTS:
        click.echo(f"  {email:28} {role}")
