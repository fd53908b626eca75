"""Reading a convening's invitations and the organisations that could be invited.

Every function answers in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...models import (
    Contact,
    Convening,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    OrganisationSector,
)


def invitations_for_page(
    session: Session, convening: Convening, status: InvitationStatus | None = None
) -> list[Invitation]:
    """The convening's invitations by organisation name, in a fixed number of queries."""
    query = (
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.convening_id == convening.id)
        .options(
            joinedload(Invitation.organisation),
            joinedload(Invitation.focal_point),
            selectinload(Invitation.delegates),
        )
        .order_by(Organisation.name_normalized)
    )
    if status is not None:
        query = query.where(Invitation.status == status)
    return list(session.scalars(query).unique())


def status_counts(session: Session, convening: Convening) -> dict[InvitationStatus, int]:
    """How many invitations are in each status (every status present, zero or more)."""
    rows = session.execute(
        select(Invitation.status, func.count(Invitation.id))
        .where(Invitation.convening_id == convening.id)
        .group_by(Invitation.status)
    ).all()
    counts = dict.fromkeys(InvitationStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def invited_ids(session: Session, convening: Convening) -> Select:
    return select(Invitation.organisation_id).where(
        Invitation.convening_id == convening.id,
        Invitation.status != InvitationStatus.WITHDRAWN,
    )


def invitable_organisations(session: Session, convening: Convening) -> list[Organisation]:
    """Organisations that may be invited: not archived, not invited (or withdrawn)."""
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.archived_at.is_(None),
                Organisation.id.not_in(invited_ids(session, convening)),
            )
            .options(selectinload(Organisation.contacts.and_(Contact.archived_at.is_(None))))
            .order_by(Organisation.name_normalized)
        )
    )


def contact_choices(organisations: list[Organisation]) -> list[tuple[int, str, str]]:
    """(contact id, label, organisation name) for every current contact of the organisations."""
    return [
        (contact.id, contact_label(contact), organisation.name)
        for organisation in organisations
        for contact in organisation.contacts
        if not contact.is_archived
    ]


def contact_label(contact: Contact) -> str:
    return f"{contact.name} <{contact.email}>" if contact.email else f"{contact.name} (no email)"


@dataclass(frozen=True)
class Criteria:
    """Which organisations a bulk invitation reaches; unset means any."""

    kind: OrganisationKind | None = None
    sector: str = ""
    country: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.kind is None and not self.sector and self.country is None


@dataclass
class Match:
    matching: int
    already_invited: int
    to_invite: list[Organisation]


def match_organisations(session: Session, convening: Convening, criteria: Criteria) -> Match:
    """Current organisations meeting the criteria, and those of them not yet invited."""
    query = select(Organisation).where(Organisation.archived_at.is_(None))
    if criteria.kind is not None:
        query = query.where(Organisation.kind == criteria.kind)
    if criteria.country is not None:
        query = query.where(Organisation.country == criteria.country)
    if criteria.sector:
        query = query.where(
            Organisation.id.in_(
                select(OrganisationSector.organisation_id).where(
                    func.lower(OrganisationSector.name) == criteria.sector.lower()
                )
            )
        )
    matching = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    to_invite = list(
        session.scalars(
            query.where(Organisation.id.not_in(invited_ids(session, convening)))
            .options(selectinload(Organisation.contacts.and_(Contact.archived_at.is_(None))))
            .order_by(Organisation.name_normalized)
        )
    )
    return Match(matching=matching, already_invited=matching - len(to_invite), to_invite=to_invite)
