"""Rules for looking after accounts: creating, changing, deactivating, ending sessions.

Administrators manage every account. Organisers manage only the accounts of organisations
invited to their own convenings (see ``permissions.manageable_accounts``), and only
administrators grant administrator rights. The views hide what an actor may not do; these
functions refuse it whatever the request says.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..admin.access import account_manageable
from ..auth import services as accounts
from ..auth.services import AccountError
from ..directory import services as directory
from ..directory.access import organisations_administered_by
from ..directory.rules import ContactInput
from ..models import Contact, Organisation, User

ACCOUNT_FIELDS = ("name", "email", "contact_id", "is_admin")


class AccountPermissionError(AccountError):
    """The actor may not do this to this account, whatever they enter."""


@dataclass
class AccountInput:
    name: str
    email: str
    contact_id: int | None = None
    organisation_id: int | None = None
    title: str | None = None
    is_admin: bool = False


OUTSIDE_YOUR_CONVENINGS = (
    "Choose an organisation invited to a convening you organise, and to no other team's; "
    "ask an administrator for anyone else."
)


def _check_rights(
    session: Session, actor: User, user: User | None = None, is_admin: bool = False
) -> None:
    if actor.is_admin:
        return
    if user is not None and user.is_admin:
        raise AccountPermissionError("Only administrators can change an administrator's account.")
    if is_admin:
        raise AccountPermissionError("Only administrators can make someone an administrator.")
    if user is not None and not account_manageable(
        session, organisations_administered_by(session, actor), user, actor
    ):
        raise AccountPermissionError("Only administrators can change this account.")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise AccountError("Enter the person's name.", "name")
    if len(name) > 200:
        raise AccountError("Use at most 200 characters.", "name")
    return name


def _resolve_contact(
    session: Session, data: AccountInput, user: User | None, name: str, email: str, actor: User
) -> Contact | None:
    """The contact to link: one chosen from the list, or one made at the chosen organisation."""
    if data.contact_id and data.organisation_id:
        raise AccountError(
            "Choose an existing contact or an organisation for a new one, not both.",
            "organisation",
        )
    administered = organisations_administered_by(session, actor)
    if administered is not None and not (data.contact_id or data.organisation_id):
        # An organiser's accounts are for the people of the organisations they invite.
        raise AccountError(
            "Choose the person's organisation, or their contact entry.", "organisation"
        )
    if data.contact_id:
        contact = session.get(Contact, data.contact_id)
        if contact is None or contact.is_archived or contact.organisation.is_archived:
            raise AccountError("Choose a contact from the list.", "contact")
        if administered is not None and contact.organisation_id not in administered:
            raise AccountError(OUTSIDE_YOUR_CONVENINGS, "contact")
        if contact.user is not None and contact.user is not user:
            raise AccountError("This contact already has an account.", "contact")
        return contact
    if not data.organisation_id:
        return None
    organisation = session.get(Organisation, data.organisation_id)
    if organisation is None or organisation.is_archived:
        raise AccountError("Choose an organisation from the list.", "organisation")
    if administered is not None and organisation.id not in administered:
        raise AccountError(OUTSIDE_YOUR_CONVENINGS, "organisation")
    title = (data.title or "").strip() or None
    if title and len(title) > 200:
        raise AccountError("Use at most 200 characters.", "title")
    email_normalized = accounts.normalize_email(email)
    # The person may already be listed at the organisation: link them rather than duplicate.
    for existing in session.scalars(
        select(Contact).where(
            Contact.organisation_id == organisation.id,
            Contact.email_normalized == email_normalized,
            Contact.archived_at.is_(None),
        )
    ):
        if existing.user is None or existing.user is user:
            if title and not existing.title:
                existing.title = title
            return existing
    try:
        return directory.add_contact(
            session, actor, organisation, ContactInput(name=name, email=email, title=title)
        )
    except directory.DirectoryError as error:
        raise AccountError(
            f"{error} Choose that contact from the list instead, or restore it in the directory.",
            "organisation",
        ) from error


def create_account(session: Session, data: AccountInput, actor: User) -> User:
    """Create an account, linked to a contact if asked; its holder is emailed a set-up link."""
    _check_rights(session, actor, is_admin=data.is_admin)
    name = _check_name(data.name)
    email = accounts.check_email(session, data.email)
    contact = _resolve_contact(session, data, None, name, email, actor)
    return accounts.create_user(
        session,
        email=email,
        name=name,
        actor=actor,
        is_admin=data.is_admin,
        contact_id=contact.id if contact else None,
    )


def update_account(session: Session, user: User, data: AccountInput, actor: User) -> str | None:
    """Change an account's name, contact and (administrators only) administrator flag.

    A new email address of an account in use waits for confirmation from that address (it
    is returned); an account never set up takes it at once, with a new set-up link.
    """
    _check_rights(session, actor, user, is_admin=data.is_admin)
    if user.id == actor.id and user.is_admin and not data.is_admin:
        raise AccountError(
            "You cannot remove your own administrator rights; ask another administrator.",
            "is_admin",
        )
    before = audit.snapshot(user, ACCOUNT_FIELDS)
    name = _check_name(data.name)
    email = accounts.check_email(session, data.email, user)
    contact = _resolve_contact(session, data, user, name, email, actor)
    email_changed = accounts.normalize_email(email) != user.email_normalized
    # Nobody has proved the address of an account never set up, so nothing rests on it yet.
    takes_email_now = email_changed and user.password_hash is None and not user.email_confirmed
    user.name = name
    if takes_email_now:
        user.email = email
        user.email_normalized = accounts.normalize_email(email)
        user.pending_email = None
    user.contact = contact
    user.is_admin = data.is_admin
    session.flush()
    changes = audit.changes_between(before, audit.snapshot(user, ACCOUNT_FIELDS))
    if changes:
        audit.record(session, actor, "user.updated", user, changes=changes, label=user.email)
    if takes_email_now:
        # Links already emailed went to the old address: they must not work any more.
        accounts.expire_links(session, user)
        if user.active:
            accounts.send_account_setup(session, user, actor)
        return None
    if email_changed:
        return accounts.request_email_change(session, user, email, actor)
    return None


def cancel_email_change(session: Session, user: User, actor: User) -> None:
    """Withdraw a new address asked for the account but not yet confirmed."""
    _check_rights(session, actor, user)
    accounts.cancel_email_change(session, user, actor)


def deactivate_account(session: Session, user: User, actor: User) -> None:
    """Deactivate an account: its sessions and emailed links end at once."""
    _check_rights(session, actor, user)
    accounts.set_active(session, user, False, actor)


def reactivate_account(session: Session, user: User, actor: User) -> None:
    """Let a deactivated account sign in again."""
    _check_rights(session, actor, user)
    accounts.set_active(session, user, True, actor)


def end_sessions(session: Session, user: User, actor: User) -> None:
    """Sign the account out everywhere: every session and remember-me cookie ends."""
    _check_rights(session, actor, user)
    accounts.end_other_sessions(user)
    audit.record(session, actor, "user.sessions_ended", user, label=user.email)


def resend_setup_link(session: Session, user: User, actor: User) -> None:
    """Email a fresh set-up link to someone who has not chosen a password yet."""
    _check_rights(session, actor, user)
    if not user.active:
        raise AccountError("This account is deactivated. Reactivate it first.")
    if user.password_hash is not None:
        raise AccountError(
            "This person has already chosen a password. If they have forgotten it, they can "
            "reset it from the sign-in page."
        )
    accounts.send_account_setup(session, user, actor)
    audit.record(session, actor, "user.setup_link_sent", user, label=user.email)
