"""Action items agreed at convenings, their history of updates, and reminder bookkeeping."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import ActionPriority, ActionStatus, ActionUpdateKind, ReminderKind, enum_column

if TYPE_CHECKING:
    from .agenda import AgendaItem, MinuteEntry
    from .convening import Convening
    from .invitation import Delegate
    from .organisation import Organisation
    from .user import User

OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED})


class ActionItem(Base):
    """Something agreed at a convening that an organisation or a person owes."""

    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_convening_status", "convening_id", "status"),
        Index("ix_action_item_owner_organisation", "owner_organisation_id", "status"),
        Index("ix_action_item_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    # The decision (a minute entry of kind decision) the action follows from, if any.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("minute_entry.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    owner_delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegate.id", ondelete="SET NULL")
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[ActionPriority] = mapped_column(
        enum_column(ActionPriority), default=ActionPriority.NORMAL
    )
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus), default=ActionStatus.OPEN
    )
    # The action this one continues, when carried over from an earlier convening.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), unique=True
    )
    # Set on the earlier action once carried over: it lives on in its successor.
    carried_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    decision: Mapped[MinuteEntry | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_delegate: Mapped[Delegate | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    carried_from: Mapped[ActionItem | None] = relationship(remote_side=[id])
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and self.carried_over_at is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class ActionUpdate(Base):
    """A status change, a progress note or an edit of an action, by whom and when."""

    __tablename__ = "action_update"
    __table_args__ = (Index("ix_action_update_action", "action_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    kind: Mapped[ActionUpdateKind] = mapped_column(enum_column(ActionUpdateKind))
    old_status: Mapped[ActionStatus | None] = mapped_column(enum_column(ActionStatus))
    new_status: Mapped[ActionStatus | None] = mapped_column(enum_column(ActionStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Kept as written at the time, so the history reads right after an account changes.
    author_name: Mapped[str] = mapped_column(String(200))
    author_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    author_organisation: Mapped[Organisation | None] = relationship()


class ActionReminder(Base):
    """A digest sent to one address on one day: the reminder run never sends it twice."""

    __tablename__ = "action_reminder"
    __table_args__ = (UniqueConstraint("recipient_email", "kind", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind))
    sent_on: Mapped[date] = mapped_column(Date)
    action_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
