"""Reading convenings for pages: only what the viewer may see, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import (
    AuditEvent,
    Contact,
    Convening,
    ConveningStatus,
    Organisation,
    Series,
    TeamMembership,
    TeamRole,
    User,
    utcnow,
)
from ..pagination import Page, paginate
from ..principal import Principal

TABS = {
    "upcoming": "Upcoming",
    "past": "Past",
    "drafts": "Drafts",
}


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL for Action.VIEW_CONVENING: the team and admins see all; participants no drafts."""
    if principal.is_admin:
        return true()
    if not principal.is_authenticated:
        return false()
    return or_(
        Convening.id.in_(sorted(principal.team_roles)),
        and_(
            Convening.status != ConveningStatus.DRAFT,
            Convening.id.in_(sorted(principal.participant_convening_ids)),
        ),
    )


def tabs_for(principal: Principal) -> list[str]:
    """Drafts are only ever the team's, so the tab is offered to team members and admins."""
    if principal.is_admin or principal.on_any_team:
        return list(TABS)
    return ["upcoming", "past"]


def list_convenings(
    session: Session,
    principal: Principal,
    tab: str,
    number: int,
    per_page: int,
    now: datetime | None = None,
) -> Page:
    """One page of a tab: upcoming soonest first, past latest first, drafts by date."""
    now = now or utcnow()
    statement = (
        select(Convening)
        .where(visible_clause(principal))
        .options(joinedload(Convening.host_organisation), joinedload(Convening.series))
    )
    finished = or_(Convening.ends_at < now, Convening.status == ConveningStatus.CONCLUDED)
    if tab == "drafts":
        statement = statement.where(Convening.status == ConveningStatus.DRAFT).order_by(
            Convening.starts_at, Convening.id
        )
    elif tab == "past":
        statement = statement.where(Convening.status != ConveningStatus.DRAFT, finished).order_by(
            Convening.starts_at.desc(), Convening.id.desc()
        )
    else:
        statement = statement.where(Convening.status != ConveningStatus.DRAFT, ~finished).order_by(
            Convening.starts_at, Convening.id
        )
    return paginate(session, statement, number, per_page)


def load_for_page(session: Session, convening: Convening) -> Convening:
    """The convening with its host, series and team (with accounts) loaded at once."""
    return session.scalars(
        select(Convening)
        .where(Convening.id == convening.id)
        .options(
            joinedload(Convening.host_organisation),
            joinedload(Convening.series),
            selectinload(Convening.team)
            .joinedload(TeamMembership.user)
            .joinedload(User.contact)
            .joinedload(Contact.organisation),
        )
        .execution_options(populate_existing=True)
    ).one()


def series_siblings(
    session: Session, principal: Principal, convening: Convening
) -> list[Convening]:
    """The other convenings of the same series that the viewer may see."""
    if convening.series_id is None:
        return []
    return list(
        session.scalars(
            select(Convening)
            .where(
                Convening.series_id == convening.series_id,
                Convening.id != convening.id,
                visible_clause(principal),
            )
            .order_by(Convening.starts_at, Convening.id)
        )
    )


def audit_events(session: Session, convening: Convening, number: int, per_page: int) -> Page:
    """The convening's audit trail, newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.convening_id == convening.id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return paginate(session, statement, number, per_page)


def organisation_choices(session: Session, keep_id: int | None = None) -> list[tuple[str, str]]:
    """Non-archived organisations for the host select, plus the current host if archived."""
    condition = Organisation.archived_at.is_(None)
    if keep_id is not None:
        condition = or_(condition, Organisation.id == keep_id)
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(condition).order_by(Organisation.name)
    ).all()
    return [("", "No host organisation"), *((str(id_), name) for id_, name in rows)]


def series_choices(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(Series.id, Series.name).order_by(Series.name)).all()
    return [("", "Not part of a series"), *((str(id_), name) for id_, name in rows)]


@dataclass
class DashboardSections:
    organising: list[Convening] = field(default_factory=list)
    coordinating: list[Convening] = field(default_factory=list)
    participating: list[Convening] = field(default_factory=list)
    past: list[Convening] = field(default_factory=list)


def dashboard_convenings(session: Session, principal: Principal) -> DashboardSections:
    """The principal's convenings by role, upcoming first; past ones apart."""
    ids = set(principal.team_roles) | principal.participant_convening_ids
    sections = DashboardSections()
    if not ids:
        return sections
    convenings = session.scalars(
        select(Convening)
        .where(Convening.id.in_(ids))
        .options(selectinload(Convening.host_organisation), selectinload(Convening.series))
        .order_by(Convening.starts_at)
    ).all()
    now = utcnow()
    for convening in convenings:
        role = principal.team_roles.get(convening.id)
        if role is None and convening.status == ConveningStatus.DRAFT:
            continue
        if convening.ends_at < now:
            sections.past.append(convening)
        elif role is TeamRole.ORGANISER:
            sections.organising.append(convening)
        elif role is TeamRole.COORDINATOR:
            sections.coordinating.append(convening)
        else:
            sections.participating.append(convening)
    sections.past.reverse()
    return sections
