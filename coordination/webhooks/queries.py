"""What the webhook pages show: subscriptions with their delivery counts, and delivery logs."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..models import (
    Convening,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from ..pagination import Page, paginate

LOG_PAGE_SIZE = 50


@dataclass
class Listed:
    subscription: WebhookSubscription
    counts: dict[DeliveryStatus, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return self.counts.get(DeliveryStatus(status), 0)


def subscriptions(session: Session, convening: Convening | None) -> list[Listed]:
    """A convening's subscriptions (None: the installation-wide ones), oldest first."""
    scope = (
        WebhookSubscription.convening_id.is_(None)
        if convening is None
        else WebhookSubscription.convening_id == convening.id
    )
    listed = [
        Listed(subscription)
        for subscription in session.scalars(
            select(WebhookSubscription)
            .where(scope)
            .options(joinedload(WebhookSubscription.owner))
            .order_by(WebhookSubscription.id)
        )
    ]
    if listed:
        by_id = {entry.subscription.id: entry for entry in listed}
        rows = session.execute(
            select(WebhookDelivery.subscription_id, WebhookDelivery.status, func.count())
            .where(WebhookDelivery.subscription_id.in_(by_id))
            .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
        )
        for subscription_id, status, count in rows:
            by_id[subscription_id].counts[status] = count
    return listed


def delivery_log(session: Session, subscription: WebhookSubscription, number: int) -> Page:
    """The subscription's deliveries, newest first, with their events."""
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .options(joinedload(WebhookDelivery.event))
        .order_by(WebhookDelivery.id.desc())
    )
    count = (
        select(func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
    )
    return paginate(session, statement, number, LOG_PAGE_SIZE, count_statement=count)
