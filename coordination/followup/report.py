"""The follow-up report of one convening: attendance, decisions, actions by owner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, contains_eager, selectinload

from ..actions.queries import actions_of
from ..models import (
    PARTICIPATING_STATUSES,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Convening,
    Delegate,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
)
from .figures import local_today


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
    actions = list(session.scalars(actions_of(convening)))
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
