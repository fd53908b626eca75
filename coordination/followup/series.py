"""A series' dashboard: its convenings' actions and the organisations' participation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    and_,
    distinct,
    func,
    select,
)
from sqlalchemy.orm import Session

from ..models import (
    PARTICIPATING_STATUSES,
    ActionItem,
    Convening,
    Invitation,
    InvitationStatus,
    Organisation,
    Series,
)
from ..pagination import Page, paginate
from ..principal import Principal
from .figures import ActionFigures, action_figures, attended_clause, count_where, team_convenings

# Organisations per page of a series' participation matrix.
MATRIX_PER_PAGE = 50


@dataclass
class ConveningFigures:
    convening: Convening
    actions: ActionFigures
    invited: int = 0
    accepted: int = 0
    attended: int = 0


@dataclass
class Cell:
    status: InvitationStatus
    attended: bool


@dataclass
class ParticipationRow:
    organisation: Organisation
    cells: list[Cell | None]

    @property
    def attended(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.attended)


@dataclass
class SeriesDashboard:
    series: Series
    convenings: list[ConveningFigures]
    actions: ActionFigures
    organisations: Page
    matrix: list[ParticipationRow]
    organisations_attended: int
    hidden_convenings: int


def series_dashboard(
    session: Session,
    principal: Principal,
    series: Series,
    page_number: int = 1,
    now: datetime | None = None,
) -> SeriesDashboard:
    """The series' convenings the viewer is on the team of, their actions and participation."""
    convenings = list(
        session.scalars(
            select(Convening)
            .where(Convening.series_id == series.id, team_convenings(principal))
            .order_by(Convening.starts_at, Convening.id)
        )
    )
    hidden = (
        session.scalar(select(func.count(Convening.id)).where(Convening.series_id == series.id))
        or 0
    ) - len(convenings)
    ids = [convening.id for convening in convenings]
    figures = action_figures(session, ActionItem.convening_id.in_(ids), now=now)
    participating = and_(
        Invitation.convening_id.in_(ids), Invitation.status.in_(PARTICIPATING_STATUSES)
    )
    participation = {
        convening_id: (invited, accepted, attended)
        for convening_id, invited, accepted, attended in session.execute(
            select(
                Invitation.convening_id,
                func.count(Invitation.id),
                count_where(Invitation.status == InvitationStatus.ACCEPTED),
                count_where(attended_clause()),
            )
            .where(participating)
            .group_by(Invitation.convening_id)
        )
    }
    rows = []
    totals = ActionFigures()
    for convening in convenings:
        actions = figures.get(convening.id, ActionFigures())
        totals.add(actions)
        invited, accepted, attended = participation.get(convening.id, (0, 0, 0))
        rows.append(ConveningFigures(convening, actions, invited, accepted, attended))

    organisations = paginate(
        session,
        select(Organisation)
        .where(Organisation.id.in_(select(Invitation.organisation_id).where(participating)))
        .order_by(Organisation.name_normalized, Organisation.id),
        page_number,
        MATRIX_PER_PAGE,
    )
    cells: dict[tuple[int, int], Cell] = {}
    if organisations.items:
        statement = select(
            Invitation.organisation_id,
            Invitation.convening_id,
            Invitation.status,
            attended_clause(),
        ).where(
            participating,
            Invitation.organisation_id.in_([o.id for o in organisations.items]),
        )
        for organisation_id, convening_id, status, attended in session.execute(statement):
            cells[(organisation_id, convening_id)] = Cell(status, bool(attended))
    matrix = [
        ParticipationRow(organisation, [cells.get((organisation.id, cid)) for cid in ids])
        for organisation in organisations.items
    ]
    organisations_attended = (
        session.scalar(
            select(func.count(distinct(Invitation.organisation_id))).where(
                participating, attended_clause()
            )
        )
        or 0
    )
    return SeriesDashboard(
        series=series,
        convenings=rows,
        actions=totals,
        organisations=organisations,
        matrix=matrix,
        organisations_attended=organisations_attended,
        hidden_convenings=hidden,
    )
