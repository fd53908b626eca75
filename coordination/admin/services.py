"""Looking after accounts: creating, changing, deactivating, ending sessions.

Administrators manage every account. Organisers manage only the accounts of organisations
invited to their own convenings (see ``admin.access.manageable_accounts``), and only
administrators grant administrator rights. The views hide what an actor may not do; these
services refuse it whatever the request says (``NotPermitted``). Each takes the session and
the acting principal (the system, ``Principal(user=None)``, may do anything) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..auth import accounts
from ..auth import services as auth_services
from ..auth.email_change import cancel_email_change as cancel_address_change
from ..auth.email_change import request_email_change
from ..auth.links import send_account_setup
from ..directory import services as directory
from ..directory.access import organisations_administered_by
from ..directory.rules import ContactInput
from ..models import Contact, Organisation, User
from ..principal import Principal
from ..service import InputError, NotPermitted
from .access import account_manageable

ACCOUNT_FIELDS = ("name", "email", "contact_id", "is_admin")


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
    session: Session, principal: Principal, user: User | None = None, is_admin: bool = False
) -> None:
    actor = principal.user
    if actor is None or actor.is_admin:
        return
    if user is not None and user.is_admin:
        raise NotPermitted("Only administrators can change an administrator's account.")
    if is_admin:
        raise NotPermitted("Only administrators can make someone an administrator.")
    if user is not None and not account_manageable(
        session, organisations_administered_by(session, actor), user, actor
    ):
        raise NotPermitted("Only administrators can change this account.")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError("Enter the person's name.", "name")
    if len(name) > 200:
        raise InputError("Use at most 200 characters.", "name")
    return name


def _resolve_contact(
    session: Session,
    principal: Principal,
    data: AccountInput,
    user: User | None,
    name: str,
    email: str,
) -> Contact | None:
    """The contact to link: one chosen from the list, or one made at the chosen organisation."""
    if data.contact_id and data.organisation_id:
        raise InputError(
            "Choose an existing contact or an organisation for a new one, not both.",
            "organisation",
        )
    actor = principal.user
    administered = organisations_administered_by(session, actor) if actor is not None else None
    if administered is not None and not (data.contact_id or data.organisation_id):
        # An organiser's accounts are for the people of the organisations they invite.
        raise InputError(
            "Choose the person's organisation, or their contact entry.", "organisation"
        )
    if data.contact_id:
        contact = session.get(Contact, data.contact_id)
        if contact is None or contact.is_archived or contact.organisation.is_archived:
            raise InputError("Choose a contact from the list.", "contact")
        if administered is not None and contact.organisation_id not in administered:
            raise InputError(OUTSIDE_YOUR_CONVENINGS, "contact")
        if contact.user is not None and contact.user is not user:
            raise InputError("This contact already has an account.", "contact")
        return contact
    if not data.organisation_id:
        return None
    organisation = session.get(Organisation, data.organisation_id)
    if organisation is None or organisation.is_archived:
        raise InputError("Choose an organisation from the list.", "organisation")
    if administered is not None and organisation.id not in administered:
        raise InputError(OUTSIDE_YOUR_CONVENINGS, "organisation")
    title = (data.title or "").strip() or None
    if title and len(title) > 200:
        raise InputError("Use at most 200 characters.", "title")
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
            session, principal, organisation, ContactInput(name=name, email=email, title=title)
        )
    except InputError as error:
        raise InputError(
            f"{error} Choose that contact from the list instead, or restore it in the directory.",
            "organisation",
        ) from error


def create_account(session: Session, principal: Principal, data: AccountInput) -> User:
    """Create an account, linked to a contact if asked; its holder is emailed a set-up link."""
    _check_rights(session, principal, is_admin=data.is_admin)
    name = _check_name(data.name)
    email = accounts.check_email(session, data.email)
    contact = _resolve_contact(session, principal, data, None, name, email)
    return auth_services.create_user(
        session,
        principal,
        email=email,
        name=name,
        is_admin=data.is_admin,
        contact_id=contact.id if contact else None,
    )


def update_account(
    session: Session, principal: Principal, user: User, data: AccountInput
) -> str | None:
    """Change an account's name, contact and (administrators only) administrator flag.

    A new email address of an account in use waits for confirmation from that address (it
    is returned); an account never set up takes it at once, with a new set-up link.
    """
    _check_rights(session, principal, user, is_admin=data.is_admin)
    actor = principal.user
    if actor is not None and user.id == actor.id and user.is_admin and not data.is_admin:
        raise InputError(
            "You cannot remove your own administrator rights; ask another administrator.",
            "is_admin",
        )
    before = audit.snapshot(user, ACCOUNT_FIELDS)
    name = _check_name(data.name)
    email = accounts.check_email(session, data.email, user)
    contact = _resolve_contact(session, principal, data, user, name, email)
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
            send_account_setup(session, user, actor)
        return None
    if email_changed:
        return request_email_change(session, user, email, actor)
    return None


def cancel_email_change(session: Session, principal: Principal, user: User) -> None:
    """Withdraw a new address asked for the account but not yet confirmed."""
    _check_rights(session, principal, user)
    cancel_address_change(session, principal, user)


def deactivate_account(session: Session, principal: Principal, user: User) -> None:
    """Deactivate an account: its sessions and emailed links end at once."""
    _check_rights(session, principal, user)
    auth_services.set_active(session, principal, user, False)


def reactivate_account(session: Session, principal: Principal, user: User) -> None:
    """Let a deactivated account sign in again."""
    _check_rights(session, principal, user)
    auth_services.set_active(session, principal, user, True)


def end_sessions(session: Session, principal: Principal, user: User) -> None:
    """Sign the account out everywhere: every session and remember-me cookie ends."""
    _check_rights(session, principal, user)
    accounts.end_other_sessions(user)
    audit.record(session, principal.user, "user.sessions_ended", user, label=user.email)


def resend_setup_link(session: Session, principal: Principal, user: User) -> None:
    """Email a fresh set-up link to someone who has not chosen a password yet."""
    _check_rights(session, principal, user)
    if not user.active:
        raise InputError("This account is deactivated. Reactivate it first.")
    if user.password_hash is not None:
        raise InputError(
            "This person has already chosen a password. If they have forgotten it, they can "
            "reset it from the sign-in page."
        )
    send_account_setup(session, user, principal.user)
    audit.record(session, principal.user, "user.setup_link_sent", user, label=user.email)
