"""Convenings, the series they belong to, and their teams."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import ConveningStatus, TeamRole, enum_column

if TYPE_CHECKING:
    from .organisation import Organisation
    from .user import User


class Series(Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    convenings: Mapped[list[Convening]] = relationship(
        back_populates="series", order_by="Convening.starts_at"
    )


class Convening(Base):
    __tablename__ = "convening"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    codename: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    venue_name: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(500))
    venue_room: Mapped[str | None] = mapped_column(String(100))
    remote_url: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sensitivity: Mapped[str] = mapped_column(String(50))
    status: Mapped[ConveningStatus] = mapped_column(
        enum_column(ConveningStatus), default=ConveningStatus.DRAFT, index=True
    )
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Set while the team's minutes are shared with participants (filtered by audience).
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # SEQUENCE of calendar files: raised whenever the time, place or status changes.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    host_organisation: Mapped[Organisation | None] = relationship()
    series: Mapped[Series | None] = relationship(back_populates="convenings")
    team: Mapped[list[TeamMembership]] = relationship(
        back_populates="convening", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def local_rsvp_deadline(self) -> datetime | None:
        return self.rsvp_deadline.astimezone(self.zone) if self.rsvp_deadline else None

    @property
    def is_draft(self) -> bool:
        return self.status == ConveningStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Convening {self.id} {self.title!r}>"


class TeamMembership(Base):
    __tablename__ = "team_membership"
    __table_args__ = (UniqueConstraint("convening_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    convening: Mapped[Convening] = relationship(back_populates="team")
    user: Mapped[User] = relationship()
