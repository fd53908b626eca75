"""Rules every change of an action item checks: limits, the input and its choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ..models import (
    ActionPriority,
    ActionStatus,
    AgendaItem,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
    TeamMembership,
    User,
)
from ..service import InputError

TITLE_MAX = 200
DESCRIPTION_MAX = 20000
NOTE_MAX = 5000
CLOSED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})
# Outstanding: any open status, on an action not carried over to a later convening.
OUTSTANDING = "outstanding"
CARRIED = "carried"

FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "agenda_item": "agenda item",
    "decision": "decision",
    "owner_organisation": "owner organisation",
    "owner_person": "owner person",
    "due_on": "due date",
    "priority": "priority",
}


class BulkActionError(InputError):
    """Some rows of a bulk entry break a rule; nothing was created. ``rows`` holds each
    faulty row's messages by field, by the row's index."""

    def __init__(self, rows: dict[int, dict[str, str]], general: dict[str, str] | None = None):
        self.rows = rows
        count = len(rows)
        message = (
            f"{count} row{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
            "correcting; no action was created."
            if rows
            else ""
        )
        errors = dict(general or {})
        if message:
            errors[""] = message
        super().__init__(errors)


@dataclass
class ActionInput:
    """What the team wrote about one action."""

    title: str
    description: str = ""
    agenda_item_id: int | None = None
    decision_id: int | None = None
    owner_organisation_id: int | None = None
    owner_user_id: int | None = None
    owner_delegate_id: int | None = None
    due_on: date | None = None
    priority: ActionPriority = ActionPriority.NORMAL


@dataclass
class BulkRow:
    """One line of the bulk form: a title, an owner organisation and a due date."""

    title: str = ""
    owner_organisation_id: int | None = None
    due_on: date | None = None

    @property
    def blank(self) -> bool:
        return not self.title.strip() and self.owner_organisation_id is None and not self.due_on


@dataclass
class Choices:
    """What an action of this convening may point at and be owned by."""

    agenda_items: list[AgendaItem]
    decisions: list[MinuteEntry]
    organisations: list[Organisation]
    team_users: list[User]
    delegates: list[Delegate]


# Reading what may be chosen ------------------------------------------------------------------


def _owner_organisations(session: Session, convening: Convening) -> list[Organisation]:
    """Organisations invited (and not withdrawn), and the host: those who may owe an action."""
    invited = select(Invitation.organisation_id).where(
        Invitation.convening_id == convening.id,
        Invitation.status != InvitationStatus.WITHDRAWN,
    )
    condition = Organisation.id.in_(invited)
    if convening.host_organisation_id is not None:
        condition = or_(condition, Organisation.id == convening.host_organisation_id)
    return list(session.scalars(select(Organisation).where(condition).order_by(Organisation.name)))


def choices(session: Session, convening: Convening) -> Choices:
    """The agenda items, decisions, organisations and people an action here may name."""
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.convening_id == convening.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    decisions = list(
        session.scalars(
            select(MinuteEntry)
            .where(
                MinuteEntry.convening_id == convening.id,
                MinuteEntry.kind == MinuteKind.DECISION,
                MinuteEntry.deleted.is_(False),
            )
            .order_by(MinuteEntry.created_at, MinuteEntry.id)
        )
    )
    team_users = list(
        session.scalars(
            select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.convening_id == convening.id)
            .order_by(User.name)
        )
    )
    delegates = list(
        session.scalars(
            select(Delegate)
            .join(Invitation, Invitation.id == Delegate.invitation_id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
            .options(joinedload(Delegate.invitation).joinedload(Invitation.organisation))
            .order_by(Delegate.name, Delegate.id)
        )
    )
    return Choices(
        items, decisions, _owner_organisations(session, convening), team_users, delegates
    )


# Checking input --------------------------------------------------------------------------------


def clean_text(value: str | None) -> str:
    return (value or "").strip()


def _check_title(title: str) -> str | None:
    if not title:
        return "Give the action a title."
    if len(title) > TITLE_MAX:
        return f"Keep the title under {TITLE_MAX} characters."
    return None


def _check_due(due_on: date | None) -> str | None:
    if due_on is not None and not 2000 <= due_on.year <= 2100:
        return "Enter a due date between the years 2000 and 2100."
    return None


def check_links(
    session: Session, convening: Convening, agenda_item_id: int | None, decision_id: int | None
) -> tuple[AgendaItem | None, MinuteEntry | None, dict[str, str]]:
    """The agenda item and decision named, checked to be this convening's."""
    errors: dict[str, str] = {}
    item = None
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.convening_id != convening.id:
            errors["agenda_item_id"] = "Choose an item from this convening's agenda."
            item = None
    decision = None
    if decision_id is not None:
        decision = session.get(MinuteEntry, decision_id)
        if (
            decision is None
            or decision.convening_id != convening.id
            or decision.kind != MinuteKind.DECISION
            or decision.deleted
        ):
            errors["decision_id"] = "Choose a decision recorded in this convening's minutes."
            decision = None
        elif item is not None and decision.agenda_item_id != item.id:
            errors["decision_id"] = "Choose a decision taken under the chosen agenda item."
        elif item is None and "agenda_item_id" not in errors:
            item = decision.agenda_item
    return item, decision, errors


def resolve(
    session: Session, convening: Convening, data: ActionInput
) -> tuple[dict[str, object], dict[str, str]]:
    """The objects the input names, checked to belong to the convening, and any messages."""
    errors: dict[str, str] = {}
    found: dict[str, object] = {}
    title = clean_text(data.title)
    if message := _check_title(title):
        errors["title"] = message
    description = clean_text(data.description)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description under {DESCRIPTION_MAX} characters."
    if message := _check_due(data.due_on):
        errors["due_on"] = message

    item, decision, link_errors = check_links(
        session, convening, data.agenda_item_id, data.decision_id
    )
    errors.update(link_errors)

    organisation = None
    if data.owner_organisation_id is not None:
        allowed = {o.id: o for o in _owner_organisations(session, convening)}
        organisation = allowed.get(data.owner_organisation_id)
        if organisation is None:
            errors["owner_organisation_id"] = (
                "Choose an organisation invited to this convening (or its host)."
            )
    user = delegate = None
    if data.owner_user_id is not None:
        user = session.scalar(
            select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(User.id == data.owner_user_id, TeamMembership.convening_id == convening.id)
        )
        if user is None:
            errors["owner_person"] = "Choose a member of this convening's team or a delegate."
    elif data.owner_delegate_id is not None:
        delegate = session.scalar(
            select(Delegate)
            .join(Invitation, Invitation.id == Delegate.invitation_id)
            .where(
                Delegate.id == data.owner_delegate_id,
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
        )
        if delegate is None:
            errors["owner_person"] = "Choose a member of this convening's team or a delegate."
    no_owner = (
        data.owner_organisation_id is None
        and data.owner_user_id is None
        and data.owner_delegate_id is None
    )
    if no_owner:
        errors["owner_organisation_id"] = (
            "Choose who owns this action: an organisation, a person, or both."
        )
    found.update(
        title=title,
        description=description,
        agenda_item=item,
        decision=decision,
        owner_organisation=organisation,
        owner_user=user,
        owner_delegate=delegate,
        due_on=data.due_on,
        priority=data.priority,
    )
    return found, errors
