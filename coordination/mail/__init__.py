"""The transactional outbox and its delivery over SMTP.

Services queue messages in the same transaction as the change they announce, so a
rolled-back change sends nothing. Only the sender composes email, from committed rows
(``compose``); ``sender`` explains how two senders never send one message twice.
"""

from __future__ import annotations

import logging

from flask import current_app, g, has_request_context
from sqlalchemy.orm import Session

from ..models import OutboxMessage
from .compose import PermanentFailure, compose, mailbox, one_line, sender_address
from .sender import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    DeliveryReport,
    Sender,
    deliver_pending,
    retry_delay,
    worker_name,
)
from .transport import SECURITY_MODES, LogBackend, SMTPBackend, backend_for

__all__ = [
    "CLAIM_LEASE",
    "MAX_ATTEMPTS",
    "SECURITY_MODES",
    "DeliveryReport",
    "LogBackend",
    "PermanentFailure",
    "SMTPBackend",
    "Sender",
    "backend_for",
    "compose",
    "deliver_after_request",
    "deliver_pending",
    "mailbox",
    "queue",
    "retry_delay",
    "sender_address",
    "worker_name",
]

log = logging.getLogger("coordination.mail")


def queue(
    session: Session,
    recipients: list[str],
    subject: str,
    text_body: str,
    html_body: str | None = None,
    attachments: list[dict] | None = None,
    *,
    batch: str | None = None,
    convening_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the transaction commits.

    ``batch`` groups the messages of one bulk action so its progress can be shown.
    """
    message = OutboxMessage(
        recipients=[one_line(address) for address in recipients],
        subject=one_line(subject)[:300],
        text_body=text_body,
        html_body=html_body,
        attachments=attachments or [],
        batch=batch,
        convening_id=convening_id,
    )
    session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def deliver_after_request(_response=None) -> None:
    """In development, send what the request queued once its transaction committed.

    It goes through the same claims as the worker, so both can run at once.
    """
    if not g.pop("mail_queued", False):
        return
    app = current_app
    if not app.config["MAIL_DELIVER_AFTER_REQUEST"]:
        return
    from ..db import close_session, get_database

    # The view has committed; closing its session first means no transaction of this
    # request can hold the database while the sender claims messages.
    close_session()
    try:
        with get_database().session() as session:
            deliver_pending(session, app.config)
    except Exception:
        log.exception("Sending mail after the request failed; the worker will retry")
