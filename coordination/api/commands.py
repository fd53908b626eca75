"""``flask tokens``: personal access tokens for scripts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..db import get_database
from ..models import TokenScope, User
from ..principal import load_principal
from ..service import InputError
from . import tokens


@click.group("tokens", help="Personal access tokens for the JSON API.")
def tokens_group() -> None:
    pass


@tokens_group.command("create")
@with_appcontext
@click.option("--user", "email", required=True, help="The owner's email address.")
@click.option(
    "--scope",
    type=click.Choice([scope.value for scope in TokenScope]),
    default=TokenScope.READ.value,
    show_default=True,
    help="read, or write (which includes read).",
)
@click.option(
    "--expires",
    "days",
    type=int,
    default=tokens.DEFAULT_DAYS,
    show_default=True,
    help="Days until it expires.",
)
@click.option("--name", default="Script", show_default=True, help="What uses it.")
def create_token(email: str, scope: str, days: int, name: str) -> None:
    """Make a token acting as USER and print it (it is shown only this once)."""
    with get_database().session() as session:
        user = session.scalar(
            select(User).where(User.email_normalized == func.lower(email.strip()))
        )
        if user is None or not user.active:
            raise click.ClickException(f"No active account has the address {email}.")
        try:
            issued = tokens.issue(
                session, load_principal(session, user), name=name, scope=scope, days=days
            )
        except InputError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
        click.echo(issued.secret)
        click.echo(
            f"Token '{name}' for {user.email}, {scope}, expires "
            f"{issued.token.expires_at:%Y-%m-%d %H:%M} UTC. Keep it secret: it is not shown again.",
            err=True,
        )
