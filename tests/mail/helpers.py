"""Running the real sender against the test database."""

from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import select, update

from coordination.db import get_database
from coordination.mail import DeliveryReport, deliver_pending, queue
from coordination.models import OutboxMessage, utcnow


def send_outbox(app, **options) -> DeliveryReport:
    """One round of the sender, as ``flask mail send`` runs it."""
    with get_database(app).session() as session:
        return deliver_pending(session, app.config, **options)


def queue_committed(db, recipients, subject="Hello", text="Body", **options) -> OutboxMessage:
    message = queue(db, list(recipients), subject, text, **options)
    db.commit()
    return message


def reload(db, message: OutboxMessage) -> OutboxMessage:
    db.expire_all()
    return db.scalars(select(OutboxMessage).where(OutboxMessage.id == message.id)).one()


def make_due(db, message: OutboxMessage) -> None:
    """Skip the back-off wait, as if its time had come."""
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
