"""Briefing documents, their stored versions, and the receipts of their downloads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import DownloadChannel, enum_column

if TYPE_CHECKING:
    from .agenda import AgendaItem, Audience
    from .convening import Convening
    from .organisation import Organisation
    from .user import User


class Document(Base):
    """A briefing for a convening: who it is for, from when, and how sensitive it is."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_convening", "convening_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # One of the configured sensitivity labels; some labels stamp a watermark on download.
    sensitivity: Mapped[str] = mapped_column(String(50))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"))
    # Participants see the document only from this instant on; the team always does.
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Deleting hides the document from participants; the row and files stay for the record.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    convening: Mapped[Convening] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    audience: Mapped[Audience] = relationship(cascade="all, delete-orphan", single_parent=True)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="DocumentVersion.number.desc()",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class DocumentVersion(Base):
    """One uploaded file of a document, stored on disk under a generated key."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The uploader's file name, cleaned for display and for Content-Disposition.
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""


class DownloadReceipt(Base):
    """Who received which version of a document, through which channel, and when."""

    __tablename__ = "download_receipt"
    __table_args__ = (
        Index("ix_download_receipt_document_organisation", "document_id", "organisation_id"),
        Index("ix_download_receipt_convening_organisation", "convening_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convening.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    document_version_id: Mapped[int] = mapped_column(
        ForeignKey("document_version.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The organisation the recipient received it for; None for the team.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[DownloadChannel] = mapped_column(
        enum_column(DownloadChannel), default=DownloadChannel.FILE
    )
    downloaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document] = relationship()
    document_version: Mapped[DocumentVersion] = relationship()
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
