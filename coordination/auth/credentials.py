"""Proving who one is with a password: signing in, and the changes that ask for it again.

Every attempt counts against the account (and, when signing in, the address it comes from)
like a failed sign-in, so no form can be used to guess a password without limit. A refused
password is therefore an answer of these services, not an error: the failure it counts is
written with it and the caller commits it (``run_service`` commits what a service answers and
rolls back what it refuses).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy.orm import Session

from .. import mail
from ..models import User, utcnow
from ..principal import Principal
from ..service import InputError
from . import throttle
from .accounts import check_new_password, find_user_by_email, set_password
from .email_change import request_email_change
from .passwords import hash_password, needs_rehash, verify_password

WRONG_CREDENTIALS = "The email address or password is not right. Check both and try again."


@dataclass
class SignInResult:
    user: User | None = None
    error: str | None = None
    throttled: bool = False


@dataclass(frozen=True)
class PasswordCheck:
    """What a service asking for the current password answers: ``refused`` says why the
    password was not accepted (its failure counted), else ``value`` is what it produced."""

    refused: str | None = None
    value: str | None = None


def authenticate(
    session: Session, principal: Principal, email: str, password: str, address: str | None
) -> SignInResult:
    """Check a sign-in attempt; the answer never reveals whether the account exists.

    A refused attempt is an answer too: commit it, so its failure counts.
    """
    keys = throttle.keys_for(email, address)
    now = utcnow()
    wait = throttle.acquire(session, keys.all(), now)
    if wait:
        return SignInResult(error=throttle.wait_message(wait), throttled=True)
    user = find_user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.active:
        throttle.record_failure(session, keys.all(), now)
        return SignInResult(error=WRONG_CREDENTIALS)
    throttle.record_success(session, keys, now)
    user.last_sign_in_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(user=user)


def _check_current_password(session: Session, user: User, password: str) -> str | None:
    """Why the current password is refused (the failure counted), or None when it is right."""
    keys = [throttle.account_key(user.email_normalized)]
    wait = throttle.acquire(session, keys)
    if wait:
        return throttle.wait_message(wait)
    if not verify_password(user.password_hash, password):
        throttle.record_failure(session, keys)
        return "Your current password is not right."
    return None


def change_password(
    session: Session, principal: Principal, current_password: str, new_password: str
) -> PasswordCheck:
    """Change one's own password after checking the current one; other sessions end.

    A new password the rules refuse raises ``InputError`` (field ``new_password``).
    """
    user = principal.user
    refused = _check_current_password(session, user, current_password)
    if refused:
        return PasswordCheck(refused=refused)
    if current_password == new_password:
        raise InputError("Choose a password different from the current one.", "new_password")
    check_new_password(user, new_password)
    throttle.clear(session, [throttle.account_key(user.email_normalized)])
    set_password(session, user, new_password, user, "user.password_changed")
    mail.queue(
        session,
        [user.email],
        "Your coordination password was changed",
        render_template("email/password_changed.txt", user=user),
    )
    return PasswordCheck()


def change_email(
    session: Session, principal: Principal, current_password: str, new_email: str
) -> PasswordCheck:
    """Ask for a new address for one's own account, giving the current password; the answer's
    ``value`` is the address a confirmation link was sent to.

    An address the rules refuse raises ``InputError`` (field ``email``).
    """
    user = principal.user
    refused = _check_current_password(session, user, current_password)
    if refused:
        return PasswordCheck(refused=refused)
    return PasswordCheck(value=request_email_change(session, user, new_email, user))
