"""Reading what followed a convening: its report, a series' dashboard, an organisation's history.

Everything here reads; nothing changes data. Each function issues a fixed number of queries
whatever the number of organisations, delegates or actions, so the pages stay fast at scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    distinct,
    exists,
    func,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload
from sqlalchemy.sql.expression import Exists

from ..models import (
    OPEN_STATUSES,
    PARTICIPATING_STATUSES,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Contact,
    Convening,
    Delegate,
    DelegateStatus,
    Document,
    DownloadReceipt,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
    Series,
    User,
)
from ..pagination import Page, paginate
from ..permissions import Principal

# Actions shown per convening in an organisation's history; the report lists the rest.
HISTORY_ACTIONS_PER_CONVENING = 20
# Organisations per page of a series' participation matrix.
MATRIX_PER_PAGE = 50


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def local_today(convening: Convening, now: datetime | None = None) -> date:
    """Today's date on the convening's wall clock: what "overdue" is judged against."""
    return _now(now).astimezone(ZoneInfo(convening.timezone)).date()


def team_convenings(principal: Principal) -> ColumnElement[bool]:
    """The convenings whose team area the viewer may see: all for administrators."""
    if principal.is_admin:
        return true()
    return Convening.id.in_(list(principal.team_roles))


# --- action figures, computed in the database -------------------------------------------


@dataclass
class ActionFigures:
    """Counts of a set of actions. A carried-over action lives on in its successor, so it
    counts as carried over, never as open, done or cancelled."""

    opened: int = 0
    carried_in: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0
    cancelled: int = 0
    carried_over: int = 0

    @property
    def total(self) -> int:
        return self.opened + self.carried_in

    def add(self, other: ActionFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def action_figures(
    session: Session, *conditions: ColumnElement[bool], now: datetime | None = None
) -> dict[int, ActionFigures]:
    """Figures per convening for the actions matching ``conditions``, in one query.

    "Overdue" depends on each convening's own date today, which is at most a day either
    side of the UTC date: the query counts open actions due before yesterday, yesterday and
    today (UTC), and each convening adds up the buckets that lie before its own today.
    """
    moment = _now(now)
    utc_today = moment.astimezone(UTC).date()
    yesterday = utc_today - timedelta(days=1)
    live = ActionItem.carried_over_at.is_(None)
    is_open = and_(ActionItem.status.in_(list(OPEN_STATUSES)), live)
    statement = (
        select(
            ActionItem.convening_id,
            Convening.timezone,
            _count(ActionItem.carried_from_id.is_(None)),
            _count(ActionItem.carried_from_id.is_not(None)),
            _count(is_open),
            _count(and_(ActionItem.status == ActionStatus.DONE, live)),
            _count(and_(ActionItem.status == ActionStatus.CANCELLED, live)),
            _count(ActionItem.carried_over_at.is_not(None)),
            _count(and_(is_open, ActionItem.due_on < yesterday)),
            _count(and_(is_open, ActionItem.due_on == yesterday)),
            _count(and_(is_open, ActionItem.due_on == utc_today)),
        )
        .join(Convening, Convening.id == ActionItem.convening_id)
        .where(*conditions)
        .group_by(ActionItem.convening_id, Convening.timezone)
    )
    figures = {}
    for row in session.execute(statement):
        (convening_id, zone, opened, carried_in, open_, done, cancelled, carried_over) = row[:8]
        before_yesterday, due_yesterday, due_today = row[8:]
        today = moment.astimezone(ZoneInfo(zone)).date()
        overdue = before_yesterday
        if today > yesterday:
            overdue += due_yesterday
        if today > utc_today:
            overdue += due_today
        figures[convening_id] = ActionFigures(
            opened=opened,
            carried_in=carried_in,
            open=open_,
            overdue=overdue,
            done=done,
            cancelled=cancelled,
            carried_over=carried_over,
        )
    return figures


def _attended() -> Exists:
    """True for an invitation with at least one delegate checked in."""
    return (
        exists()
        .where(
            Delegate.invitation_id == Invitation.id,
            Delegate.status == DelegateStatus.CONFIRMED,
            Delegate.checked_in_at.is_not(None),
        )
        .correlate(Invitation)
    )


# --- the follow-up report of one convening ----------------------------------------------


@dataclass
class Attendance:
    """One invited organisation: its answer, the delegates it named, who arrived."""

    invitation: Invitation

    @property
    def organisation(self) -> Organisation:
        return self.invitation.organisation

    @property
    def delegates(self) -> list[Delegate]:
        return self.invitation.active_delegates

    @property
    def checked_in(self) -> int:
        return sum(1 for delegate in self.delegates if delegate.checked_in_at is not None)

    @property
    def attended(self) -> bool:
        return self.checked_in > 0


@dataclass
class OwnerGroup:
    """The actions of one owner: an organisation, else a person, else nobody yet."""

    anchor: str
    label: str
    kind: str
    actions: list[ActionItem] = field(default_factory=list)


@dataclass
class ReportTotals:
    invited: int = 0
    accepted: int = 0
    tentative: int = 0
    declined: int = 0
    not_answered: int = 0
    attended: int = 0
    delegates_named: int = 0
    delegates_checked_in: int = 0
    decisions: int = 0
    actions: int = 0
    actions_open: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    actions_cancelled: int = 0
    actions_carried_over: int = 0


@dataclass
class FollowUpReport:
    convening: Convening
    today: date
    attendance: list[Attendance]
    decisions: list[MinuteEntry]
    owners: list[OwnerGroup]
    totals: ReportTotals

    @property
    def overdue(self) -> list[ActionItem]:
        found = [a for group in self.owners for a in group.actions if a.is_overdue(self.today)]
        return sorted(found, key=lambda action: (action.due_on, action.id))


def owner_person(action: ActionItem) -> str | None:
    """The person owning the action, by name, if any."""
    if action.owner_user is not None:
        return action.owner_user.name
    if action.owner_delegate is not None:
        return action.owner_delegate.name
    return None


def _owner_key(action: ActionItem) -> tuple[int, str, str, str]:
    """(order, sort name, anchor, label) of the group an action belongs to."""
    if action.owner_organisation is not None:
        organisation = action.owner_organisation
        return (0, organisation.name_normalized, f"owner-org-{organisation.id}", organisation.name)
    if action.owner_user is not None:
        user = action.owner_user
        return (1, user.name.lower(), f"owner-user-{user.id}", user.name)
    if action.owner_delegate is not None:
        delegate = action.owner_delegate
        return (1, delegate.name.lower(), f"owner-delegate-{delegate.id}", delegate.name)
    return (2, "", "owner-none", "No owner yet")


def action_order(today: date) -> Callable[[ActionItem], tuple]:
    """Sort key: overdue first, then still open by due date, then the closed ones."""

    def key(action: ActionItem):
        state = 0 if action.is_overdue(today) else 1 if action.is_open else 2
        return (state, action.due_on or date.max, action.title.lower(), action.id)

    return key


def _group_by_owner(actions: Iterable[ActionItem], today: date) -> list[OwnerGroup]:
    groups: dict[str, tuple[tuple[int, str], OwnerGroup]] = {}
    for action in actions:
        order, sort_name, anchor, label = _owner_key(action)
        if anchor not in groups:
            kind = ("organisation", "person", "none")[order]
            groups[anchor] = ((order, sort_name), OwnerGroup(anchor, label, kind))
        groups[anchor][1].actions.append(action)
    ordered = [group for _, group in sorted(groups.values(), key=lambda pair: pair[0])]
    for group in ordered:
        group.actions.sort(key=action_order(today))
    return ordered


def follow_up_report(
    session: Session, convening: Convening, now: datetime | None = None
) -> FollowUpReport:
    """Attendance, decisions and actions of a convening with their totals, in four queries.

    Only invitations that were sent and not withdrawn count: drafts never reached anyone.
    """
    today = local_today(convening, now)
    invitations = session.scalars(
        select(Invitation)
        .join(Invitation.organisation)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
        .options(contains_eager(Invitation.organisation), selectinload(Invitation.delegates))
        .order_by(Organisation.name_normalized, Invitation.id)
    )
    attendance = [Attendance(invitation) for invitation in invitations]
    decisions = list(
        session.scalars(
            select(MinuteEntry)
            .outerjoin(MinuteEntry.agenda_item)
            .where(
                MinuteEntry.convening_id == convening.id,
                MinuteEntry.kind == MinuteKind.DECISION,
                MinuteEntry.deleted.is_(False),
            )
            .options(contains_eager(MinuteEntry.agenda_item))
            .order_by(
                AgendaItem.position.is_(None),
                AgendaItem.position,
                MinuteEntry.created_at,
                MinuteEntry.id,
            )
        )
    )
    actions = list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.convening_id == convening.id)
            .options(
                joinedload(ActionItem.owner_organisation),
                joinedload(ActionItem.owner_user),
                joinedload(ActionItem.owner_delegate),
                joinedload(ActionItem.agenda_item),
            )
        )
    )
    totals = ReportTotals(
        invited=len(attendance),
        decisions=len(decisions),
        actions=len(actions),
    )
    for row in attendance:
        status = row.invitation.status
        totals.accepted += status == InvitationStatus.ACCEPTED
        totals.tentative += status == InvitationStatus.TENTATIVE
        totals.declined += status == InvitationStatus.DECLINED
        totals.not_answered += status == InvitationStatus.SENT
        totals.attended += row.attended
        totals.delegates_named += len(row.delegates)
        totals.delegates_checked_in += row.checked_in
    for action in actions:
        if action.carried_over_at is not None:
            totals.actions_carried_over += 1
        elif action.is_open:
            totals.actions_open += 1
            totals.actions_overdue += action.is_overdue(today)
        elif action.status == ActionStatus.DONE:
            totals.actions_done += 1
        elif action.status == ActionStatus.CANCELLED:
            totals.actions_cancelled += 1
    return FollowUpReport(
        convening=convening,
        today=today,
        attendance=attendance,
        decisions=decisions,
        owners=_group_by_owner(actions, today),
        totals=totals,
    )


# --- the series dashboard ---------------------------------------------------------------


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
                _count(Invitation.status == InvitationStatus.ACCEPTED),
                _count(_attended()),
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
            Invitation.organisation_id, Invitation.convening_id, Invitation.status, _attended()
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
                participating, _attended()
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


# --- an organisation's history ----------------------------------------------------------


@dataclass
class ReceivedBriefing:
    document_id: int
    title: str
    deleted: bool
    first_at: datetime
    downloads: int
    recipients: int


@dataclass
class HistoryEntry:
    """What happened between the organisation and one convening."""

    convening: Convening
    today: date
    invitation: Invitation | None
    briefings: list[ReceivedBriefing]
    actions: list[ActionItem]
    figures: ActionFigures

    @property
    def delegates(self) -> list[Delegate]:
        return self.invitation.active_delegates if self.invitation else []

    @property
    def attended(self) -> bool:
        return any(delegate.checked_in_at is not None for delegate in self.delegates)

    @property
    def actions_not_shown(self) -> int:
        return max(0, self.figures.total - len(self.actions))


@dataclass
class HistoryCounts:
    invited: int = 0
    accepted: int = 0
    attended: int = 0
    delegates: int = 0
    delegates_checked_in: int = 0
    briefings: int = 0
    downloads: int = 0
    actions: ActionFigures = field(default_factory=ActionFigures)


@dataclass
class StakeholderHistory:
    organisation: Organisation
    counts: HistoryCounts
    page: Page
    entries: list[HistoryEntry]


def owned_by(organisation: Organisation) -> ColumnElement[bool]:
    """Actions the organisation owns, itself or through one of its people."""
    delegates = (
        select(Delegate.id)
        .join(Invitation, Invitation.id == Delegate.invitation_id)
        .where(Invitation.organisation_id == organisation.id)
    )
    accounts = (
        select(User.id)
        .join(Contact, Contact.id == User.contact_id)
        .where(Contact.organisation_id == organisation.id)
    )
    return or_(
        ActionItem.owner_organisation_id == organisation.id,
        ActionItem.owner_delegate_id.in_(delegates),
        ActionItem.owner_user_id.in_(accounts),
    )


def _history_counts(
    session: Session,
    organisation: Organisation,
    visible: ColumnElement[bool],
    owned: ColumnElement[bool],
    now: datetime | None,
) -> HistoryCounts:
    invited = and_(
        Invitation.organisation_id == organisation.id,
        Invitation.status.in_(PARTICIPATING_STATUSES),
        Invitation.convening_id.in_(select(Convening.id).where(visible)),
    )
    counts = HistoryCounts()
    counts.invited, counts.accepted, counts.attended = session.execute(
        select(
            func.count(Invitation.id),
            _count(Invitation.status == InvitationStatus.ACCEPTED),
            _count(_attended()),
        ).where(invited)
    ).one()
    counts.delegates, counts.delegates_checked_in = session.execute(
        select(func.count(Delegate.id), _count(Delegate.checked_in_at.is_not(None)))
        .join(Invitation, Invitation.id == Delegate.invitation_id)
        .where(invited, Delegate.status == DelegateStatus.CONFIRMED)
    ).one()
    counts.briefings, counts.downloads = session.execute(
        select(func.count(distinct(DownloadReceipt.document_id)), func.count(DownloadReceipt.id))
        .join(Convening, Convening.id == DownloadReceipt.convening_id)
        .where(DownloadReceipt.organisation_id == organisation.id, visible)
    ).one()
    for figures in action_figures(session, owned, visible, now=now).values():
        counts.actions.add(figures)
    return counts


def stakeholder_history(
    session: Session,
    principal: Principal,
    organisation: Organisation,
    page_number: int,
    per_page: int,
    now: datetime | None = None,
) -> StakeholderHistory:
    """The organisation's convenings, newest first, with what it answered, sent, received
    and owes; only convenings whose team the viewer is on (administrators: all)."""
    visible = team_convenings(principal)
    owned = owned_by(organisation)
    involved = union(
        select(Invitation.convening_id).where(
            Invitation.organisation_id == organisation.id,
            Invitation.status != InvitationStatus.DRAFT,
        ),
        select(ActionItem.convening_id).where(owned),
        select(DownloadReceipt.convening_id).where(
            DownloadReceipt.organisation_id == organisation.id
        ),
    )
    page = paginate(
        session,
        select(Convening)
        .where(Convening.id.in_(involved), visible)
        .order_by(Convening.starts_at.desc(), Convening.id.desc()),
        page_number,
        per_page,
    )
    counts = _history_counts(session, organisation, visible, owned, now)
    ids = [convening.id for convening in page.items]
    if not ids:
        return StakeholderHistory(organisation, counts, page, [])

    invitations = {
        invitation.convening_id: invitation
        for invitation in session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.convening_id.in_(ids),
                Invitation.status != InvitationStatus.DRAFT,
            )
            .options(selectinload(Invitation.delegates))
        )
    }
    briefings: dict[int, list[ReceivedBriefing]] = defaultdict(list)
    received = session.execute(
        select(
            DownloadReceipt.convening_id,
            Document.id,
            Document.title,
            Document.deleted_at,
            func.min(DownloadReceipt.downloaded_at),
            func.count(DownloadReceipt.id),
            func.count(distinct(DownloadReceipt.recipient_name)),
        )
        .join(Document, Document.id == DownloadReceipt.document_id)
        .where(
            DownloadReceipt.organisation_id == organisation.id,
            DownloadReceipt.convening_id.in_(ids),
        )
        .group_by(DownloadReceipt.convening_id, Document.id, Document.title, Document.deleted_at)
        .order_by(func.min(DownloadReceipt.downloaded_at), Document.id)
    )
    for convening_id, document_id, title, deleted_at, first_at, downloads, people in received:
        briefings[convening_id].append(
            ReceivedBriefing(
                document_id, title, deleted_at is not None, first_at, downloads, people
            )
        )

    # The first few actions of each convening, open ones first, in one query.
    live_open = and_(
        ActionItem.status.in_(list(OPEN_STATUSES)), ActionItem.carried_over_at.is_(None)
    )
    ranked = (
        select(
            ActionItem.id,
            func.row_number()
            .over(
                partition_by=ActionItem.convening_id,
                order_by=(
                    case((live_open, 0), else_=1),
                    ActionItem.due_on.is_(None),
                    ActionItem.due_on,
                    ActionItem.id,
                ),
            )
            .label("rank"),
        )
        .where(owned, ActionItem.convening_id.in_(ids))
        .subquery()
    )
    shown: dict[int, list[ActionItem]] = defaultdict(list)
    for action in session.scalars(
        select(ActionItem)
        .join(ranked, ranked.c.id == ActionItem.id)
        .where(ranked.c.rank <= HISTORY_ACTIONS_PER_CONVENING)
        .options(joinedload(ActionItem.owner_user), joinedload(ActionItem.owner_delegate))
    ):
        shown[action.convening_id].append(action)
    figures = action_figures(session, owned, ActionItem.convening_id.in_(ids), now=now)

    entries = []
    for convening in page.items:
        today = local_today(convening, now)
        actions = sorted(shown.get(convening.id, []), key=action_order(today))
        entries.append(
            HistoryEntry(
                convening=convening,
                today=today,
                invitation=invitations.get(convening.id),
                briefings=briefings.get(convening.id, []),
                actions=actions,
                figures=figures.get(convening.id, ActionFigures()),
            )
        )
    return StakeholderHistory(organisation, counts, page, entries)
