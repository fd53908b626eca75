"""Reading the directory: the filtered list, one organisation, the rows to export."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Contact, Organisation, OrganisationKind, OrganisationSector
from ..pagination import Page
from .rules import collapse, country_name


@dataclass
class DirectoryFilters:
    search: str = ""
    kind: OrganisationKind | None = None
    sector: str = ""
    country: str | None = None
    include_archived: bool = False


@dataclass
class OrganisationRow:
    organisation: Organisation
    contact_count: int


def filtered(filters: DirectoryFilters) -> Select:
    """Organisations matching the filters, by name."""
    statement = select(Organisation)
    search = collapse(filters.search).lower()
    if search:
        statement = statement.where(Organisation.name_normalized.contains(search, autoescape=True))
    if filters.kind is not None:
        statement = statement.where(Organisation.kind == filters.kind)
    if filters.country:
        statement = statement.where(Organisation.country == filters.country)
    sector = collapse(filters.sector).lower()
    if sector:
        statement = statement.where(
            Organisation.sector_links.any(func.lower(OrganisationSector.name) == sector)
        )
    if not filters.include_archived:
        statement = statement.where(Organisation.archived_at.is_(None))
    return statement.order_by(Organisation.name_normalized, Organisation.id)


def with_contact_counts(statement: Select) -> Select:
    """The statement's organisations, each beside the number of its current contacts."""
    counts = (
        select(Contact.organisation_id, func.count(Contact.id).label("contact_count"))
        .where(Contact.archived_at.is_(None))
        .group_by(Contact.organisation_id)
        .subquery()
    )
    return statement.add_columns(func.coalesce(counts.c.contact_count, 0)).outerjoin(
        counts, counts.c.organisation_id == Organisation.id
    )


def list_page(session: Session, filters: DirectoryFilters, number: int, per_page: int) -> Page:
    """One page of organisations with their sectors and contact counts, in three queries."""
    statement = filtered(filters)
    total = (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    last_page = max(1, -(-total // per_page))
    number = min(number, last_page)
    rows = session.execute(
        with_contact_counts(statement)
        .options(selectinload(Organisation.sector_links))
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    items = [OrganisationRow(organisation, int(count)) for organisation, count in rows]
    return Page(items=items, number=number, per_page=per_page, total=total)


def sector_options(session: Session) -> list[str]:
    """Every sector in use, once each whatever its case."""
    names = session.scalars(select(OrganisationSector.name).distinct())
    unique: dict[str, str] = {}
    for name in sorted(names, key=str.lower):
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def country_options(session: Session) -> list[tuple[str, str]]:
    """The countries of organisations in the directory, by name."""
    codes = session.scalars(
        select(Organisation.country).distinct().where(Organisation.country.is_not(None))
    )
    return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1])


def organisation_detail(session: Session, organisation_id: int) -> Organisation | None:
    """One organisation with its sectors, contacts and their accounts loaded."""
    return session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.sector_links),
            selectinload(Organisation.contacts).selectinload(Contact.user),
        )
        .execution_options(populate_existing=True)
    )


def export_organisations(session: Session, filters: DirectoryFilters) -> list[Organisation]:
    """Non-archived organisations matching the filters, with their current contacts."""
    filters = DirectoryFilters(
        search=filters.search, kind=filters.kind, sector=filters.sector, country=filters.country
    )
    return list(
        session.scalars(
            filtered(filters).options(
                selectinload(Organisation.sector_links),
                selectinload(Organisation.contacts.and_(Contact.archived_at.is_(None))),
            )
        )
    )
