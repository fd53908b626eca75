"""Reading action items: the convening's list, my actions, one action with its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, false, or_, select
from sqlalchemy.orm import Session, joinedload

from ..identity import named_as_delegate
from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    ActionUpdate,
    Convening,
    ConveningStatus,
    Delegate,
    Organisation,
)
from ..pagination import Page, paginate
from ..principal import Principal, organisation_ids_of
from .carrying import next_convening
from .changes import successor_of
from .rules import CARRIED, OUTSTANDING


def actions_of(convening: Convening) -> Select:
    """The convening's actions with what their rows show (owners, agenda item) loaded."""
    return (
        select(ActionItem)
        .where(ActionItem.convening_id == convening.id)
        .options(
            joinedload(ActionItem.owner_organisation),
            joinedload(ActionItem.owner_user),
            joinedload(ActionItem.owner_delegate),
            joinedload(ActionItem.agenda_item),
        )
    )


def today_in(zone_name: str, now: datetime | None = None) -> date:
    """Today's date in the zone: due dates are days, not instants."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone_name)).date()


@dataclass
class ActionRow:
    action: ActionItem
    overdue: bool


@dataclass
class ListFilters:
    status: str = ""
    owner_organisation_id: int | None = None


def outstanding_rank():
    """0 for an outstanding action, 1 for the rest: lists show outstanding ones first."""
    return case(
        (
            ActionItem.status.in_(list(OPEN_STATUSES)) & ActionItem.carried_over_at.is_(None),
            0,
        ),
        else_=1,
    )


def _ordered(statement: Select) -> Select:
    """Outstanding actions first, then by due date (undated last), newest last."""
    undated = case((ActionItem.due_on.is_(None), 1), else_=0)
    return statement.order_by(outstanding_rank(), undated, ActionItem.due_on, ActionItem.id)


def _owned_by(principal: Principal):
    """The condition "owned by this person or an organisation they act for"."""
    user = principal.user
    if user is None:
        return false()
    as_delegate = select(Delegate.id).where(named_as_delegate(user))
    conditions = [
        ActionItem.owner_user_id == user.id,
        ActionItem.owner_delegate_id.in_(as_delegate),
    ]
    organisation_ids = organisation_ids_of(principal)
    if organisation_ids:
        conditions.append(ActionItem.owner_organisation_id.in_(sorted(organisation_ids)))
    return or_(*conditions)


def _status_condition(status: str):
    if status == OUTSTANDING:
        return ActionItem.status.in_(list(OPEN_STATUSES)) & ActionItem.carried_over_at.is_(None)
    if status == CARRIED:
        return ActionItem.carried_over_at.is_not(None)
    try:
        return ActionItem.status == ActionStatus(status)
    except ValueError:
        return None


def _rows(page: Page, zone_for) -> Page:
    todays: dict[str, date] = {}
    rows = []
    for action in page.items:
        zone = zone_for(action)
        if zone not in todays:
            todays[zone] = today_in(zone)
        rows.append(ActionRow(action, action.is_overdue(todays[zone])))
    page.items = rows
    return page


def convening_actions_query(
    principal: Principal, convening: Convening, team: bool, filters: ListFilters
) -> Select:
    """The convening's actions the viewer may list, filtered, unordered: all for the team, the
    viewer's own for others."""
    statement = actions_of(convening)
    if not team:
        statement = statement.where(_owned_by(principal))
    if filters.status and (condition := _status_condition(filters.status)) is not None:
        statement = statement.where(condition)
    if filters.owner_organisation_id is not None:
        statement = statement.where(
            ActionItem.owner_organisation_id == filters.owner_organisation_id
        )
    return statement


def convening_actions(
    session: Session,
    principal: Principal,
    convening: Convening,
    team: bool,
    filters: ListFilters,
    number: int,
    per_page: int,
) -> Page:
    """One page of the convening's actions: all for the team, the viewer's own for others."""
    statement = convening_actions_query(principal, convening, team, filters)
    page = paginate(session, _ordered(statement), number, per_page)
    return _rows(page, lambda _action: convening.timezone)


def my_actions(session: Session, principal: Principal, number: int, per_page: int) -> Page:
    """One page of everything the user or their organisations own, across convenings."""
    statement = (
        select(ActionItem)
        .join(Convening, Convening.id == ActionItem.convening_id)
        .where(_owned_by(principal), ActionItem.carried_over_at.is_(None))
        .options(
            joinedload(ActionItem.convening),
            joinedload(ActionItem.owner_organisation),
            joinedload(ActionItem.owner_user),
            joinedload(ActionItem.owner_delegate),
        )
    )
    if not principal.is_admin:
        # A draft convening is the team's alone, even where an action in it names someone.
        statement = statement.where(
            or_(
                Convening.status != ConveningStatus.DRAFT,
                Convening.id.in_(sorted(principal.team_roles) or [-1]),
            )
        )
    page = paginate(session, _ordered(statement), number, per_page)
    return _rows(page, lambda action: action.convening.timezone)


@dataclass
class HistoryEntry:
    update: ActionUpdate
    convening: Convening
    earlier: bool


@dataclass
class ActionDetails:
    action: ActionItem
    overdue: bool
    history: list[HistoryEntry] = field(default_factory=list)
    successor: ActionItem | None = None
    next_convening: Convening | None = None


def details(session: Session, action: ActionItem) -> ActionDetails:
    """The action with its history across the chain it continues, newest last."""
    chain = [action]
    while chain[-1].carried_from is not None and len(chain) < 50:
        chain.append(chain[-1].carried_from)
    by_id = {link.id: link for link in chain}
    updates = session.scalars(
        select(ActionUpdate)
        .where(ActionUpdate.action_id.in_(list(by_id)))
        .options(joinedload(ActionUpdate.author_organisation))
        .order_by(ActionUpdate.created_at, ActionUpdate.id)
    )
    history = [
        HistoryEntry(
            update=update,
            convening=by_id[update.action_id].convening,
            earlier=update.action_id != action.id,
        )
        for update in updates
    ]
    successor = successor_of(session, action) if action.carried_over_at else None
    upcoming = None
    if action.is_open:
        upcoming = next_convening(session, action.convening)
    return ActionDetails(
        action=action,
        overdue=action.is_overdue(today_in(action.convening.timezone)),
        history=history,
        successor=successor,
        next_convening=upcoming,
    )


def owner_filter_options(session: Session, convening: Convening) -> list[tuple[int, str]]:
    """Organisations owning some action of the convening, for the team's filter."""
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.id.in_(
                select(ActionItem.owner_organisation_id).where(
                    ActionItem.convening_id == convening.id
                )
            )
        )
        .order_by(Organisation.name)
    )
    return [(organisation_id, name) for organisation_id, name in rows]
