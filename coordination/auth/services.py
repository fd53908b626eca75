"""Changing accounts: creating one, activating it, and the services of the auth modules.

Signing in and changes that ask for the password again live in ``credentials``, password
links in ``links``, address changes in ``email_change``, what they share in ``accounts``.
Each service takes the session and the acting principal (``Principal(user=None)`` for the
command line), refuses with the service contract's errors and never commits.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..models import User, utcnow
from ..principal import Principal
from ..service import InputError
from .accounts import (
    EMAIL_TAKEN,
    check_email,
    check_new_password,
    end_other_sessions,
    expire_links,
    find_user_by_email,
    normalize_email,
)
from .credentials import PasswordCheck, SignInResult, authenticate, change_email, change_password
from .email_change import cancel_email_change, confirm_email_change, find_email_change
from .links import (
    find_valid_token,
    request_password_reset,
    reset_password_with_token,
    send_account_setup,
)
from .passwords import hash_password

__all__ = [
    "PasswordCheck",
    "SignInResult",
    "authenticate",
    "cancel_email_change",
    "change_email",
    "change_password",
    "confirm_email_change",
    "create_user",
    "end_own_sessions",
    "find_email_change",
    "find_valid_token",
    "request_password_reset",
    "reset_password_with_token",
    "set_active",
]


def create_user(
    session: Session,
    principal: Principal,
    *,
    email: str,
    name: str,
    password: str | None = None,
    is_admin: bool = False,
    contact_id: int | None = None,
    send_setup_link: bool = True,
) -> User:
    """Create an account; without a password its holder gets a link to choose one."""
    actor = principal.user
    email = check_email(session, email)
    name = name.strip()
    if not name:
        raise InputError("Enter the person's name.", "name")
    if len(name) > 200:
        raise InputError("Use at most 200 characters.", "name")
    user = User(
        email=email,
        email_normalized=normalize_email(email),
        name=name,
        is_admin=is_admin,
        contact_id=contact_id,
        active=True,
    )
    if password is not None:
        check_new_password(user, password)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        # Only the command line sets a password here, for someone the administrator vouches for.
        user.email_confirmed_at = utcnow()
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as error:
        # Another request took the address (or the contact) between the check and now.
        if find_user_by_email(session, email) is not None:
            raise InputError(EMAIL_TAKEN, "email") from error
        raise InputError("This contact already has an account.", "contact") from error
    audit.record(
        session,
        actor,
        "user.created",
        user,
        changes={
            "email": user.email,
            "name": user.name,
            "is_admin": is_admin,
            "contact_id": contact_id,
        },
        label=user.email,
    )
    if password is None and send_setup_link:
        send_account_setup(session, user, actor)
    return user


def set_active(session: Session, principal: Principal, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    actor = principal.user
    if actor is not None and user.id == actor.id and not active:
        raise InputError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_other_sessions(user)
        expire_links(session, user)
    audit.record(
        session,
        actor,
        "user.activated" if active else "user.deactivated",
        user,
        changes={"active": [not active, active]},
        label=user.email,
    )


def end_own_sessions(session: Session, principal: Principal) -> None:
    """Sign the principal out here and everywhere else: every session of theirs ends."""
    end_other_sessions(principal.user)
