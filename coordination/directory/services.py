"""Changing the directory: organisations and their contacts.

Each service takes the session and the acting principal, refuses with the service contract's
errors, audits what it changes and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..models import Contact, Organisation, OrganisationSector, utcnow
from ..principal import Principal
from ..service import InputError, StaleError
from .rules import (
    ContactInput,
    OrganisationInput,
    clean_contact,
    clean_organisation,
    normalize_name,
)

# Two people adding the same name at once: the database refuses the second.
NAME_TAKEN = "An organisation with this name was added by someone else a moment ago."
ORGANISATION_FIELDS = ("name", "kind", "country", "sectors", "website", "notes")
CONTACT_FIELDS = ("name", "email", "title", "phone")


def _organisation_input(values: OrganisationInput | Mapping[str, Any]) -> OrganisationInput:
    if isinstance(values, OrganisationInput):
        return values
    data, errors = clean_organisation(dict(values))
    if errors:
        raise InputError(errors)
    assert data is not None
    return data


def _contact_input(values: ContactInput | Mapping[str, Any]) -> ContactInput:
    if isinstance(values, ContactInput):
        return values
    data, errors = clean_contact(dict(values))
    if errors:
        raise InputError(errors)
    assert data is not None
    return data


# --- Organisations -------------------------------------------------------------------------


def find_organisation_by_name(session: Session, name: str) -> Organisation | None:
    """The organisation with this name, ignoring case and spacing, archived or not."""
    return session.scalar(
        select(Organisation).where(Organisation.name_normalized == normalize_name(name))
    )


def _check_name_free(session: Session, name: str, organisation: Organisation | None) -> None:
    existing = find_organisation_by_name(session, name)
    if existing is not None and existing is not organisation:
        archived = " (archived)" if existing.is_archived else ""
        raise InputError(
            f"An organisation called {existing.name} already exists{archived}.", "name"
        )


def _flush_name(session: Session) -> None:
    """Write the organisation now, so a name taken meanwhile is refused beside its field."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise InputError(NAME_TAKEN, "name") from error


def organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The audited fields, sectors in a stable order."""
    values = audit.snapshot(organisation, ORGANISATION_FIELDS)
    values["sectors"] = sorted(values["sectors"], key=str.lower)
    return values


def _set_sectors(organisation: Organisation, sectors: tuple[str, ...]) -> None:
    # Keep the rows that stay, so no row is deleted and inserted again under the same key.
    wanted = list(sectors)
    kept = [link for link in organisation.sector_links if link.name in wanted]
    kept_names = {link.name for link in kept}
    organisation.sector_links = kept + [
        OrganisationSector(name=name) for name in wanted if name not in kept_names
    ]


def _apply(organisation: Organisation, data: OrganisationInput) -> None:
    organisation.name = data.name
    organisation.name_normalized = data.name_normalized
    organisation.kind = data.kind
    organisation.country = data.country
    organisation.website = data.website
    organisation.notes = data.notes
    _set_sectors(organisation, data.sectors)


def organisation_values(organisation: Organisation) -> dict[str, Any]:
    """The organisation as an edit form shows it."""
    return {
        "name": organisation.name,
        "kind": organisation.kind.value,
        "country": organisation.country or "",
        "sectors": ", ".join(organisation.sectors),
        "website": organisation.website or "",
        "notes": organisation.notes or "",
        "version": organisation.version,
    }


def create_organisation(
    session: Session, principal: Principal, values: OrganisationInput | Mapping[str, Any]
) -> Organisation:
    """Add an organisation whose name no other one has (ignoring case)."""
    data = _organisation_input(values)
    _check_name_free(session, data.name, None)
    organisation = Organisation(sector_links=[])
    _apply(organisation, data)
    session.add(organisation)
    _flush_name(session)
    audit.record(
        session,
        principal.user,
        "organisation.created",
        organisation,
        changes={key: value for key, value in asdict(data).items() if value not in (None, "", ())},
    )
    return organisation


def update_organisation(
    session: Session,
    principal: Principal,
    organisation: Organisation,
    values: OrganisationInput | Mapping[str, Any],
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Change an organisation unless someone else changed it since ``expected_version``."""
    if expected_version != organisation.version:
        raise StaleError()
    data = _organisation_input(values)
    _check_name_free(session, data.name, organisation)
    before = organisation_snapshot(organisation)
    _apply(organisation, data)
    changes = audit.changes_between(before, organisation_snapshot(organisation))
    if changes:
        # Touch the row itself so its version moves even when only sectors changed.
        organisation.updated_at = utcnow()
        _flush_name(session)
        audit.record(session, principal.user, "organisation.updated", organisation, changes=changes)
    return changes


def set_organisation_archived(
    session: Session, principal: Principal, organisation: Organisation, archived: bool
) -> bool:
    """Archive (hide) or bring back an organisation; nothing is deleted. False if no change."""
    if organisation.is_archived == archived:
        return False
    before = organisation.archived_at
    organisation.archived_at = utcnow() if archived else None
    audit.record(
        session,
        principal.user,
        "organisation.archived" if archived else "organisation.unarchived",
        organisation,
        changes={"archived_at": [before, organisation.archived_at]},
    )
    return True


# --- Contacts ------------------------------------------------------------------------------


def _check_email_free(
    session: Session, organisation: Organisation, data: ContactInput, contact: Contact | None
) -> None:
    if data.email_normalized is None:
        return
    query = select(Contact).where(
        Contact.organisation_id == organisation.id,
        Contact.email_normalized == data.email_normalized,
    )
    if contact is not None and contact.id is not None:
        query = query.where(Contact.id != contact.id)
    existing = session.scalars(query.limit(1)).first()
    if existing is not None:
        archived = " (archived)" if existing.is_archived else ""
        raise InputError(
            f"{existing.name}{archived} already has this email address at {organisation.name}.",
            "email",
        )


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    """The audited fields of a contact."""
    return audit.snapshot(contact, CONTACT_FIELDS)


def _contact_label(contact: Contact, organisation: Organisation) -> str:
    return f"{contact.name} ({organisation.name})"


def contact_values(contact: Contact) -> dict[str, Any]:
    """The contact as an edit form shows it."""
    return {key: value or "" for key, value in contact_snapshot(contact).items()}


def add_contact(
    session: Session,
    principal: Principal,
    organisation: Organisation,
    values: ContactInput | Mapping[str, Any],
) -> Contact:
    """Add a contact; their email, if given, is theirs alone within the organisation."""
    data = _contact_input(values)
    _check_email_free(session, organisation, data, None)
    contact = Contact(
        organisation=organisation,
        name=data.name,
        email=data.email,
        email_normalized=data.email_normalized,
        title=data.title,
        phone=data.phone,
    )
    session.add(contact)
    session.flush()
    audit.record(
        session,
        principal.user,
        "contact.created",
        contact,
        changes={key: value for key, value in contact_snapshot(contact).items() if value},
        label=_contact_label(contact, organisation),
    )
    return contact


def update_contact(
    session: Session,
    principal: Principal,
    contact: Contact,
    values: ContactInput | Mapping[str, Any],
) -> dict[str, list[Any]]:
    """Change a contact's details."""
    data = _contact_input(values)
    organisation = contact.organisation
    _check_email_free(session, organisation, data, contact)
    before = contact_snapshot(contact)
    contact.name = data.name
    contact.email = data.email
    contact.email_normalized = data.email_normalized
    contact.title = data.title
    contact.phone = data.phone
    changes = audit.changes_between(before, contact_snapshot(contact))
    if changes:
        audit.record(
            session,
            principal.user,
            "contact.updated",
            contact,
            changes=changes,
            label=_contact_label(contact, organisation),
        )
    return changes


def set_contact_archived(
    session: Session, principal: Principal, contact: Contact, archived: bool
) -> bool:
    """Archive or bring back a contact; nothing is deleted. False if no change."""
    if contact.is_archived == archived:
        return False
    before = contact.archived_at
    contact.archived_at = utcnow() if archived else None
    audit.record(
        session,
        principal.user,
        "contact.archived" if archived else "contact.unarchived",
        contact,
        changes={"archived_at": [before, contact.archived_at]},
        label=_contact_label(contact, contact.organisation),
    )
    return True
