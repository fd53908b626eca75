"""An organisation invited to a convening, and the delegates it names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import (
    AttendanceMode,
    DelegateStatus,
    InvitationStatus,
    SeatRequestStatus,
    enum_column,
)

if TYPE_CHECKING:
    from .convening import Convening
    from .organisation import Contact, Organisation
    from .user import User

# Statuses in which the organisation's people count as participants.
PARTICIPATING_STATUSES = (
    InvitationStatus.SENT,
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
    InvitationStatus.DECLINED,
)
# Statuses in which the organisation has answered.
ANSWERED_STATUSES = (
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
    InvitationStatus.DECLINED,
)


class Invitation(Base):
    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("convening_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.DRAFT
    )
    seat_quota: Mapped[int] = mapped_column(default=2)
    focal_point_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # The focal point's link: only its hash is kept. It works until the convening ends, read
    # from the convening each time, so rescheduling moves it (see invitations.links).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(default=0)
    extra_seats_requested: Mapped[int] = mapped_column(default=0)
    extra_seats_status: Mapped[SeatRequestStatus] = mapped_column(
        enum_column(SeatRequestStatus), default=SeatRequestStatus.NONE
    )
    extra_seats_reason: Mapped[str] = mapped_column(Text, default="")
    # Added to the convening's sequence in this invitee's calendar files.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening] = relationship()
    organisation: Mapped[Organisation] = relationship()
    focal_point: Mapped[Contact | None] = relationship()
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="invitation",
        cascade="all, delete-orphan",
        order_by="(Delegate.is_head.desc(), Delegate.name)",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def active_delegates(self) -> list[Delegate]:
        return [d for d in self.delegates if d.status == DelegateStatus.CONFIRMED]

    @property
    def seats_used(self) -> int:
        return len(self.active_delegates)


class Delegate(Base):
    """A person attending for an invited organisation."""

    __tablename__ = "delegate"
    __table_args__ = (
        UniqueConstraint("invitation_id", "email_normalized"),
        Index("ix_delegate_email_normalized", "email_normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(200))
    attendance: Mapped[AttendanceMode] = mapped_column(
        enum_column(AttendanceMode), default=AttendanceMode.IN_PERSON
    )
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DelegateStatus] = mapped_column(
        enum_column(DelegateStatus), default=DelegateStatus.CONFIRMED
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="delegates")
    checked_in_by: Mapped[User | None] = relationship()


class DelegateMail(Base):
    """One delegate email (with its calendar file) sent because of a change to an invitation.

    Kept to cap how much such mail one invitation, or one address, receives in an hour.
    """

    __tablename__ = "delegate_mail"
    __table_args__ = (
        Index("ix_delegate_mail_invitation_queued", "invitation_id", "queued_at"),
        Index("ix_delegate_mail_address_queued", "address_normalized", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    address_normalized: Mapped[str] = mapped_column(String(254))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
