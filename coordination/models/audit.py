"""The audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .user import User


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_convening", "convening_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(300), default="")
    convening_id: Mapped[int | None] = mapped_column(
        ForeignKey("convening.id", ondelete="SET NULL")
    )
    # {"field": [before, after]} for updates; {"field": value} for creations.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote_address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()
