"""An organisation's history with the convenings the viewer is on the team of."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    distinct,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import (
    OPEN_STATUSES,
    PARTICIPATING_STATUSES,
    ActionItem,
    Contact,
    Convening,
    Delegate,
    DelegateStatus,
    Document,
    DownloadReceipt,
    Invitation,
    InvitationStatus,
    Organisation,
    User,
)
from ..pagination import Page, paginate
from ..principal import Principal
from .figures import (
    ActionFigures,
    action_figures,
    attended_clause,
    count_where,
    local_today,
    team_convenings,
)
from .report import action_order

# Actions shown per convening in an organisation's history; the report lists the rest.
HISTORY_ACTIONS_PER_CONVENING = 20


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
            count_where(Invitation.status == InvitationStatus.ACCEPTED),
            count_where(attended_clause()),
        ).where(invited)
    ).one()
    counts.delegates, counts.delegates_checked_in = session.execute(
        select(func.count(Delegate.id), count_where(Delegate.checked_in_at.is_not(None)))
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
