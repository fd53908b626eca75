"""Calendar replies: the reply addresses given out, proposals kept for the organisers, and
messages the receiver could not match."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .convening import Convening
from .invitation import Delegate, Invitation


class ReplyAddress(Base):
    """The token in one calendar request's ORGANIZER address (only its hash is kept).

    It names one invitation (the focal point's event) or one delegate (theirs), within one
    convening, and works until that convening ends, read from the convening each time.
    """

    __tablename__ = "reply_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    convening_id: Mapped[int] = mapped_column(
        ForeignKey("convening.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegate.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    convening: Mapped[Convening] = relationship()
    invitation: Mapped[Invitation] = relationship()
    delegate: Mapped[Delegate | None] = relationship()


class CalendarProposal(Base):
    """A counter-proposal or delegation sent from a calendar: shown to the organisers, never
    applied."""

    __tablename__ = "calendar_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(320))
    detail: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(998), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuarantinedReply(Base):
    """A delivered message that changed nothing because it matched nothing it could answer."""

    __tablename__ = "quarantined_reply"
    __table_args__ = (Index("ix_quarantined_reply_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(320), default="")
    recipient: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(998), default="")
    message_id: Mapped[str] = mapped_column(String(998), default="")
    reason: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
