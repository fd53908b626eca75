"""Reading the agenda for pages, in a fixed number of queries whatever its length."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import (
    AgendaItem,
    AgendaPresenter,
    AgendaVersion,
    Audience,
    AudienceOrganisation,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    Organisation,
)


def draft_items(session: Session, convening: Convening) -> list[AgendaItem]:
    """The items the team edits, in order, with presenters and audiences loaded."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.convening_id == convening.id)
            .options(
                selectinload(AgendaItem.presenters).joinedload(AgendaPresenter.organisation),
                selectinload(AgendaItem.presenters)
                .joinedload(AgendaPresenter.delegate)
                .joinedload(Delegate.invitation)
                .joinedload(Invitation.organisation),
                joinedload(AgendaItem.audience)
                .selectinload(Audience.organisation_links)
                .joinedload(AudienceOrganisation.organisation),
            )
            .order_by(AgendaItem.position, AgendaItem.id)
        ).unique()
    )


def latest_version(session: Session, convening: Convening) -> AgendaVersion | None:
    """The most recently published version, or None (one query)."""
    return session.scalars(
        select(AgendaVersion)
        .where(AgendaVersion.convening_id == convening.id)
        .options(joinedload(AgendaVersion.published_by))
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    ).first()


def versions(session: Session, convening: Convening) -> list[AgendaVersion]:
    """Every published version, newest first."""
    return list(
        session.scalars(
            select(AgendaVersion)
            .where(AgendaVersion.convening_id == convening.id)
            .options(joinedload(AgendaVersion.published_by))
            .order_by(AgendaVersion.number.desc())
        )
    )


def last_version_number(session: Session, convening: Convening) -> int:
    return session.scalar(
        select(func.coalesce(func.max(AgendaVersion.number), 0)).where(
            AgendaVersion.convening_id == convening.id
        )
    )


def invited_organisations(session: Session, convening: Convening) -> list[Organisation]:
    """Organisations invited to the convening (withdrawn invitations left out), by name."""
    return list(
        session.scalars(
            select(Organisation)
            .join(Invitation, Invitation.organisation_id == Organisation.id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
            )
            .order_by(Organisation.name)
        )
    )


def confirmed_delegates(session: Session, convening: Convening) -> list[Delegate]:
    """Confirmed delegates of the convening's invitations, by organisation and name."""
    return list(
        session.scalars(
            select(Delegate)
            .join(Invitation, Invitation.id == Delegate.invitation_id)
            .join(Organisation, Organisation.id == Invitation.organisation_id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
            .options(joinedload(Delegate.invitation).joinedload(Invitation.organisation))
            .order_by(Organisation.name, Delegate.name)
        )
    )
