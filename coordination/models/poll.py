"""A date poll on a draft convening: candidate slots, the organisations voting, their votes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import LabelledEnum, enum_column

if TYPE_CHECKING:
    from .convening import Convening
    from .invitation import Invitation


class PollStatus(LabelledEnum):
    DRAFT = "draft", "Being prepared"
    OPEN = "open", "Open for votes"
    CLOSED = "closed", "Closed"


class PollChoice(LabelledEnum):
    YES = "yes", "Yes"
    IF_NEED_BE = "if_need_be", "If need be"
    NO = "no", "No"


class Poll(Base):
    """One poll per convening: it ends by choosing the convening's time."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(
        ForeignKey("convening.id", ondelete="CASCADE"), unique=True
    )
    # Voters see this rather than the draft's own title, which is the team's alone.
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[PollStatus] = mapped_column(enum_column(PollStatus), default=PollStatus.DRAFT)
    # The slot it closed on; a plain id, as the slot belongs to the poll and is kept with it.
    chosen_slot_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening] = relationship()
    slots: Mapped[list[PollSlot]] = relationship(
        back_populates="poll",
        cascade="all, delete-orphan",
        order_by="PollSlot.starts_at",
    )
    voters: Mapped[list[PollVoter]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollVoter.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def chosen_slot(self) -> PollSlot | None:
        return next((slot for slot in self.slots if slot.id == self.chosen_slot_id), None)


class PollSlot(Base):
    __tablename__ = "poll_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    poll: Mapped[Poll] = relationship(back_populates="slots")


class PollVoter(Base):
    """An invited organisation asked to vote, answering through its focal point."""

    __tablename__ = "poll_voter"
    __table_args__ = (UniqueConstraint("poll_id", "invitation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    must_attend: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    poll: Mapped[Poll] = relationship(back_populates="voters")
    invitation: Mapped[Invitation] = relationship()
    votes: Mapped[list[PollVote]] = relationship(
        back_populates="voter", cascade="all, delete-orphan"
    )


class PollVote(Base):
    __tablename__ = "poll_vote"
    __table_args__ = (UniqueConstraint("voter_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("poll_voter.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slot.id", ondelete="CASCADE"), index=True)
    choice: Mapped[PollChoice] = mapped_column(enum_column(PollChoice, length=16))

    voter: Mapped[PollVoter] = relationship(back_populates="votes")
