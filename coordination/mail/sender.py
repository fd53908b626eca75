"""The sender: claims due outbox rows, sends them, and records the outcome.

Each message is sent at most once while senders run normally, however many run at once:
a sender claims a row with a conditional UPDATE and commits the claim before it talks to
the SMTP server, so another sender's claim of that row matches no row and it moves on.

The remaining at-least-once window: if a sender dies (or loses the database) after the
server accepted a message but before ``sent_at`` was committed, the claim's lease expires
after CLAIM_LEASE and another sender sends the message again. The Message-ID comes from
the row, so the copy carries the same Message-ID and most mail stores drop it.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..models import OutboxMessage, utcnow
from .compose import compose
from .transport import backend_for, describe_error, describe_refusals

log = logging.getLogger("coordination.mail")

MAX_ATTEMPTS = 8
# A claim older than this belongs to a sender that died: its message may be sent again.
CLAIM_LEASE = timedelta(minutes=10)
LONGEST_WAIT = timedelta(hours=1)
CHUNK = 100


class DeliveryReport(NamedTuple):
    sent: int
    failed: int  # attempts that failed in this round (to be retried, or given up)


def retry_delay(attempts: int) -> timedelta:
    """The wait after that many failed attempts: 1, 2, 4... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-64:]


def _claimable(now: datetime) -> tuple:
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_LEASE),
    )


class Sender:
    """Sends due messages one at a time over one connection, as one named worker."""

    def __init__(self, session: Session, config, name: str | None = None):
        self.session = session
        self.config = config
        self.name = name or worker_name()
        self.backend = backend_for(config)

    def due(self, started: datetime) -> list[int]:
        """Ids of messages that were due when this round started and are not claimed."""
        ids = self.session.scalars(
            select(OutboxMessage.id)
            .where(*_claimable(started))
            .order_by(OutboxMessage.id)
            .limit(CHUNK)
        ).all()
        self.session.commit()
        return list(ids)

    def claim(self, message_id: int) -> OutboxMessage | None:
        """The message if this sender won it; the claim is committed before any sending."""
        now = utcnow()
        result = self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *_claimable(now))
            .values(claimed_by=self.name, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        message = None
        if result.rowcount == 1:
            message = self.session.get(OutboxMessage, message_id, populate_existing=True)
        # The commit also ends the transaction: none stays open while the server talks.
        self.session.commit()
        return message

    def _record(self, message: OutboxMessage, **values) -> None:
        self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.sent_at.is_(None))
            .values(attempts=message.attempts + 1, **values)
            .execution_options(synchronize_session=False)
        )
        self.session.commit()

    def send(self, message: OutboxMessage) -> bool:
        """Compose and send one claimed message; True if the server accepted it."""
        try:
            email, sender, recipients = compose(message, self.config)
            refused = self.backend.send(
                email, sender.addr_spec, [recipient.addr_spec for recipient in recipients]
            )
        except Exception as error:
            self._failed(message, error)
            return False
        # Accepted for the other recipients: sending again would repeat it to them.
        partial = describe_refusals(refused) if refused else None
        self._record(
            message,
            sent_at=utcnow(),
            last_error=f"Refused for some recipients: {partial}"[:2000] if partial else None,
            claimed_at=None,
        )
        return True

    def _failed(self, message: OutboxMessage, error: Exception) -> None:
        """Schedule the next attempt, or give up; either way release the claim."""
        text, permanent = describe_error(error)
        attempts = message.attempts + 1
        gave_up = permanent or attempts >= MAX_ATTEMPTS
        log.warning("Outbox message %s not sent (attempt %s): %s", message.id, attempts, text)
        now = utcnow()
        self._record(
            message,
            last_error=text[:2000],
            next_attempt_at=now + retry_delay(attempts),
            failed_at=now if gave_up else None,
            claimed_by=None,
            claimed_at=None,
        )

    def run(
        self, limit: int | None = None, stop: Callable[[], bool] | None = None
    ) -> DeliveryReport:
        """Send every message due now (at most ``limit``, until ``stop()``); returns counts."""
        started = utcnow()
        sent = failed = 0

        def enough() -> bool:
            return (limit is not None and sent + failed >= limit) or bool(stop and stop())

        try:
            while not enough():
                won = 0
                for message_id in self.due(started):
                    if enough():
                        break
                    message = self.claim(message_id)
                    if message is None:
                        continue
                    won += 1
                    if self.send(message):
                        sent += 1
                    else:
                        failed += 1
                if not won:
                    break
        finally:
            self.backend.close()
        return DeliveryReport(sent, failed)


def deliver_pending(
    session: Session, config, *, limit: int | None = None, worker: str | None = None
) -> DeliveryReport:
    """Send the committed messages that are due; returns (sent, failed)."""
    return Sender(session, config, worker).run(limit)
