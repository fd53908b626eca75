"""Accounts and their single-use tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import TokenPurpose, enum_column

if TYPE_CHECKING:
    from .organisation import Contact, Organisation


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254), unique=True)
    # When the holder proved they receive mail at ``email`` (a set-up, reset or confirmation
    # link). Until then the address makes the account a participant of nothing.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An address asked for but not yet confirmed; ``email`` stays in force until it is.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), unique=True
    )
    # Part of the login identifier: changing it ends every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The personal calendar feed's secret: only its hash is kept; resetting it replaces it.
    calendar_feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    contact: Mapped[Contact | None] = relationship(back_populates="user")

    # Flask-Login protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    # What makes an account a participant (its address, matched against delegates, and its
    # directory contact) counts only once the holder has proved they read mail at the address.
    @property
    def proven_email(self) -> str | None:
        return self.email_normalized if self.email_confirmed else None

    @property
    def proven_contact_id(self) -> int | None:
        return self.contact_id if self.email_confirmed else None

    @property
    def organisation(self) -> Organisation | None:
        return self.contact.organisation if self.contact else None

    @property
    def organisation_id(self) -> int | None:
        return self.contact.organisation_id if self.contact else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email_normalized}>"


class UserToken(Base):
    """A single-use, expiring token sent by email; only its hash is stored."""

    __tablename__ = "user_token"
    __table_args__ = (Index("ix_user_token_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SignInThrottle(Base):
    """Failed sign-ins counted per account and per address, shared by every process."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
