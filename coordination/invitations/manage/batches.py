"""One organiser's action, one batch of email: its outcome and delivery progress.

Each action runs in one transaction: every email it queues is sent, or none is. The emails of
one action share a batch id so the organiser can follow their delivery.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import mail
from ...calendar import ics
from ...models import Convening, OutboxMessage


@dataclass
class Outcome:
    """What an action did: the batch of its emails (if any) and the organisations concerned."""

    batch: str | None = None
    emails: int = 0
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    total: int
    delivered: int
    failed: int

    @property
    def pending(self) -> int:
        return self.total - self.delivered - self.failed

    @property
    def finished(self) -> bool:
        return self.pending == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "delivered": self.delivered,
            "failed": self.failed,
            "pending": self.pending,
            "finished": self.finished,
        }


def new_batch() -> str:
    return secrets.token_hex(8)


def batch_progress(session: Session, convening: Convening, batch: str) -> Progress:
    """How many of the batch's emails were delivered, and how many failed for good."""
    total, delivered, failed = session.execute(
        select(
            func.count(OutboxMessage.id),
            func.count(OutboxMessage.sent_at),
            func.count(OutboxMessage.failed_at),
        ).where(OutboxMessage.batch == batch, OutboxMessage.convening_id == convening.id)
    ).one()
    return Progress(total=total, delivered=delivered, failed=failed)


def queue_calendar_email(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    calendar: str,
    cancel: bool,
    batch: str,
    convening: Convening,
    html: bool = True,
) -> OutboxMessage:
    """Queue an email rendered from templates/email/<template>.txt (and .html), with its .ics."""
    method = "CANCEL" if cancel else "REQUEST"
    filename = "cancellation.ics" if cancel else "invitation.ics"
    return mail.queue(
        session,
        [to],
        subject.format(title=convening.title),
        render_template(f"email/{template}.txt", **context),
        render_template(f"email/{template}.html", **context) if html else None,
        [ics.as_attachment(calendar, method, filename)],
        batch=batch,
        convening_id=convening.id,
    )
