"""The organisation directory: organisations, their sectors and contacts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import OrganisationKind, enum_column

if TYPE_CHECKING:
    from .user import User


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_normalized: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    website: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    sector_links: Mapped[list[OrganisationSector]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationSector.name",
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation", order_by="Contact.name"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def sectors(self) -> list[str]:
        return [link.name for link in self.sector_links]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationSector(Base):
    """A sector tag on an organisation (e.g. "Social media", "Film")."""

    __tablename__ = "organisation_sector"
    __table_args__ = (Index("ix_organisation_sector_name", "name"),)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(80), primary_key=True)

    organisation: Mapped[Organisation] = relationship(back_populates="sector_links")


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_organisation_email", "organisation_id", "email_normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    email_normalized: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
    user: Mapped[User | None] = relationship(back_populates="contact")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
