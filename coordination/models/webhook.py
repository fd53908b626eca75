"""Webhook subscriptions, the events they hear of, and the delivery of each event to each."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import LabelledEnum, enum_column

if TYPE_CHECKING:
    from .convening import Convening
    from .user import User


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", "Waiting to be sent"
    DELIVERED = "delivered", "Delivered"
    # Retries are exhausted (or the owner may no longer receive it): only a resend sends it.
    FAILED = "failed", "Failed"


class WebhookSubscription(Base):
    """An HTTPS endpoint told of some events: of one convening, or of every one (admins)."""

    __tablename__ = "webhook_subscription"
    __table_args__ = (Index("ix_webhook_subscription_convening_id", "convening_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: every convening of the installation.
    convening_id: Mapped[int | None] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    # Deliveries show each resource as the API shows it to this user, never more.
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    # The signing key: shown to the owner once, kept because every delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # While paused nothing is sent; deliveries queued meanwhile wait for the resumption.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_reason: Mapped[str | None] = mapped_column(String(300))
    # Failed attempts since the last success; at the configured number it is paused.
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening | None] = relationship()
    owner: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class WebhookEvent(Base):
    """Something that happened, as told to the subscriptions that heard of it."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_convening_id", "convening_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id receivers see: they drop an event id they have already handled.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(50))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    convening_id: Mapped[int | None] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None]
    # Set for events that must happen once only (an action overdue on a due date).
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)


class WebhookDelivery(Base):
    """One event for one subscription: its signed body, and how sending it went."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # However many workers run, an event reaches a subscription through one row only.
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent as Coordination-Delivery, the same on every attempt.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id", ondelete="CASCADE"))
    # The JSON sent, fixed when the event happened: the resource as the owner saw it then.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A worker claims a row before sending it; a claim older than the lease is abandoned.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[WebhookSubscription] = relationship()
    event: Mapped[WebhookEvent] = relationship()
