"""The timed agenda, its published versions, and the minutes kept against it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import AgendaItemKind, AudienceKind, MinuteKind, enum_column

if TYPE_CHECKING:
    from .convening import Convening
    from .invitation import Delegate
    from .organisation import Organisation
    from .user import User


class Audience(Base):
    """Who may see an agenda item or a document: everyone invited, kinds, organisations, team."""

    __tablename__ = "audience"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AudienceKind] = mapped_column(
        enum_column(AudienceKind), default=AudienceKind.EVERYONE
    )
    # For AudienceKind.KINDS: the OrganisationKind values admitted.
    organisation_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)

    organisation_links: Mapped[list[AudienceOrganisation]] = relationship(
        cascade="all, delete-orphan"
    )

    @property
    def organisation_ids(self) -> set[int]:
        return {link.organisation_id for link in self.organisation_links}


class AudienceOrganisation(Base):
    """An organisation admitted by an audience of kind ORGANISATIONS."""

    __tablename__ = "audience_organisation"

    audience_id: Mapped[int] = mapped_column(
        ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)

    organisation: Mapped[Organisation] = relationship()


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        Index("ix_agenda_item_convening_position", "convening_id", "position"),
        # Item ids name calendar events (UIDs): SQLite must never hand a deleted id out again.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[AgendaItemKind] = mapped_column(
        enum_column(AgendaItemKind), default=AgendaItemKind.SESSION
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int]
    # When set, the item starts at this instant and what follows is timed from it.
    fixed_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    presenters_text: Mapped[str] = mapped_column(String(500), default="")
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"))
    # Raised when the item's computed times change, for calendar files.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening] = relationship()
    audience: Mapped[Audience] = relationship(cascade="all, delete-orphan", single_parent=True)
    presenters: Mapped[list[AgendaPresenter]] = relationship(
        back_populates="agenda_item", cascade="all, delete-orphan", order_by="AgendaPresenter.id"
    )

    __mapper_args__ = {"version_id_col": version}


class AgendaPresenter(Base):
    """A presenter of an item: a delegate or an organisation (free text is on the item)."""

    __tablename__ = "agenda_presenter"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id", ondelete="CASCADE"))

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="presenters")
    organisation: Mapped[Organisation | None] = relationship()
    delegate: Mapped[Delegate | None] = relationship()


class AgendaVersion(Base):
    """A published, frozen agenda: its items as they were, and what changed since the last."""

    __tablename__ = "agenda_version"
    __table_args__ = (UniqueConstraint("convening_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # [{"item_id", "kind", "title", "description", "starts_at", "ends_at", "presenters",
    #   "audience": {"kind", "organisation_kinds", "organisation_ids"}}, ...]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {"added": [...], "removed": [...], "retimed": [...], "retitled": [...]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    published_by: Mapped[User | None] = relationship()


class MinuteEntry(Base):
    """A note or a decision recorded by the team, optionally against an agenda item."""

    __tablename__ = "minute_entry"
    __table_args__ = (Index("ix_minute_entry_convening", "convening_id", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    kind: Mapped[MinuteKind] = mapped_column(enum_column(MinuteKind), default=MinuteKind.NOTE)
    body: Mapped[str] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    agenda_item: Mapped[AgendaItem | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[MinuteRevision]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="MinuteRevision.id"
    )

    __mapper_args__ = {"version_id_col": version}


class MinuteRevision(Base):
    """An earlier text of a minute entry, kept when it is edited."""

    __tablename__ = "minute_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("minute_entry.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[MinuteEntry] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()
