"""The coordinators' tracker: which actions a viewer may track, filtered, sorted and counted.

Every page is a fixed number of queries whatever the number of actions: the filters become
WHERE clauses, the board takes its capped columns with one windowed query, and the totals per
organisation are one grouped query. Carried-over actions are left out everywhere: they live on
in their successor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased, contains_eager

from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionPriority,
    ActionStatus,
    Convening,
    Delegate,
    Organisation,
    OrganisationKind,
    Series,
    User,
)
from ..pagination import Page, paginate
from ..principal import Principal
from .days import Today

# Columns of the board, in the order work moves through them.
BOARD_STATUSES = (
    ActionStatus.OPEN,
    ActionStatus.IN_PROGRESS,
    ActionStatus.BLOCKED,
    ActionStatus.DONE,
    ActionStatus.CANCELLED,
)
# Cards shown per board column; the rest are reached through the list.
BOARD_CARD_LIMIT = 20
# "Due this week" is the next seven days from today, today included.
WEEK_DAYS = 7

SORTS = {
    "due": "Due date, soonest first",
    "due_late": "Due date, latest first",
    "priority": "Priority, most urgent first",
    "status": "Status",
    "owner": "Owner",
    "convening": "Convening, latest first",
    "updated": "Recently updated first",
}
DEFAULT_SORT = "due"

OwnerUser = aliased(User, name="owner_user")
OwnerDelegate = aliased(Delegate, name="owner_delegate")

_PRIORITY_RANK = case(
    {
        ActionPriority.URGENT.value: 0,
        ActionPriority.HIGH.value: 1,
        ActionPriority.NORMAL.value: 2,
        ActionPriority.LOW.value: 3,
    },
    value=ActionItem.priority,
    else_=4,
)
_STATUS_RANK = case(
    {status.value: rank for rank, status in enumerate(BOARD_STATUSES)},
    value=ActionItem.status,
    else_=len(BOARD_STATUSES),
)
_OWNER_NAME = func.lower(func.coalesce(Organisation.name, OwnerUser.name, OwnerDelegate.name, ""))


def today(session: Session, scope: frozenset[int] | None) -> Today:
    """Now, with the zones of the convenings in scope (one query) for per-zone conditions."""
    zones = select(Convening.timezone).distinct()
    if scope is not None:
        zones = zones.where(Convening.id.in_(sorted(scope)))
    return Today.now().with_zones(session.scalars(zones))


def scope_of(principal: Principal) -> frozenset[int] | None:
    """The convenings whose actions the viewer tracks: None means all (administrators)."""
    if principal.is_admin:
        return None
    return frozenset(principal.team_roles)


@dataclass(frozen=True)
class TrackerFilters:
    """What the tracker shows; every field is optional."""

    statuses: frozenset[ActionStatus] = frozenset()
    organisation_id: int | None = None
    organisation_kind: OrganisationKind | None = None
    convening_id: int | None = None
    series_id: int | None = None
    overdue: bool = False
    due_this_week: bool = False
    text: str = ""
    sort: str = DEFAULT_SORT


@dataclass
class Option:
    value: int
    label: str


@dataclass
class FilterOptions:
    """The choices the filter form offers: only what lies within the viewer's scope."""

    convenings: list[Option] = field(default_factory=list)
    series: list[Option] = field(default_factory=list)
    organisations: list[Option] = field(default_factory=list)


def _in_scope(scope: frozenset[int] | None):
    if scope is None:
        return literal(True)
    return ActionItem.convening_id.in_(sorted(scope))


def filter_options(session: Session, scope: frozenset[int] | None) -> FilterOptions:
    """The convenings, series and owner organisations the viewer may filter by (two queries)."""
    if scope is not None and not scope:
        return FilterOptions()
    convening_query = (
        select(Convening.id, Convening.title, Convening.starts_at, Series.id, Series.name)
        .outerjoin(Series, Series.id == Convening.series_id)
        .order_by(Convening.starts_at.desc(), Convening.id)
    )
    if scope is not None:
        convening_query = convening_query.where(Convening.id.in_(sorted(scope)))
    convenings, series = [], {}
    for convening_id, title, starts_at, series_id, series_name in session.execute(convening_query):
        convenings.append(Option(convening_id, f"{title} ({starts_at:%d %b %Y})"))
        if series_id is not None:
            series[series_id] = series_name
    # One probe of the owner index per organisation, rather than a scan of every action.
    owns_some = (
        select(ActionItem.id)
        .where(ActionItem.owner_organisation_id == Organisation.id, _in_scope(scope))
        .exists()
    )
    organisations = [
        Option(organisation_id, name)
        for organisation_id, name in session.execute(
            select(Organisation.id, Organisation.name)
            .where(owns_some)
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    ]
    return FilterOptions(
        convenings=convenings,
        series=[Option(key, name) for key, name in sorted(series.items(), key=lambda s: s[1])],
        organisations=organisations,
    )


def joined(statement: Select) -> Select:
    """The joins every tracker query filters and sorts on (all many-to-one: no duplicates)."""
    return (
        statement.join(Convening, Convening.id == ActionItem.convening_id)
        .outerjoin(Series, Series.id == Convening.series_id)
        .outerjoin(Organisation, Organisation.id == ActionItem.owner_organisation_id)
        .outerjoin(OwnerUser, OwnerUser.id == ActionItem.owner_user_id)
        .outerjoin(OwnerDelegate, OwnerDelegate.id == ActionItem.owner_delegate_id)
    )


def is_overdue_clause(on: Today | date):
    """Open and due before today on its convening's calendar (the query must join Convening)."""
    return and_(
        ActionItem.status.in_([status.value for status in OPEN_STATUSES]),
        ActionItem.due_on.is_not(None),
        Today.coerce(on).per_zone(lambda day: ActionItem.due_on < day),
    )


def conditions_for(scope: frozenset[int] | None, filters: TrackerFilters, on: Today | date) -> list:
    conditions = [_in_scope(scope), ActionItem.carried_over_at.is_(None)]
    if filters.statuses:
        conditions.append(ActionItem.status.in_(sorted(s.value for s in filters.statuses)))
    if filters.organisation_id is not None:
        conditions.append(ActionItem.owner_organisation_id == filters.organisation_id)
    if filters.organisation_kind is not None:
        conditions.append(Organisation.kind == filters.organisation_kind)
    if filters.convening_id is not None:
        conditions.append(ActionItem.convening_id == filters.convening_id)
    if filters.series_id is not None:
        conditions.append(Convening.series_id == filters.series_id)
    if filters.overdue:
        conditions.append(is_overdue_clause(on))
    if filters.due_this_week:
        conditions.append(
            Today.coerce(on).per_zone(
                lambda day: ActionItem.due_on.between(day, day + timedelta(days=WEEK_DAYS - 1))
            )
        )
    if filters.text:
        conditions.append(ActionItem.title.icontains(filters.text, autoescape=True))
    return conditions


def sort_order(sort: str) -> list:
    tie = ActionItem.id
    match sort:
        case "due_late":
            return [ActionItem.due_on.is_(None), ActionItem.due_on.desc(), tie.desc()]
        case "priority":
            return [_PRIORITY_RANK, ActionItem.due_on.is_(None), ActionItem.due_on, tie]
        case "status":
            return [_STATUS_RANK, ActionItem.due_on.is_(None), ActionItem.due_on, tie]
        case "owner":
            return [_OWNER_NAME, ActionItem.due_on.is_(None), ActionItem.due_on, tie]
        case "convening":
            return [Convening.starts_at.desc(), Convening.id, _STATUS_RANK, ActionItem.due_on, tie]
        case "updated":
            return [ActionItem.updated_at.desc(), tie.desc()]
    return [ActionItem.due_on.is_(None), ActionItem.due_on, _PRIORITY_RANK, tie]


def _loading(statement: Select) -> Select:
    return statement.options(
        contains_eager(ActionItem.convening).contains_eager(Convening.series),
        contains_eager(ActionItem.owner_organisation),
        contains_eager(ActionItem.owner_user.of_type(OwnerUser)),
        contains_eager(ActionItem.owner_delegate.of_type(OwnerDelegate)),
    )


def actions_query(
    scope: frozenset[int] | None, filters: TrackerFilters, on: Today | date
) -> Select:
    """The filtered, sorted actions with their convening and owners loaded in the same query."""
    statement = joined(select(ActionItem)).where(*conditions_for(scope, filters, on))
    return _loading(statement).order_by(*sort_order(filters.sort))


def list_page(
    session: Session,
    scope: frozenset[int] | None,
    filters: TrackerFilters,
    on: Today | date,
    number: int,
    per_page: int,
) -> Page:
    """One page of the tracker's list (two queries)."""
    count = joined(select(func.count(ActionItem.id))).where(*conditions_for(scope, filters, on))
    return paginate(session, actions_query(scope, filters, on), number, per_page, count)


@dataclass
class BoardColumn:
    status: ActionStatus
    count: int
    cards: list[ActionItem]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def board(
    session: Session,
    scope: frozenset[int] | None,
    filters: TrackerFilters,
    on: Today | date,
    limit: int = BOARD_CARD_LIMIT,
) -> list[BoardColumn]:
    """A column per status (those asked for, or all): its count and first cards.

    One query counts every column, then one per column reads its first cards.
    """
    conditions = conditions_for(scope, filters, on)
    counts = dict(
        session.execute(
            joined(select(ActionItem.status, func.count()))
            .where(*conditions)
            .group_by(ActionItem.status)
        ).all()
    )
    shown = [s for s in BOARD_STATUSES if not filters.statuses or s in filters.statuses]
    # One short query per column: each keeps only its first cards while it reads, where one
    # ranking over every action would sort them all.
    cards: list[ActionItem] = []
    for status in shown:
        cards += session.scalars(
            _loading(joined(select(ActionItem)))
            .where(*conditions, ActionItem.status == status)
            .order_by(*sort_order(filters.sort))
            .limit(limit)
        ).unique()
    by_status: dict[ActionStatus, list[ActionItem]] = {status: [] for status in BOARD_STATUSES}
    for card in cards:
        by_status[card.status].append(card)
    return [BoardColumn(status, counts.get(status, 0), by_status[status]) for status in shown]


@dataclass
class OrganisationTotals:
    organisation_id: int | None
    name: str | None
    kind: OrganisationKind | None
    open: int
    in_progress: int
    blocked: int
    overdue: int
    done: int
    cancelled: int
    total: int


def _count_of(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _totals_columns(on: Today | date) -> list:
    return [
        _count_of(ActionItem.status == ActionStatus.OPEN),
        _count_of(ActionItem.status == ActionStatus.IN_PROGRESS),
        _count_of(ActionItem.status == ActionStatus.BLOCKED),
        _count_of(is_overdue_clause(on)),
        _count_of(ActionItem.status == ActionStatus.DONE),
        _count_of(ActionItem.status == ActionStatus.CANCELLED),
        func.count(ActionItem.id),
    ]


def organisation_totals(
    session: Session,
    scope: frozenset[int] | None,
    filters: TrackerFilters,
    on: Today | date,
    number: int,
    per_page: int,
) -> tuple[Page, OrganisationTotals]:
    """Counts per owner organisation, their number and the sum, from one grouped query.

    There are at most as many groups as organisations, so every group is read in one pass over
    the actions and the page is cut from them, rather than scanning the actions three times.
    """
    grouped = (
        joined(
            select(
                ActionItem.owner_organisation_id,
                Organisation.name,
                Organisation.kind,
                *_totals_columns(on),
            )
        )
        .where(*conditions_for(scope, filters, on))
        .group_by(ActionItem.owner_organisation_id, Organisation.name, Organisation.kind)
        .order_by(
            Organisation.name.is_(None),
            func.lower(Organisation.name),
            ActionItem.owner_organisation_id,
        )
    )
    groups = [OrganisationTotals(*row) for row in session.execute(grouped)]
    sums = [sum(getattr(group, name) for group in groups) for name in _TOTAL_FIELDS]
    total = OrganisationTotals(None, None, None, *sums)
    number = min(number, max(1, math.ceil(len(groups) / per_page)))
    items = groups[(number - 1) * per_page : number * per_page]
    return Page(items=items, number=number, per_page=per_page, total=len(groups)), total


_TOTAL_FIELDS = ("open", "in_progress", "blocked", "overdue", "done", "cancelled", "total")


def owner_label(action: ActionItem) -> str:
    """Who owes the action, as the tracker shows it."""
    person = action.owner_user.name if action.owner_user else None
    if person is None and action.owner_delegate is not None:
        person = action.owner_delegate.name
    organisation = action.owner_organisation.name if action.owner_organisation else None
    if organisation and person:
        return f"{person} ({organisation})"
    return organisation or person or "No owner"


def statuses_for(values: list[str]) -> frozenset[ActionStatus]:
    return frozenset(ActionStatus(value) for value in values)
