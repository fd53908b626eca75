"""The events one may subscribe to, and how a change becomes deliveries (the outbox pattern).

Services know nothing of webhooks: they record audit events, and the listener registered here
turns the audit actions below into webhook events inside the same transaction, adding one
delivery row per subscription that hears of it. A change rolled back delivers nothing.

Each delivery's body is fixed when the event happens: the resource as the API shows it to the
subscription's owner at that moment, through the representer its domain registered. An owner
who may not see the resource (or no longer may have the subscription) gets no delivery, and a
kind of resource with no representer yet is not delivered at all.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..api.representations import represent
from ..models import (
    ActionItem,
    AuditEvent,
    ConveningStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    utcnow,
)
from ..principal import Principal, load_principal
from .access import may_receive

log = logging.getLogger("coordination.webhooks")

# Every event type, in the order the subscription form offers them.
EVENT_TYPES: dict[str, str] = {
    "invitation.answered": "An invitation is answered",
    "delegate.added": "A delegate is named",
    "delegate.removed": "A delegate is removed",
    "agenda.published": "A version of the agenda is published",
    "document.published": "A briefing document is published",
    "document.replaced": "A briefing document's file is replaced",
    "action.created": "An action item is created",
    "action.updated": "An action item is edited, its status changes or a note is added",
    "action.overdue": "An action item is overdue (once for each due date)",
    "convening.changed": "The convening's details or status change",
    "convening.cancelled": "The convening is cancelled",
}

# The audit actions each event type is made from.
FROM_AUDIT: dict[str, str] = {
    "invitation.answered": "invitation.answered",
    "delegate.added": "delegate.added",
    "delegate.cancelled": "delegate.removed",
    "agenda.published": "agenda.published",
    "document.created": "document.published",
    "document.version_added": "document.replaced",
    "action.created": "action.created",
    # Carried over to another convening: a new action there, this one closed here.
    "action.carried_in": "action.created",
    "action.carried_over": "action.updated",
    "action.updated": "action.updated",
    "action.status_changed": "action.updated",
    "action.note_added": "action.updated",
    "convening.updated": "convening.changed",
}


def new_public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def event_type_of(event: AuditEvent) -> str | None:
    """The webhook event an audit event makes, if any."""
    if event.action == "convening.status_changed":
        status = (event.changes or {}).get("status") or [None, None]
        if status[-1] == ConveningStatus.CANCELLED.value:
            return "convening.cancelled"
        return "convening.changed"
    return FROM_AUDIT.get(event.action)


def _listening(
    session: Session, event_type: str, convening_id: int | None
) -> list[WebhookSubscription]:
    scope = WebhookSubscription.convening_id.is_(None)
    if convening_id is not None:
        scope = or_(scope, WebhookSubscription.convening_id == convening_id)
    subscriptions = session.scalars(
        select(WebhookSubscription)
        .where(scope)
        .options(joinedload(WebhookSubscription.owner), joinedload(WebhookSubscription.convening))
        .order_by(WebhookSubscription.id)
    )
    return [subscription for subscription in subscriptions if event_type in subscription.events]


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body_of(event: WebhookEvent, kind: str, resource: dict[str, Any]) -> str:
    """The JSON a subscription receives for an event."""
    return json.dumps(
        {
            "id": event.public_id,
            "type": event.type,
            "time": _time(event.occurred_at),
            "convening_id": event.convening_id,
            "kind": kind,
            "resource": resource,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _shown(session: Session, principal: Principal, obj: Any) -> tuple[str, dict] | None:
    try:
        return represent(session, principal, obj)
    except SQLAlchemyError:
        raise
    except Exception:
        # A faulty representer must not stop the change it would announce.
        log.exception("Could not represent %s %s", type(obj).__name__, getattr(obj, "id", ""))
        return None


def announce(
    session: Session,
    event_type: str,
    obj: Any,
    *,
    convening_id: int | None,
    once_key: str | None = None,
) -> WebhookEvent | None:
    """Queue a delivery of the event to each subscription that hears of it and may see it.

    Answers the event, or None when no subscription receives it (then nothing is written).
    Paused subscriptions still queue: what they miss is sent once they are resumed.
    """
    subscriptions = _listening(session, event_type, convening_id)
    if not subscriptions:
        return None
    event = WebhookEvent(
        public_id=new_public_id("evt"),
        type=event_type,
        occurred_at=utcnow(),
        convening_id=convening_id,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        once_key=once_key,
    )
    principals: dict[int, Principal] = {}
    deliveries = []
    for subscription in subscriptions:
        owner = subscription.owner
        if owner.id not in principals:
            principals[owner.id] = load_principal(session, owner)
        principal = principals[owner.id]
        if not may_receive(principal, subscription):
            continue
        shown = _shown(session, principal, obj)
        if shown is None:
            continue
        kind, resource = shown
        deliveries.append(
            WebhookDelivery(
                public_id=new_public_id("dlv"),
                subscription=subscription,
                event=event,
                body=body_of(event, kind, resource),
                next_attempt_at=event.occurred_at,
            )
        )
    if not deliveries:
        return None
    session.add(event)
    session.add_all(deliveries)
    return event


def _on_record(session: Session, event: AuditEvent, obj: Any) -> None:
    event_type = event_type_of(event)
    if event_type is not None:
        announce(session, event_type, obj, convening_id=event.convening_id)


audit.on_record(_on_record)


def overdue_key(action: ActionItem) -> str:
    return f"action.overdue:{action.id}:{action.due_on.isoformat()}"


def announce_overdue(session: Session, actions: Iterable[ActionItem]) -> int:
    """Announce each overdue action once for its due date; answers how many were announced.

    The event's key is unique, so a second run that day, or one racing this one, announces
    nothing again. The caller commits.
    """
    actions = [action for action in actions if action.due_on is not None]
    if not actions or not _any_listening(session, "action.overdue"):
        return 0
    keys = {overdue_key(action) for action in actions}
    done = set(
        session.scalars(select(WebhookEvent.once_key).where(WebhookEvent.once_key.in_(keys)))
    )
    announced = 0
    for action in actions:
        key = overdue_key(action)
        if key in done:
            continue
        try:
            with session.begin_nested():
                event = announce(
                    session,
                    "action.overdue",
                    action,
                    convening_id=action.convening_id,
                    once_key=key,
                )
                session.flush()
        except IntegrityError:
            continue
        if event is not None:
            announced += 1
    return announced


def _any_listening(session: Session, event_type: str) -> bool:
    return any(
        event_type in events for events in session.scalars(select(WebhookSubscription.events))
    )
