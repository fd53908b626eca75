"""The directory through the API: organisations and their contacts.

The convenings' teams read the directory; organisers add to it and change the organisations
they administer, with the pages' rules and services. Archiving and importing stay on the
pages, for administrators.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..api.blueprint import blueprint
from ..api.cursors import PageQuery, page_after
from ..api.operations import operation
from ..api.representations import representer
from ..api.responses import (
    check_if_match,
    content_etag,
    etag_of,
    expected_version,
    json_response,
    perform,
)
from ..api.schemas import Input, ItemsPage, Named, OrganisationKindName
from ..db import get_session
from ..models import Contact, Organisation, OrganisationKind
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..urls import external_url
from . import queries, rules, services

TAG = "Directory"
KIND = "organisation"
CONTACT_KIND = "contact"
KindName = OrganisationKindName


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: KindName
    country: str | None = Field(description="ISO 3166 alpha-2 code.")
    country_name: str
    sectors: list[str]
    website: str | None
    notes: str
    contact_count: int = Field(description="Current (not archived) contacts.")
    archived: bool
    created_at: AwareDatetime
    updated_at: AwareDatetime
    version: int
    web_url: str


def organisation_out(organisation: Organisation, contact_count: int) -> OrganisationOut:
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        kind=organisation.kind.value,
        country=organisation.country,
        country_name=rules.country_name(organisation.country),
        sectors=organisation.sectors,
        website=organisation.website,
        notes=organisation.notes or "",
        contact_count=contact_count,
        archived=organisation.is_archived,
        created_at=organisation.created_at,
        updated_at=organisation.updated_at,
        version=organisation.version,
        web_url=external_url("directory.show_organisation", organisation_id=organisation.id),
    )


def _contact_count(session: Session, organisation: Organisation) -> int:
    return session.scalar(
        select(func.count(Contact.id)).where(
            Contact.organisation_id == organisation.id, Contact.archived_at.is_(None)
        )
    )


@representer(Organisation, KIND)
def _shown(session: Session, principal: Principal, organisation: Organisation):
    if not can(principal, Action.VIEW_ORGANISATION, organisation):
        return None
    return organisation_out(organisation, _contact_count(session, organisation))


def _answer(organisation: Organisation, status: int = 200, headers=None):
    return json_response(
        organisation_out(organisation, _contact_count(get_session(), organisation)),
        status,
        etag=etag_of(KIND, organisation.id, organisation.version),
        headers=headers,
    )


class OrganisationListQuery(PageQuery):
    q: str | None = Field(None, max_length=200, description="Part of the name (any case).")
    kind: KindName | None = None
    sector: str | None = Field(None, max_length=rules.SECTOR_MAX, description="A sector tag.")
    country: str | None = Field(
        None, max_length=100, description="A two-letter ISO code, or the English name."
    )
    archived: bool = Field(False, description="Include archived organisations.")

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        # The page ignores a country it does not know; a program is told instead.
        return rules.clean_country(value) if value else None


@blueprint.get("/organisations")
@guard(Action.VIEW_DIRECTORY)
@operation(tags=TAG, query=OrganisationListQuery, response=ItemsPage[OrganisationOut])
def list_organisations(query: OrganisationListQuery):
    """The directory, by name, with the directory page's filters.

    For anyone on a convening's team, as the directory page.
    """
    filters = queries.DirectoryFilters(
        search=query.q or "",
        kind=OrganisationKind(query.kind) if query.kind else None,
        sector=query.sector or "",
        country=query.country,
        include_archived=query.archived,
    )
    statement = queries.with_contact_counts(queries.filtered(filters).order_by(None)).options(
        selectinload(Organisation.sector_links)
    )
    page = page_after(
        get_session(),
        statement,
        keys=(Organisation.name_normalized, Organisation.id),
        key_of=lambda row: (row[0].name_normalized, row[0].id),
        cursor=query.cursor,
        limit=query.limit,
        scalars=False,
    )
    return json_response(
        ItemsPage[OrganisationOut](
            items=[organisation_out(organisation, count) for organisation, count in page.items],
            next_cursor=page.next_cursor,
        )
    )


@blueprint.get("/organisations/<id:organisation_id>")
@guard(Action.VIEW_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
@operation(tags=TAG, response=OrganisationOut, versioned=True)
def get_organisation(organisation: Organisation):
    """One organisation of the directory."""
    return _answer(organisation)


class OrganisationCreate(Input):
    name: str
    kind: KindName
    country: str | None = Field(None, description="A two-letter ISO code, or the English name.")
    sectors: list[str] = Field(default_factory=list, description="Sector tags, such as Film.")
    website: str | None = Field(None, description="A full http(s) address.")
    notes: str = ""


class OrganisationChange(Input):
    """Only the fields sent are changed; null clears an optional one."""

    name: str | None = None
    kind: KindName | None = None
    country: str | None = None
    sectors: list[str] | None = None
    website: str | None = None
    notes: str | None = None


@blueprint.post("/organisations")
@guard(Action.EDIT_DIRECTORY)
@operation(tags=TAG, body=OrganisationCreate, response=OrganisationOut, status=201, versioned=True)
def create_organisation(body: OrganisationCreate):
    """Add an organisation to the directory (organisers); no other may have its name."""
    principal = current_principal()
    values = body.model_dump()
    organisation = perform(lambda session: services.create_organisation(session, principal, values))
    return _answer(organisation, 201, {"Location": f"/api/v1/organisations/{organisation.id}"})


def _current_values(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kind": organisation.kind.value,
        "country": organisation.country,
        # A list, not the form's comma-joined text: an imported tag may hold a comma.
        "sectors": list(organisation.sectors),
        "website": organisation.website,
        "notes": organisation.notes,
    }


@blueprint.patch("/organisations/<id:organisation_id>")
@guard(Action.EDIT_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
@operation(tags=TAG, body=OrganisationChange, response=OrganisationOut, versioned=True)
def update_organisation(organisation: Organisation, body: OrganisationChange):
    """Change some of an organisation's details; send If-Match with the ETag last read.

    Organisers change the organisations invited to (or hosting) their convenings and no
    other team's, and those not yet invited anywhere.
    """
    principal = current_principal()
    version = expected_version(KIND, organisation.id, organisation.version)
    values = {**_current_values(organisation), **body.model_dump(exclude_unset=True)}
    perform(
        lambda session: services.update_organisation(
            session, principal, organisation, values, version
        )
    )
    return _answer(organisation)


# --- Contacts --------------------------------------------------------------------------------


class ContactOut(BaseModel):
    id: int
    organisation: Named
    name: str
    email: str | None
    title: str | None
    phone: str | None
    has_account: bool = Field(description="Whether an account is linked to this contact.")
    archived: bool
    created_at: AwareDatetime
    web_url: str


def contact_out(contact: Contact) -> ContactOut:
    organisation = contact.organisation
    return ContactOut(
        id=contact.id,
        organisation=Named(id=organisation.id, name=organisation.name),
        name=contact.name,
        email=contact.email,
        title=contact.title,
        phone=contact.phone,
        has_account=contact.user is not None,
        archived=contact.is_archived,
        created_at=contact.created_at,
        web_url=external_url("directory.show_organisation", organisation_id=organisation.id)
        + "#contacts",
    )


@representer(Contact, CONTACT_KIND)
def _contact_shown(_session: Session, principal: Principal, contact: Contact):
    if not can(principal, Action.VIEW_ORGANISATION, contact.organisation):
        return None
    return contact_out(contact)


class ContactListQuery(PageQuery):
    archived: bool = Field(False, description="Include archived contacts.")


@blueprint.get("/organisations/<id:organisation_id>/contacts")
@guard(Action.VIEW_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
@operation(tags=TAG, query=ContactListQuery, response=ItemsPage[ContactOut])
def list_contacts(organisation: Organisation, query: ContactListQuery):
    """An organisation's contacts, by name (for anyone on a convening's team)."""
    statement = (
        select(Contact)
        .where(Contact.organisation_id == organisation.id)
        .options(selectinload(Contact.user))
    )
    if not query.archived:
        statement = statement.where(Contact.archived_at.is_(None))
    page = page_after(
        get_session(),
        statement,
        keys=(Contact.name, Contact.id),
        key_of=lambda contact: (contact.name, contact.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    return json_response(
        ItemsPage[ContactOut](
            items=[contact_out(contact) for contact in page.items], next_cursor=page.next_cursor
        )
    )


class ContactCreate(Input):
    name: str
    email: str | None = Field(
        None, description="No two contacts of one organisation share an address."
    )
    title: str | None = None
    phone: str | None = None


class ContactChange(Input):
    """Only the fields sent are changed; null clears an optional one."""

    name: str | None = None
    email: str | None = None
    title: str | None = None
    phone: str | None = None


@blueprint.post("/organisations/<id:organisation_id>/contacts")
@guard(Action.EDIT_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
@operation(tags=TAG, body=ContactCreate, response=ContactOut, status=201)
def create_contact(organisation: Organisation, body: ContactCreate):
    """Add a contact to an organisation the token's owner may change."""
    principal = current_principal()
    values = body.model_dump()
    contact = perform(
        lambda session: services.add_contact(session, principal, organisation, values)
    )
    return json_response(
        contact_out(contact), 201, headers={"Location": f"/api/v1/contacts/{contact.id}"}
    )


# A contact is read and changed as part of its organisation, as on the pages.
_CONTACT = load(Contact, "contact_id", "contact", judged_by=lambda contact: contact.organisation)


@blueprint.get("/contacts/<id:contact_id>")
@guard(Action.VIEW_ORGANISATION, _CONTACT)
@operation(tags=TAG, response=ContactOut, versioned=True)
def get_contact(contact: Contact):
    """One contact (for anyone on a convening's team)."""
    return _answer_contact(contact)


def _answer_contact(contact: Contact, status: int = 200):
    shown = contact_out(contact)
    return json_response(shown, status, etag=content_etag(CONTACT_KIND, contact.id, shown))


@blueprint.patch("/contacts/<id:contact_id>")
@guard(Action.EDIT_ORGANISATION, _CONTACT)
@operation(tags=TAG, body=ContactChange, response=ContactOut, versioned=True)
def update_contact(contact: Contact, body: ContactChange):
    """Change some of a contact's details; send If-Match with the ETag last read.

    A contact's ETag is a digest of what this API shows of it.
    """
    check_if_match(content_etag(CONTACT_KIND, contact.id, contact_out(contact)))
    principal = current_principal()
    values = {**services.contact_values(contact), **body.model_dump(exclude_unset=True)}
    perform(lambda session: services.update_contact(session, principal, contact, values))
    return _answer_contact(contact)
