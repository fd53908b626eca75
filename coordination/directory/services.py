"""Rules for changing the directory: organisations and their contacts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Contact, Organisation, OrganisationSector, User, utcnow
from .rules import (
    ContactInput,
    OrganisationInput,
    clean_contact,
    clean_organisation,
    normalize_name,
)

# The key of messages about the whole form rather than one field.
FORM = "_form"
STALE_MESSAGE = (
    "This was changed by someone else while you were editing; reload to see their changes."
)
ORGANISATION_FIELDS = ("name", "kind", "country", "sectors", "website", "notes")
CONTACT_FIELDS = ("name", "email", "title", "phone")


class DirectoryError(ValueError):
    """A change the directory refuses; ``errors`` gives a message per field."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


def _organisation_input(values: OrganisationInput | Mapping[str, Any]) -> OrganisationInput:
    if isinstance(values, OrganisationInput):
        return values
    data, errors = clean_organisation(dict(values))
    if errors:
        raise DirectoryError(errors)
    assert data is not None
    return data


def _contact_input(values: ContactInput | Mapping[str, Any]) -> ContactInput:
    if isinstance(values, ContactInput):
        return values
    data, errors = clean_contact(dict(values))
    if errors:
        raise DirectoryError(errors)
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
        raise DirectoryError(
            {"name": f"An organisation called {existing.name} already exists{archived}."}
        )


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
    session: Session, actor: User | None, values: OrganisationInput | Mapping[str, Any]
) -> Organisation:
    """Add an organisation whose name no other one has (ignoring case)."""
    data = _organisation_input(values)
    _check_name_free(session, data.name, None)
    organisation = Organisation(sector_links=[])
    _apply(organisation, data)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        actor,
        "organisation.created",
        organisation,
        changes={key: value for key, value in asdict(data).items() if value not in (None, "", ())},
    )
    return organisation


def update_organisation(
    session: Session,
    actor: User | None,
    organisation: Organisation,
    values: OrganisationInput | Mapping[str, Any],
    expected_version: int | None = None,
) -> dict[str, list[Any]]:
    """Change an organisation unless someone else changed it since ``expected_version``."""
    if expected_version is not None and expected_version != organisation.version:
        raise DirectoryError({FORM: STALE_MESSAGE})
    data = _organisation_input(values)
    _check_name_free(session, data.name, organisation)
    before = organisation_snapshot(organisation)
    _apply(organisation, data)
    changes = audit.changes_between(before, organisation_snapshot(organisation))
    if changes:
        # Touch the row itself so its version moves even when only sectors changed.
        organisation.updated_at = utcnow()
        audit.record(session, actor, "organisation.updated", organisation, changes=changes)
    return changes


def set_organisation_archived(
    session: Session, actor: User | None, organisation: Organisation, archived: bool
) -> bool:
    """Archive (hide) or bring back an organisation; nothing is deleted. False if no change."""
    if organisation.is_archived == archived:
        return False
    before = organisation.archived_at
    organisation.archived_at = utcnow() if archived else None
    audit.record(
        session,
        actor,
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
        raise DirectoryError(
            {
                "email": f"{existing.name}{archived} already has this email address at "
                f"{organisation.name}."
            }
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
    actor: User | None,
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
        actor,
        "contact.created",
        contact,
        changes={key: value for key, value in contact_snapshot(contact).items() if value},
        label=_contact_label(contact, organisation),
    )
    return contact


def update_contact(
    session: Session,
    actor: User | None,
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
            actor,
            "contact.updated",
            contact,
            changes=changes,
            label=_contact_label(contact, organisation),
        )
    return changes


def set_contact_archived(
    session: Session, actor: User | None, contact: Contact, archived: bool
) -> bool:
    """Archive or bring back a contact; nothing is deleted. False if no change."""
    if contact.is_archived == archived:
        return False
    before = contact.archived_at
    contact.archived_at = utcnow() if archived else None
    audit.record(
        session,
        actor,
        "contact.archived" if archived else "contact.unarchived",
        contact,
        changes={"archived_at": [before, contact.archived_at]},
        label=_contact_label(contact, contact.organisation),
    )
    return True
