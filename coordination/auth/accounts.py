"""What changes of an account check and do first: its address, its password, its sessions,
its emailed links. Helpers for the auth and admin services; none of them commits.
"""

from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit
from ..models import TokenPurpose, User, UserToken, utcnow
from ..models.user import new_session_token
from ..service import InputError
from ..tokens import new_token
from .passwords import hash_password

EMAIL_TAKEN = "An account with this email address already exists."


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email_normalized == normalize_email(email)))


def check_email(session: Session, email: str, user: User | None = None) -> str:
    """The address, tidied, if it is well formed and no other account uses it."""
    email = email.strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InputError("Enter an email address like name@example.org.", "email") from error
    if len(email) > 254:
        raise InputError("Use at most 254 characters.", "email")
    holder = find_user_by_email(session, email)
    if holder is not None and holder is not user:
        raise InputError(EMAIL_TAKEN, "email")
    return email


def check_new_password(user: User, password: str) -> None:
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise InputError(f"Use at least {minimum} characters.", "new_password")
    if len(password) > 1024:
        raise InputError("Use at most 1,024 characters.", "new_password")
    if password.strip().lower() in {user.email_normalized, user.name.strip().lower()}:
        raise InputError("Do not use your email address or name as your password.", "new_password")


def end_other_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie the user holds."""
    user.session_token = new_session_token()


def issue_token(session: Session, user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    """A new emailed link for the account; only its hash is stored."""
    raw, digest = new_token()
    session.add(UserToken(user=user, purpose=purpose, token_hash=digest, expires_at=utcnow() + ttl))
    return raw


def expire_links(session: Session, user: User, purpose: TokenPurpose | None = None) -> None:
    """End the emailed links of the account not used yet (of one purpose, or all)."""
    statement = update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    if purpose is not None:
        statement = statement.where(UserToken.purpose == purpose)
    session.execute(statement.values(used_at=utcnow()))


def set_password(
    session: Session, user: User, password: str, actor: User | None, action: str
) -> None:
    """Store a new password; every session and every emailed link of the account ends."""
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_other_sessions(user)
    expire_links(session, user)
    audit.record(session, actor, action, user, label=user.email)
