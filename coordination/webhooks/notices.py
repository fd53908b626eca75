"""The email telling a subscription's owner that it was paused after failing again and again."""

from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import Session, joinedload

from .. import mail
from ..models import WebhookSubscription
from ..urls import external_url


def queue_paused_notice(session: Session, subscription_id: int, failures: int, error: str) -> None:
    """Queue the notice in the transaction that pauses the subscription."""
    subscription = session.get(
        WebhookSubscription,
        subscription_id,
        populate_existing=True,
        options=[
            joinedload(WebhookSubscription.owner),
            joinedload(WebhookSubscription.convening),
        ],
    )
    if subscription is None or not subscription.owner.active:
        return
    text = render_template(
        "webhooks/paused_notice.txt",
        subscription=subscription,
        failures=failures,
        error=error,
        link=external_url("webhooks.show", subscription_id=subscription.id),
    )
    mail.queue(
        session,
        [subscription.owner.email],
        "Webhook paused: deliveries to your receiver kept failing",
        text,
        convening_id=subscription.convening_id,
    )
