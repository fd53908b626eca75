"""Changing an account's email address: it takes effect only once a link sent to it is used."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, mail
from ..models import TokenPurpose, User, UserToken, utcnow
from ..principal import Principal
from ..service import InputError
from ..urls import external_url
from .accounts import (
    EMAIL_TAKEN,
    check_email,
    end_other_sessions,
    expire_links,
    issue_token,
    normalize_email,
)
from .links import LINK_SPENT, claim, find_valid_token

EMAIL_CHANGE_TTL = timedelta(days=2)


def request_email_change(session: Session, user: User, new_email: str, actor: User | None) -> str:
    """Ask for a new address for ``user``: it takes effect only once a link sent to it is used.

    Until then the current address stays in force for signing in, links and access, and the
    current address is told, so a change nobody asked for is noticed. (A step of the services
    that change an address: the account's own, or an administrator's edit.)
    """
    new_email = check_email(session, new_email, user)
    if normalize_email(new_email) == user.email_normalized:
        raise InputError("This is already the account's email address.", "email")
    # A newer request replaces an older one: only the latest link can confirm.
    expire_links(session, user, TokenPurpose.EMAIL_CHANGE)
    previous = user.pending_email
    user.pending_email = new_email
    raw = issue_token(session, user, TokenPurpose.EMAIL_CHANGE, EMAIL_CHANGE_TTL)
    link = external_url("auth.confirm_email", token=raw)
    by_someone_else = actor is not None and actor.id != user.id
    mail.queue(
        session,
        [new_email],
        "Confirm your new coordination email address",
        render_template(
            "email/email_change_confirm.txt",
            user=user,
            new_email=new_email,
            link=link,
            ttl=EMAIL_CHANGE_TTL,
            actor=actor if by_someone_else else None,
        ),
    )
    mail.queue(
        session,
        [user.email],
        "Your coordination email address is about to change",
        render_template(
            "email/email_change_notice.txt",
            user=user,
            new_email=new_email,
            actor=actor if by_someone_else else None,
        ),
    )
    audit.record(
        session,
        actor,
        "user.email_change_requested",
        user,
        changes={"pending_email": [previous, new_email]},
        label=user.email,
    )
    return new_email


def find_email_change(session: Session, raw: str) -> UserToken | None:
    """The open email confirmation link, while the address it confirms is still asked for."""
    token = find_valid_token(session, raw, (TokenPurpose.EMAIL_CHANGE,))
    if token is None or token.user.pending_email is None:
        return None
    return token


def confirm_email_change(session: Session, principal: Principal, raw: str) -> User:
    """Use a confirmation link once: the new address takes effect and every session ends.

    Whoever holds the link acts for its account, signed in or not.
    """
    token = find_email_change(session, raw)
    if token is None:
        raise InputError(LINK_SPENT)
    user = token.user
    new_email = user.pending_email
    # Another account may have taken the address since it was asked for.
    check_email(session, new_email, user)
    claim(session, token)
    old_email = user.email
    user.email = new_email
    user.email_normalized = normalize_email(new_email)
    user.email_confirmed_at = utcnow()
    user.pending_email = None
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise InputError(EMAIL_TAKEN, "email") from error
    # Sessions and links that belonged to the old address end with it.
    end_other_sessions(user)
    expire_links(session, user)
    audit.record(
        session,
        user,
        "user.email_changed",
        user,
        changes={"email": [old_email, new_email]},
        label=new_email,
    )
    return user


def cancel_email_change(session: Session, principal: Principal, user: User) -> None:
    """Withdraw an address asked for but not yet confirmed; its link stops working."""
    if user.pending_email is None:
        return
    expire_links(session, user, TokenPurpose.EMAIL_CHANGE)
    audit.record(
        session,
        principal.user,
        "user.email_change_cancelled",
        user,
        changes={"pending_email": [user.pending_email, None]},
        label=user.email,
    )
    user.pending_email = None
