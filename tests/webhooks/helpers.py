"""Subscribing as a person does, running the real worker, and checking what arrived."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import time

from sqlalchemy import select

from coordination.db import get_database
from coordination.models import (
    Convening,
    User,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    utcnow,
)
from coordination.webhooks.delivery import Report, Worker
from coordination.webhooks.events import body_of, new_public_id
from coordination.webhooks.signing import new_secret


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, exactly as the README gives it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, fields["v1"])


def subscribe(client, convening: Convening | None, url: str, events=("convening.changed",)):
    """Post the subscription form of a convening's page (None: the administrators' page)."""
    path = f"/convenings/{convening.id}/webhooks" if convening else "/admin/webhooks"
    return client.post(path, data={"url": url, "events": list(events)})


def issued_secret(response) -> str | None:
    """The signing secret a page shows, if it shows one."""
    found = re.search(r'id="issued-secret"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def change_status(client, convening: Convening, status: str, version: int | None = None):
    """Press a status button on the convening's page."""
    return client.post(
        f"/convenings/{convening.id}/status",
        data={"status": status, "version": str(version or convening.version)},
    )


def deliver(app, name: str | None = None) -> Report:
    """One round of the real worker, on a session of its own, as the command runs it."""
    with app.app_context(), get_database(app).session() as session:
        return Worker(session, app.config, name).run()


def deliveries(db) -> list[WebhookDelivery]:
    db.expire_all()
    return list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def subscription_row(db, subscription_id: int) -> WebhookSubscription:
    db.expire_all()
    return db.get(WebhookSubscription, subscription_id)


def subscription_with_delivery(
    session,
    convening: Convening,
    owner: User,
    url: str = "https://hooks.example.org/coordination",
) -> tuple[WebhookSubscription, WebhookDelivery]:
    """A subscription of the convening's events with one delivery in its log, written directly."""
    subscription = WebhookSubscription(
        convening_id=convening.id,
        owner_id=owner.id,
        url=url,
        events=["convening.changed"],
        secret=new_secret(),
        consecutive_failures=0,
    )
    event = WebhookEvent(
        public_id=new_public_id("evt"),
        type="convening.changed",
        occurred_at=utcnow(),
        convening_id=convening.id,
        object_type="Convening",
        object_id=convening.id,
    )
    delivery = WebhookDelivery(
        public_id=new_public_id("dlv"),
        subscription=subscription,
        event=event,
        body=body_of(event, "convening", {"id": convening.id}),
    )
    session.add_all([subscription, event, delivery])
    session.commit()
    return subscription, delivery


def payload(received) -> dict:
    return json.loads(received.body)
