"""Command-line interface: flask --app coordination <command>."""

from __future__ import annotations

import signal
import threading

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import with_appcontext

from .db import get_database
from .migrate import alembic_config


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(actions_group)
    from .api.commands import tokens_group
    from .demo import seed_demo_command
    from .webhooks.commands import webhooks_group

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(tokens_group)
    app.cli.add_command(webhooks_group)


@click.group("db", help="Database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@with_appcontext
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the latest)."""
    command.upgrade(alembic_config(current_app), revision)


@db_group.command("downgrade")
@with_appcontext
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step)."""
    command.downgrade(alembic_config(current_app), revision)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the schema's current revision."""
    command.current(alembic_config(current_app), verbose=True)


@db_group.command("history")
@with_appcontext
def db_history() -> None:
    """List the revisions."""
    command.history(alembic_config(current_app))


@db_group.command("revision")
@with_appcontext
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision, compared against the models by default."""
    command.revision(alembic_config(current_app), message=message, autogenerate=autogenerate)


@click.group("users", help="Accounts.")
def users_group() -> None:
    pass


@users_group.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from .auth.services import create_user
    from .principal import Principal
    from .service import InputError

    with get_database().session() as session:
        try:
            user = create_user(
                session,
                Principal(user=None),
                email=email,
                name=name,
                password=password,
                is_admin=True,
            )
        except InputError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
        click.echo(f"Administrator {user.email} created.")


@click.group("mail", help="The email outbox.")
def mail_group() -> None:
    pass


@mail_group.command("send")
@with_appcontext
@click.option("--worker", is_flag=True, help="Keep running, sending new messages as they come.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def mail_send(worker: bool, interval: float) -> None:
    """Send the outbox's due messages (once, or as a worker until stopped)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .mail import Sender, worker_name

    name = worker_name()
    stopping = threading.Event()
    if worker:
        # SIGTERM (from a service manager) ends the worker between messages, like Ctrl+C.
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        click.echo(f"Mail worker {name} started; sending every {interval:g} s.")
    try:
        while not stopping.is_set():
            try:
                with get_database().session() as session:
                    sent, failed = Sender(session, current_app.config, name).run(
                        stop=stopping.is_set
                    )
            except SQLAlchemyError as error:
                if not worker:
                    raise click.ClickException(f"Database error: {error}") from error
                click.echo(f"Database error, trying again: {error}", err=True)
                sent = failed = 0
            if sent or failed or not worker:
                click.echo(f"{sent} sent, {failed} failed")
            if not worker:
                return
            stopping.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("Mail worker stopped.")


@mail_group.command("receive")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8024, show_default=True, type=int)
def mail_receive(host: str, port: int) -> None:
    """Receive calendar replies over LMTP and apply them (until stopped)."""
    from .replies.server import serve

    click.echo(f"Receiving calendar replies over LMTP on {host}:{port}.")
    serve(current_app._get_current_object(), host, port)
    click.echo("Calendar reply receiver stopped.")


@click.group("actions", help="Action items.")
def actions_group() -> None:
    pass


@actions_group.command("remind")
@with_appcontext
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=(
        "Remind for this day (YYYY-MM-DD) in every convening; "
        "default: today on each convening's own calendar."
    ),
)
@click.option("--dry-run", is_flag=True, help="Say who would get a digest; send nothing.")
def actions_remind(on, dry_run: bool) -> None:
    """Email owners what is due soon or overdue, and teams what is overdue (once a day)."""
    from .actions import reminders
    from .actions.days import Today
    from .principal import Principal

    today = Today.on(on.date()) if on else Today.now()
    due_soon_days = int(current_app.config["ACTION_DUE_SOON_DAYS"])
    with get_database().session() as session:
        report = reminders.run(session, Principal(user=None), today, due_soon_days, dry_run)
    for digests in report.queued.values():
        for digest in digests:
            label = "would send" if dry_run else "queued"
            click.echo(
                f"{label}: {digest.kind.label} to {digest.email} "
                f"({len(digest.overdue)} overdue, {len(digest.due_soon)} due soon)"
            )
    click.echo(report.summary())
