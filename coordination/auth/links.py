"""Password links sent by email: asking for a reset, setting up a new account, using a link."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import audit, mail
from ..models import TokenPurpose, User, UserToken, utcnow
from ..principal import Principal
from ..service import InputError
from ..tokens import hash_token
from ..urls import external_url
from . import throttle
from .accounts import (
    check_new_password,
    expire_links,
    find_user_by_email,
    issue_token,
    set_password,
)

SETUP_LINK_TTL = timedelta(days=7)
# Links that set a password; an email confirmation link is not one of them.
PASSWORD_LINKS = (TokenPurpose.PASSWORD_RESET, TokenPurpose.ACCOUNT_SETUP)
MAX_OPEN_RESET_LINKS = 3
LINK_SPENT = "This link has expired or has already been used. Ask for a new one."


def request_password_reset(session: Session, principal: Principal, email: str) -> None:
    """Email a reset link if the account exists and is active; silent otherwise."""
    user = find_user_by_email(session, email)
    if user is None or not user.active:
        return
    now = utcnow()
    open_links = session.scalar(
        select(func.count())
        .select_from(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == TokenPurpose.PASSWORD_RESET,
            UserToken.used_at.is_(None),
            UserToken.expires_at > now,
        )
    )
    if open_links >= MAX_OPEN_RESET_LINKS:
        return  # enough links are on their way; do not let anyone flood the mailbox
    ttl = timedelta(minutes=int(current_app.config["PASSWORD_RESET_TTL_MINUTES"]))
    raw = issue_token(session, user, TokenPurpose.PASSWORD_RESET, ttl)
    link = external_url("auth.reset_password", token=raw)
    mail.queue(
        session,
        [user.email],
        "Reset your coordination password",
        render_template("email/password_reset.txt", user=user, link=link, ttl=ttl),
    )
    audit.record(session, principal.user, "user.password_reset_requested", user, label=user.email)


def send_account_setup(session: Session, user: User, created_by: User | None) -> None:
    """Email an account's holder a link to choose their password; earlier set-up links end."""
    expire_links(session, user, TokenPurpose.ACCOUNT_SETUP)
    raw = issue_token(session, user, TokenPurpose.ACCOUNT_SETUP, SETUP_LINK_TTL)
    link = external_url("auth.reset_password", token=raw)
    mail.queue(
        session,
        [user.email],
        "Your coordination account",
        render_template(
            "email/account_setup.txt",
            user=user,
            link=link,
            created_by=created_by,
            ttl=SETUP_LINK_TTL,
        ),
    )


def find_valid_token(
    session: Session, raw: str, purposes: tuple[TokenPurpose, ...] = PASSWORD_LINKS
) -> UserToken | None:
    """The unused, unexpired token for this link, of one of these purposes, or None."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalar(select(UserToken).where(UserToken.token_hash == hash_token(raw)))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if token.purpose not in purposes:
        return None
    if not token.user.active:
        return None
    return token


def claim(session: Session, token: UserToken) -> None:
    """Use the link atomically: of two requests racing with it, only one gets it."""
    claimed = session.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise InputError(LINK_SPENT)


def reset_password_with_token(
    session: Session, principal: Principal, raw: str, new_password: str
) -> User:
    """Use a reset or set-up link once: set the password and end every session.

    Whoever holds the link acts for its account, signed in or not.
    """
    token = find_valid_token(session, raw)
    if token is None:
        raise InputError(LINK_SPENT)
    user = token.user
    check_new_password(user, new_password)
    claim(session, token)
    # The link went to the account's address, so using it proves the holder reads mail there.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    set_password(session, user, new_password, user, "user.password_reset")
    # A reset proves control of the mailbox: lift any throttle on the account.
    throttle.clear(session, [throttle.account_key(user.email_normalized)])
    return user
