"""``flask webhooks``: the worker that sends webhook deliveries."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_database


@click.group("webhooks", help="Signed webhooks.")
def webhooks_group() -> None:
    pass


@webhooks_group.command("deliver")
@with_appcontext
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds.")
def deliver(once: bool, interval: float) -> None:
    """Send due webhook deliveries: as a worker until stopped, or once with --once."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..mail import worker_name
    from .delivery import Worker

    name = worker_name()
    stopping = threading.Event()
    if not once:
        # SIGTERM (from a service manager) ends the worker between deliveries, like Ctrl+C.
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        click.echo(f"Webhook worker {name} started; looking every {interval:g} s.")
    try:
        while not stopping.is_set():
            try:
                with get_database().session() as session:
                    report = Worker(session, current_app.config, name).run(stop=stopping.is_set)
            except SQLAlchemyError as error:
                if once:
                    raise click.ClickException(f"Database error: {error}") from error
                click.echo(f"Database error, trying again: {error}", err=True)
                stopping.wait(interval)
                continue
            if report.delivered or report.failed or once:
                click.echo(f"{report.delivered} delivered, {report.failed} failed")
            if once:
                return
            stopping.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("Webhook worker stopped.")
