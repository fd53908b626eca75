"""Rules for action items: creating, editing, status and notes, carrying over, and reading them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, false, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionPriority,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    AgendaItem,
    Convening,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
    TeamMembership,
    User,
    utcnow,
)
from ..pagination import Page, paginate
from ..permissions import Principal, organisation_ids_of

STALE_MESSAGE = (
    "This action was changed by someone else meanwhile; reload it to see their changes "
    "before making yours."
)
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


class ActionError(ValueError):
    """Input that breaks a rule; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, str] | str, field_name: str = ""):
        self.errors = errors if isinstance(errors, dict) else {field_name: errors}
        super().__init__(" ".join(self.errors.values()))


class StaleActionError(ActionError):
    """Someone else saved the action after this form was loaded."""

    def __init__(self):
        super().__init__(STALE_MESSAGE)


class BulkActionError(ActionError):
    """Some rows of a bulk entry break a rule; nothing was created."""

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


def _text(value: str | None) -> str:
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


def _links(
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


def _resolved(
    session: Session, convening: Convening, data: ActionInput
) -> tuple[dict[str, object], dict[str, str]]:
    """The objects the input names, checked to belong to the convening, and any messages."""
    errors: dict[str, str] = {}
    found: dict[str, object] = {}
    title = _text(data.title)
    if message := _check_title(title):
        errors["title"] = message
    description = _text(data.description)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description under {DESCRIPTION_MAX} characters."
    if message := _check_due(data.due_on):
        errors["due_on"] = message

    item, decision, link_errors = _links(session, convening, data.agenda_item_id, data.decision_id)
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


def _describe(action: ActionItem) -> dict[str, object]:
    """The action's fields as the audit trail and the edit history name them."""
    person = action.owner_user.name if action.owner_user else None
    if person is None and action.owner_delegate is not None:
        person = action.owner_delegate.name
    return {
        "title": action.title,
        "description": action.description,
        "agenda_item": action.agenda_item.title if action.agenda_item else None,
        "decision": action.decision.body[:80] if action.decision else None,
        "owner_organisation": (
            action.owner_organisation.name if action.owner_organisation else None
        ),
        "owner_person": person,
        "due_on": action.due_on,
        "priority": action.priority,
    }


def _author_organisation_id(
    actor: User, action: ActionItem, principal: Principal | None
) -> int | None:
    """The organisation the author wrote for: their own, or the owner one they act for."""
    if principal is not None and action.owner_organisation_id in organisation_ids_of(principal):
        return action.owner_organisation_id
    return actor.organisation_id


def _update(
    action: ActionItem,
    actor: User | None,
    kind: ActionUpdateKind,
    *,
    note: str = "",
    old: ActionStatus | None = None,
    new: ActionStatus | None = None,
    organisation_id: int | None = None,
) -> ActionUpdate:
    update = ActionUpdate(
        kind=kind,
        old_status=old,
        new_status=new,
        note=note,
        author_id=actor.id if actor else None,
        author_name=actor.name if actor else "coordination",
        author_organisation_id=(
            organisation_id
            if organisation_id is not None
            else (actor.organisation_id if actor else None)
        ),
    )
    action.updates.append(update)
    return update


# Creating ----------------------------------------------------------------------------------------


def _new_action(
    session: Session, actor: User, convening: Convening, values: dict[str, object]
) -> ActionItem:
    action = ActionItem(convening=convening, created_by_id=actor.id, status=ActionStatus.OPEN)
    for name, value in values.items():
        setattr(action, name, value)
    _update(action, actor, ActionUpdateKind.CREATED, new=ActionStatus.OPEN)
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor,
        "action.created",
        action,
        changes={**_describe(action), "status": action.status},
        convening_id=convening.id,
    )
    return action


def create_action(
    session: Session, actor: User, convening: Convening, data: ActionInput
) -> ActionItem:
    """Record one action agreed at the convening, owned by an organisation and/or a person."""
    values, errors = _resolved(session, convening, data)
    if errors:
        raise ActionError(errors)
    return _new_action(session, actor, convening, values)


def create_actions(
    session: Session,
    actor: User,
    convening: Convening,
    rows: list[BulkRow],
    agenda_item_id: int | None = None,
    decision_id: int | None = None,
) -> list[ActionItem]:
    """Record several actions at once: blank rows are skipped; any faulty row creates none."""
    _item, _decision, general = _links(session, convening, agenda_item_id, decision_id)
    row_errors: dict[int, dict[str, str]] = {}
    checked: list[dict[str, object]] = []
    for index, row in enumerate(rows):
        if row.blank:
            continue
        data = ActionInput(
            title=row.title,
            agenda_item_id=agenda_item_id,
            decision_id=decision_id,
            owner_organisation_id=row.owner_organisation_id,
            due_on=row.due_on,
        )
        row_values, problems = _resolved(session, convening, data)
        problems = {k: v for k, v in problems.items() if k not in ("agenda_item_id", "decision_id")}
        if row.owner_organisation_id is None:
            problems["owner_organisation_id"] = "Choose the organisation that owns this action."
        if problems:
            row_errors[index] = problems
        else:
            checked.append(row_values)
    if not checked and not row_errors:
        general["rows"] = "Write at least one action: a title and the organisation that owns it."
    if row_errors or general:
        raise BulkActionError(row_errors, general)
    return [_new_action(session, actor, convening, row_values) for row_values in checked]


# Changing --------------------------------------------------------------------------------------


def _check_version(action: ActionItem, version: int | None) -> None:
    if version is None or version != action.version:
        raise StaleActionError()


def _successor(session: Session, action: ActionItem) -> ActionItem | None:
    return session.scalar(
        select(ActionItem)
        .where(ActionItem.carried_from_id == action.id)
        .options(joinedload(ActionItem.convening))
    )


def _refuse_if_carried(session: Session, action: ActionItem) -> None:
    if action.carried_over_at is None:
        return
    successor = _successor(session, action)
    where = f" to {successor.convening.title}" if successor else ""
    raise ActionError(f"This action was carried over{where}; change it there.")


def edit_action(
    session: Session, actor: User, action: ActionItem, data: ActionInput, version: int | None
) -> bool:
    """Change or reassign an action; the history names the fields changed. False if none."""
    _check_version(action, version)
    _refuse_if_carried(session, action)
    values, errors = _resolved(session, action.convening, data)
    if errors:
        raise ActionError(errors)
    before = _describe(action)
    for name, value in values.items():
        setattr(action, name, value)
    changes = audit.changes_between(before, _describe(action))
    if not changes:
        return False
    named = ", ".join(FIELD_NAMES[name] for name in changes)
    _update(action, actor, ActionUpdateKind.EDITED, note=f"Changed {named}.")
    session.flush()
    audit.record(
        session, actor, "action.updated", action, changes=changes, convening_id=action.convening_id
    )
    return True


def update_status(
    session: Session,
    actor: User,
    action: ActionItem,
    status: ActionStatus | None,
    note: str,
    version: int | None,
    principal: Principal | None = None,
) -> ActionUpdate:
    """Change the status and/or add a progress note: the only change owners may make."""
    _check_version(action, version)
    _refuse_if_carried(session, action)
    note = _text(note)
    if len(note) > NOTE_MAX:
        raise ActionError(f"Keep the note under {NOTE_MAX} characters.", "note")
    new = status or action.status
    changed = new != action.status
    if not changed and not note:
        raise ActionError("Choose a new status or write a progress note.", "note")
    organisation_id = _author_organisation_id(actor, action, principal)
    old = action.status
    if changed:
        action.status = new
        if new in CLOSED_STATUSES and old not in CLOSED_STATUSES:
            action.closed_at = utcnow()
        elif new not in CLOSED_STATUSES:
            action.closed_at = None
        # One entry when both change: the note explains the new status.
        update = _update(
            action,
            actor,
            ActionUpdateKind.STATUS,
            old=old,
            new=new,
            note=note,
            organisation_id=organisation_id,
        )
    else:
        update = _update(
            action, actor, ActionUpdateKind.NOTE, note=note, organisation_id=organisation_id
        )
        # A note alone still counts as a change of the action, for concurrent editors.
        action.updated_at = utcnow()
    session.flush()
    audit_changes: dict[str, object] = {}
    if changed:
        audit_changes["status"] = [old, new]
    if note:
        audit_changes["note"] = note[:300]
    audit.record(
        session,
        actor,
        "action.status_changed" if changed else "action.note_added",
        action,
        changes=audit_changes,
        convening_id=action.convening_id,
    )
    return update


def next_convening(session: Session, convening: Convening) -> Convening | None:
    """The series' next convening by start time, leaving out cancelled ones."""
    if convening.series_id is None:
        return None
    return session.scalar(
        select(Convening)
        .where(
            Convening.series_id == convening.series_id,
            Convening.id != convening.id,
            Convening.status != ConveningStatus.CANCELLED,
            or_(
                Convening.starts_at > convening.starts_at,
                (Convening.starts_at == convening.starts_at) & (Convening.id > convening.id),
            ),
        )
        .order_by(Convening.starts_at, Convening.id)
        .limit(1)
    )


def carry_over(
    session: Session, actor: User, action: ActionItem, version: int | None = None
) -> ActionItem:
    """Continue an open action in the series' next convening, keeping its history."""
    if version is not None:
        _check_version(action, version)
    _refuse_if_carried(session, action)
    if action.status in CLOSED_STATUSES:
        raise ActionError(
            f"This action is {action.status.label.lower()}; only open actions are carried over."
        )
    source = action.convening
    target = next_convening(session, source)
    if target is None:
        where = "its series" if source.series_id else "a series"
        raise ActionError(
            f"There is no later convening in {where} to carry it over to."
            if source.series_id
            else "This convening is not part of a series, so there is no next convening."
        )
    successor = ActionItem(
        convening=target,
        carried_from=action,
        title=action.title,
        description=action.description,
        owner_organisation_id=action.owner_organisation_id,
        owner_user_id=action.owner_user_id,
        owner_delegate_id=action.owner_delegate_id,
        due_on=action.due_on,
        priority=action.priority,
        status=action.status,
        created_by_id=actor.id,
    )
    now = utcnow()
    action.carried_over_at = now
    _update(action, actor, ActionUpdateKind.CARRIED_OVER, note=f"Carried over to {target.title}.")
    _update(
        successor,
        actor,
        ActionUpdateKind.CARRIED_OVER,
        new=action.status,
        note=f"Carried over from {source.title}.",
    )
    session.add(successor)
    session.flush()
    audit.record(
        session,
        actor,
        "action.carried_over",
        action,
        changes={"carried_to": target.title},
        convening_id=source.id,
    )
    audit.record(
        session,
        actor,
        "action.carried_in",
        successor,
        changes={"carried_from": source.title, "status": successor.status},
        convening_id=target.id,
    )
    return successor


# Reading -------------------------------------------------------------------------------------


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


def _ordered(statement: Select) -> Select:
    """Outstanding actions first, then by due date (undated last), newest last."""
    outstanding = case(
        (
            ActionItem.status.in_(list(OPEN_STATUSES)) & ActionItem.carried_over_at.is_(None),
            0,
        ),
        else_=1,
    )
    undated = case((ActionItem.due_on.is_(None), 1), else_=0)
    return statement.order_by(outstanding, undated, ActionItem.due_on, ActionItem.id)


def _owned_by(principal: Principal):
    """The condition "owned by this person or an organisation they act for"."""
    user = principal.user
    if user is None:
        return false()
    as_delegate = select(Delegate.id).where(Delegate.email_normalized == user.email_normalized)
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
    statement = (
        select(ActionItem)
        .where(ActionItem.convening_id == convening.id)
        .options(
            joinedload(ActionItem.owner_organisation),
            joinedload(ActionItem.owner_user),
            joinedload(ActionItem.owner_delegate),
            joinedload(ActionItem.agenda_item),
        )
    )
    if not team:
        statement = statement.where(_owned_by(principal))
    if filters.status and (condition := _status_condition(filters.status)) is not None:
        statement = statement.where(condition)
    if filters.owner_organisation_id is not None:
        statement = statement.where(
            ActionItem.owner_organisation_id == filters.owner_organisation_id
        )
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
    successor = _successor(session, action) if action.carried_over_at else None
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
