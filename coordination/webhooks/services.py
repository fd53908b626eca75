"""Subscribing to webhooks, pausing, resuming and deleting subscriptions, resending deliveries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    Convening,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
    utcnow,
)
from ..permissions import Action, can
from ..principal import Principal
from ..service import InputError, NotPermitted, StaleError
from . import targets
from .delivery import claim_lease
from .events import EVENT_TYPES
from .signing import new_secret


@dataclass(frozen=True)
class Subscribed:
    subscription: WebhookSubscription
    # The signing secret, shown to its owner once.
    secret: str


def _label(subscription: WebhookSubscription) -> str:
    return f"Webhook to {subscription.url}"


def _may_subscribe(principal: Principal, convening: Convening | None) -> bool:
    if convening is None:
        return principal.is_admin
    return can(principal, Action.MANAGE_WEBHOOKS, convening)


def check(url: str, events: Iterable[str]) -> tuple[str, list[str]]:
    """The address and the events chosen, each checked; InputError says what is wrong."""
    errors = {}
    try:
        url = targets.check(url, current_app.config)[0].url
    except targets.TargetRefused as error:
        errors["url"] = str(error)
    chosen = list(dict.fromkeys(events))
    if not chosen:
        errors["events"] = "Choose at least one event to send."
    elif any(event not in EVENT_TYPES for event in chosen):
        errors["events"] = "Choose events from the list."
    if errors:
        raise InputError(errors)
    # Kept in the list's order, so the pages show them alike.
    return url, [event for event in EVENT_TYPES if event in chosen]


def subscribe(
    session: Session,
    principal: Principal,
    convening: Convening | None,
    *,
    url: str,
    events: Iterable[str],
) -> Subscribed:
    """Subscribe an endpoint to events of a convening (or, for administrators, of all)."""
    if principal.user is None or not _may_subscribe(principal, convening):
        raise NotPermitted(
            "Only the convening's organisers may subscribe to its events."
            if convening is not None
            else "Only administrators may subscribe to the events of every convening."
        )
    url, chosen = check(url, events)
    secret = new_secret()
    subscription = WebhookSubscription(
        convening_id=convening.id if convening is not None else None,
        owner_id=principal.user.id,
        url=url,
        events=chosen,
        secret=secret,
        consecutive_failures=0,
    )
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        principal.user,
        "webhook.subscribed",
        subscription,
        # The events as one text: the audit trail reads a list of two as before and after.
        changes={"url": url, "events": ", ".join(chosen)},
        convening_id=subscription.convening_id,
        label=_label(subscription),
    )
    return Subscribed(subscription, secret)


def _check_may_manage(principal: Principal, subscription: WebhookSubscription) -> None:
    if not can(principal, Action.MANAGE_WEBHOOK_SUBSCRIPTION, subscription):
        raise NotPermitted("Only the convening's organisers may change its webhooks.")


def pause(session: Session, principal: Principal, subscription: WebhookSubscription) -> bool:
    """Stop sending until resumed; answers whether it was running."""
    _check_may_manage(principal, subscription)
    if subscription.is_paused:
        return False
    subscription.paused_at = utcnow()
    subscription.paused_reason = "Paused by hand."
    session.flush()
    audit.record(
        session,
        principal.user,
        "webhook.paused",
        subscription,
        convening_id=subscription.convening_id,
        label=_label(subscription),
    )
    return True


def resume(session: Session, principal: Principal, subscription: WebhookSubscription) -> bool:
    """Send again, starting with what waited while paused; answers whether it was paused."""
    _check_may_manage(principal, subscription)
    if not subscription.is_paused:
        return False
    now = utcnow()
    subscription.paused_at = None
    subscription.paused_reason = None
    subscription.consecutive_failures = 0
    session.flush()
    # What waited, waits no longer: a back-off begun before the pause is over.
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at > now,
        )
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        principal.user,
        "webhook.resumed",
        subscription,
        convening_id=subscription.convening_id,
        label=_label(subscription),
    )
    return True


def delete(
    session: Session,
    principal: Principal,
    subscription: WebhookSubscription,
    expected_version: int | None,
) -> None:
    """Remove the subscription and its delivery log; nothing more is sent to it."""
    _check_may_manage(principal, subscription)
    if expected_version != subscription.version:
        raise StaleError()
    audit.record(
        session,
        principal.user,
        "webhook.deleted",
        subscription,
        changes={"url": subscription.url, "events": ", ".join(subscription.events)},
        convening_id=subscription.convening_id,
        label=_label(subscription),
    )
    session.delete(subscription)
    session.flush()


def resend(session: Session, principal: Principal, delivery: WebhookDelivery) -> None:
    """Send one delivery again (the same event and delivery id, newly signed), soon."""
    subscription = delivery.subscription
    _check_may_manage(principal, subscription)
    now = utcnow()
    if delivery.claimed_at is not None and delivery.claimed_at > now - claim_lease(
        current_app.config
    ):
        raise InputError("It is being sent right now: look again in a moment.")
    delivery.status = DeliveryStatus.PENDING
    # A fresh round of attempts, with their back-off.
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claimed_by = None
    delivery.claimed_at = None
    session.flush()
    audit.record(
        session,
        principal.user,
        "webhook.resent",
        subscription,
        changes={"delivery": delivery.public_id, "event": delivery.event.public_id},
        convening_id=subscription.convening_id,
        label=_label(subscription),
    )
