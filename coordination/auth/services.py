"""Rules for accounts: signing in, passwords and their emailed links, creating accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, mail
from ..models import TokenPurpose, User, UserToken, utcnow
from ..models.user import new_session_token
from ..tokens import hash_token, new_token
from ..urls import external_url
from . import throttle
from .passwords import hash_password, needs_rehash, verify_password

SETUP_LINK_TTL = timedelta(days=7)
EMAIL_CHANGE_TTL = timedelta(days=2)
# Links that set a password; an email confirmation link is not one of them.
PASSWORD_LINKS = (TokenPurpose.PASSWORD_RESET, TokenPurpose.ACCOUNT_SETUP)
MAX_OPEN_RESET_LINKS = 3
EMAIL_TAKEN = "An account with this email address already exists."


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
        raise AccountError("Enter an email address like name@example.org.", "email") from error
    if len(email) > 254:
        raise AccountError("Use at most 254 characters.", "email")
    holder = find_user_by_email(session, email)
    if holder is not None and holder is not user:
        raise AccountError(EMAIL_TAKEN, "email")
    return email


# --- Signing in -----------------------------------------------------------------------------


@dataclass
class SignInResult:
    user: User | None = None
    error: str | None = None
    throttled: bool = False


WRONG_CREDENTIALS = "The email address or password is not right. Check both and try again."


def authenticate(session: Session, email: str, password: str, address: str | None) -> SignInResult:
    """Check a sign-in attempt; the answer never reveals whether the account exists."""
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


# --- Sessions and passwords -----------------------------------------------------------------


def end_other_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie the user holds."""
    user.session_token = new_session_token()


def check_new_password(user: User, password: str) -> None:
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise AccountError(f"Use at least {minimum} characters.", "new_password")
    if len(password) > 1024:
        raise AccountError("Use at most 1,024 characters.", "new_password")
    if password.strip().lower() in {user.email_normalized, user.name.strip().lower()}:
        raise AccountError(
            "Do not use your email address or name as your password.", "new_password"
        )


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


def check_current_password(session: Session, user: User, current_password: str) -> list[str]:
    """Refuse a wrong current password, counting it like a failed sign-in; returns the keys."""
    keys = [throttle.account_key(user.email_normalized)]
    wait = throttle.acquire(session, keys)
    if wait:
        raise AccountError(throttle.wait_message(wait), "current_password")
    if not verify_password(user.password_hash, current_password):
        throttle.record_failure(session, keys)
        raise AccountError("Your current password is not right.", "current_password")
    return keys


def change_password(session: Session, user: User, current_password: str, new_password: str) -> None:
    """Change the user's own password after checking the current one.

    Wrong current passwords count against the account like failed sign-ins, so this
    form cannot be used to guess the password without limit. The caller commits even
    when this raises: nothing but those counters has been written by then.
    """
    keys = check_current_password(session, user, current_password)
    if current_password == new_password:
        raise AccountError("Choose a password different from the current one.", "new_password")
    check_new_password(user, new_password)
    throttle.clear(session, keys)
    set_password(session, user, new_password, user, "user.password_changed")
    mail.queue(
        session,
        [user.email],
        "Your coordination password was changed",
        render_template("email/password_changed.txt", user=user),
    )


# --- Emailed links --------------------------------------------------------------------------


def _issue_token(session: Session, user: User, purpose: TokenPurpose, ttl: timedelta) -> str:
    raw, digest = new_token()
    session.add(UserToken(user=user, purpose=purpose, token_hash=digest, expires_at=utcnow() + ttl))
    return raw


def request_password_reset(session: Session, email: str) -> None:
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
    raw = _issue_token(session, user, TokenPurpose.PASSWORD_RESET, ttl)
    link = external_url("auth.reset_password", token=raw)
    mail.queue(
        session,
        [user.email],
        "Reset your coordination password",
        render_template("email/password_reset.txt", user=user, link=link, ttl=ttl),
    )
    audit.record(session, None, "user.password_reset_requested", user, label=user.email)


def send_account_setup(session: Session, user: User, created_by: User | None) -> None:
    """Email an account's holder a link to choose their password; earlier set-up links end."""
    expire_links(session, user, TokenPurpose.ACCOUNT_SETUP)
    raw = _issue_token(session, user, TokenPurpose.ACCOUNT_SETUP, SETUP_LINK_TTL)
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


LINK_SPENT = "This link has expired or has already been used. Ask for a new one."


def _claim(session: Session, token: UserToken) -> None:
    """Use the link atomically: of two requests racing with it, only one gets it."""
    claimed = session.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise AccountError(LINK_SPENT)


def reset_password_with_token(session: Session, raw: str, new_password: str) -> User:
    """Use a reset or set-up link once: set the password and end every session."""
    token = find_valid_token(session, raw)
    if token is None:
        raise AccountError(LINK_SPENT)
    user = token.user
    check_new_password(user, new_password)
    _claim(session, token)
    # The link went to the account's address, so using it proves the holder reads mail there.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    set_password(session, user, new_password, user, "user.password_reset")
    # A reset proves control of the mailbox: lift any throttle on the account.
    throttle.clear(session, [throttle.account_key(user.email_normalized)])
    return user


# --- Changing the email address -------------------------------------------------------------


def request_email_change(session: Session, user: User, new_email: str, actor: User | None) -> str:
    """Ask for a new address: it takes effect only once a link sent to it is used.

    Until then the current address stays in force for signing in, links and access, and the
    current address is told, so a change nobody asked for is noticed.
    """
    new_email = check_email(session, new_email, user)
    if normalize_email(new_email) == user.email_normalized:
        raise AccountError("This is already the account's email address.", "email")
    # A newer request replaces an older one: only the latest link can confirm.
    expire_links(session, user, TokenPurpose.EMAIL_CHANGE)
    previous = user.pending_email
    user.pending_email = new_email
    raw = _issue_token(session, user, TokenPurpose.EMAIL_CHANGE, EMAIL_CHANGE_TTL)
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


def confirm_email_change(session: Session, raw: str) -> User:
    """Use a confirmation link once: the new address takes effect and every session ends."""
    token = find_email_change(session, raw)
    if token is None:
        raise AccountError(LINK_SPENT)
    user = token.user
    new_email = user.pending_email
    # Another account may have taken the address since it was asked for.
    check_email(session, new_email, user)
    _claim(session, token)
    old_email = user.email
    user.email = new_email
    user.email_normalized = normalize_email(new_email)
    user.email_confirmed_at = utcnow()
    user.pending_email = None
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise AccountError(EMAIL_TAKEN, "email") from error
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


def cancel_email_change(session: Session, user: User, actor: User) -> None:
    """Withdraw an address asked for but not yet confirmed; its link stops working."""
    if user.pending_email is None:
        return
    expire_links(session, user, TokenPurpose.EMAIL_CHANGE)
    audit.record(
        session,
        actor,
        "user.email_change_cancelled",
        user,
        changes={"pending_email": [user.pending_email, None]},
        label=user.email,
    )
    user.pending_email = None


# --- Accounts -------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    actor: User | None,
    password: str | None = None,
    is_admin: bool = False,
    contact_id: int | None = None,
    send_setup_link: bool = True,
) -> User:
    """Create an account; without a password its holder gets a link to choose one."""
    email = check_email(session, email)
    name = name.strip()
    if not name:
        raise AccountError("Enter the person's name.", "name")
    if len(name) > 200:
        raise AccountError("Use at most 200 characters.", "name")
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
            raise AccountError(EMAIL_TAKEN, "email") from error
        raise AccountError("This contact already has an account.", "contact") from error
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


def set_active(session: Session, user: User, active: bool, actor: User) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    if user.id == actor.id and not active:
        raise AccountError("You cannot deactivate your own account.")
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
