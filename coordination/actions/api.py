"""Action items through the API: the tracker, a convening's actions, one action with its
history, creating and editing them (the team), status changes and progress notes (the owners
and the team)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, field_validator
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import func
from sqlalchemy.orm import Session

from ..api.blueprint import blueprint
from ..api.cursors import PageQuery, page_after
from ..api.operations import operation
from ..api.problems import ApiProblem
from ..api.representations import representer
from ..api.responses import etag_of, expected_version, json_response, perform
from ..api.schemas import (
    ActionPriorityName,
    ActionStatusName,
    Input,
    ItemsPage,
    Named,
    ObjectId,
    OrganisationKindName,
    QueryDay,
)
from ..db import get_session
from ..models import ActionItem, ActionPriority, ActionStatus, Convening, OrganisationKind
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal, organisation_ids_of
from ..urls import external_url
from . import queries, services, tracker
from .queries import ListFilters, today_in
from .rules import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX, ActionInput
from .status import update_status

TAG = "Actions"
KIND = "action"
StatusName = ActionStatusName
PriorityName = ActionPriorityName
KindName = OrganisationKindName
# Keys of cursor pages need a value on every row: undated actions sort as due on these days.
LAST_DAY = date(9999, 12, 31)
FIRST_DAY = date(1, 1, 1)


class ConveningRef(BaseModel):
    id: int
    title: str


class OwnerPerson(BaseModel):
    kind: Literal["user", "delegate"] = Field(
        description="A member of the convening's team, or a delegate of an invited organisation."
    )
    id: int
    name: str


class ActionOut(BaseModel):
    id: int
    convening: ConveningRef
    title: str
    description: str = Field(description="Markdown.")
    status: StatusName
    priority: PriorityName
    due_on: date | None
    overdue: bool = Field(
        description="Still open and due before today in the convening's time zone."
    )
    carried_over: bool = Field(
        description="Continued in a later convening, where it is followed up instead."
    )
    agenda_item_id: int | None
    decision_id: int | None
    owner_organisation: Named | None
    owner_person: OwnerPerson | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    closed_at: AwareDatetime | None
    version: int
    web_url: str


class UpdateOut(BaseModel):
    id: int
    action_id: int = Field(
        description="The action it was written on: this one, or one it continues."
    )
    convening: ConveningRef
    earlier: bool = Field(description="Written before the action was carried over to here.")
    kind: Literal["created", "status", "note", "edited", "carried_over"]
    old_status: StatusName | None
    new_status: StatusName | None
    note: str
    author_name: str
    author_organisation: Named | None
    created_at: AwareDatetime


class ActionDetailOut(ActionOut):
    carried_from_id: int | None = Field(description="The earlier action this one continues.")
    carried_to_id: int | None = Field(description="The later action continuing this one.")
    updates: list[UpdateOut] = Field(
        description="Status changes, progress notes and edits, across the actions it "
        "continues, oldest first."
    )


def _named(obj) -> Named | None:
    return Named(id=obj.id, name=obj.name) if obj is not None else None


def _owner_person(action: ActionItem) -> OwnerPerson | None:
    if action.owner_user is not None:
        return OwnerPerson(kind="user", id=action.owner_user.id, name=action.owner_user.name)
    if action.owner_delegate is not None:
        delegate = action.owner_delegate
        return OwnerPerson(kind="delegate", id=delegate.id, name=delegate.name)
    return None


def action_out(action: ActionItem, overdue: bool) -> ActionOut:
    """The action as the API shows it; reads only what the lists load with it."""
    convening = action.convening
    return ActionOut(
        id=action.id,
        convening=ConveningRef(id=convening.id, title=convening.title),
        title=action.title,
        description=action.description or "",
        status=ActionStatus(action.status).value,
        priority=ActionPriority(action.priority).value,
        due_on=action.due_on,
        overdue=overdue,
        carried_over=action.carried_over_at is not None,
        agenda_item_id=action.agenda_item_id,
        decision_id=action.decision_id,
        owner_organisation=_named(action.owner_organisation),
        owner_person=_owner_person(action),
        created_at=action.created_at,
        updated_at=action.updated_at,
        closed_at=action.closed_at,
        version=action.version,
        web_url=external_url("actions.show", action_id=action.id),
    )


def _update_out(entry: queries.HistoryEntry) -> UpdateOut:
    update = entry.update
    return UpdateOut(
        id=update.id,
        action_id=update.action_id,
        convening=ConveningRef(id=entry.convening.id, title=entry.convening.title),
        earlier=entry.earlier,
        kind=update.kind.value,
        old_status=update.old_status.value if update.old_status else None,
        new_status=update.new_status.value if update.new_status else None,
        note=update.note or "",
        author_name=update.author_name,
        author_organisation=_named(update.author_organisation),
        created_at=update.created_at,
    )


def _detail_out(action: ActionItem) -> ActionDetailOut:
    info = queries.details(get_session(), action)
    shown = action_out(action, info.overdue)
    return ActionDetailOut(
        **shown.model_dump(),
        carried_from_id=action.carried_from_id,
        carried_to_id=info.successor.id if info.successor else None,
        updates=[_update_out(entry) for entry in info.history],
    )


def _answer(action: ActionItem, status: int = 200):
    return json_response(_detail_out(action), status, etag=etag_of(KIND, action.id, action.version))


def _hidden_draft(principal: Principal, action: ActionItem) -> bool:
    """As on the action's page: a draft convening is the team's alone, even where one of its
    actions names an owner."""
    convening = action.convening
    return convening.is_draft and not can(principal, Action.MANAGE_ACTIONS, convening)


def _refuse_hidden_draft(action: ActionItem) -> None:
    if _hidden_draft(current_principal(), action):
        raise ApiProblem(404)


@representer(ActionItem, KIND)
def _shown(session: Session, principal: Principal, action: ActionItem) -> ActionOut | None:
    # Read the owner's organisations through the caller's session, which may not be a request's.
    organisation_ids_of(principal, session)
    if not can(principal, Action.UPDATE_ACTION, action) or _hidden_draft(principal, action):
        return None
    return action_out(action, action.is_overdue(today_in(action.convening.timezone)))


# The tracker ---------------------------------------------------------------------------------

TrackerSort = Literal["due", "due_late", "updated"]


class TrackerQuery(PageQuery):
    status: list[StatusName] = Field(
        default_factory=list, description="Only actions in these statuses (repeat for several)."
    )
    organisation_id: ObjectId | None = Field(None, description="Owned by this organisation.")
    organisation_kind: KindName | None = Field(
        None, description="Owned by an organisation of this kind."
    )
    convening_id: ObjectId | None = Field(None, description="Agreed at this convening.")
    series_id: ObjectId | None = Field(None, description="Agreed at a convening of this series.")
    overdue: bool = Field(False, description="Only open actions past their due date.")
    due_this_week: bool = Field(False, description="Due today or in the six days after.")
    due_after: QueryDay | None = Field(None, description="Due on or after this day.")
    due_before: QueryDay | None = Field(None, description="Due before this day.")
    q: str = Field("", max_length=200, description="The title contains this.")
    sort: TrackerSort = Field(
        "due",
        description="due: soonest first, undated last; due_late: latest first, undated last; "
        "updated: most recently changed first.",
    )


def _tracker_keys(sort: TrackerSort):
    """The columns a tracker page is ordered and continued by, their values on an action, and
    which of them run downwards."""
    if sort == "due_late":
        due = func.coalesce(ActionItem.due_on, FIRST_DAY)
        return (due, ActionItem.id), lambda a: (a.due_on or FIRST_DAY, a.id), (True, True)
    if sort == "updated":
        return (
            (ActionItem.updated_at, ActionItem.id),
            lambda a: (a.updated_at, a.id),
            (True, True),
        )
    due = func.coalesce(ActionItem.due_on, LAST_DAY)
    return (due, ActionItem.id), lambda a: (a.due_on or LAST_DAY, a.id), (False, False)


@blueprint.get("/actions")
@guard(Action.VIEW_TRACKER)
@operation(tags=TAG, query=TrackerQuery, response=ItemsPage[ActionOut])
def list_tracked_actions(query: TrackerQuery):
    """The tracker: every action in the convenings the token's owner is on the team of.

    Takes the tracker page's filters. Actions carried over to a later convening are left out:
    they are followed up in their successor.
    """
    session = get_session()
    scope = tracker.scope_of(current_principal())
    on = tracker.today(session, scope)
    filters = tracker.TrackerFilters(
        statuses=tracker.statuses_for(query.status),
        organisation_id=query.organisation_id,
        organisation_kind=OrganisationKind(query.organisation_kind)
        if query.organisation_kind
        else None,
        convening_id=query.convening_id,
        series_id=query.series_id,
        overdue=query.overdue,
        due_this_week=query.due_this_week,
        text=query.q.strip(),
    )
    # The tracker's own order is replaced by one a cursor can continue.
    statement = tracker.actions_query(scope, filters, on).order_by(None)
    if query.due_after is not None:
        statement = statement.where(ActionItem.due_on >= query.due_after)
    if query.due_before is not None:
        statement = statement.where(ActionItem.due_on < query.due_before)
    keys, key_of, descending = _tracker_keys(query.sort)
    page = page_after(
        session,
        statement,
        keys=keys,
        key_of=key_of,
        cursor=query.cursor,
        limit=query.limit,
        descending=descending,
    )
    return json_response(
        ItemsPage[ActionOut](
            items=[action_out(action, on.overdue(action)) for action in page.items],
            next_cursor=page.next_cursor,
        )
    )


# A convening's actions ------------------------------------------------------------------------


class ConveningActionsQuery(PageQuery):
    status: (
        Literal["outstanding", "open", "in_progress", "blocked", "done", "cancelled", "carried"]
        | None
    ) = Field(
        None,
        description="outstanding: any open status, not carried over; carried: carried over "
        "to a later convening. For the team; others always see all of their own.",
    )
    owner_organisation_id: ObjectId | None = Field(
        None, description="Owned by this organisation. For the team."
    )


@blueprint.get("/convenings/<id:convening_id>/actions")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, query=ConveningActionsQuery, response=ItemsPage[ActionOut])
def list_convening_actions(convening: Convening, query: ConveningActionsQuery):
    """A convening's actions: all of them for the team, the caller's own for participants.

    Outstanding actions come first, then by due date (undated last). A participant sees the
    actions owned by their organisation or by them; the filters are the team's.
    """
    principal = current_principal()
    team = can(principal, Action.MANAGE_ACTIONS, convening)
    filters = (
        ListFilters(status=query.status or "", owner_organisation_id=query.owner_organisation_id)
        if team
        else ListFilters()
    )
    statement = queries.convening_actions_query(principal, convening, team, filters)
    due = func.coalesce(ActionItem.due_on, LAST_DAY)
    page = page_after(
        get_session(),
        statement,
        keys=(queries.outstanding_rank(), due, ActionItem.id),
        key_of=lambda a: (0 if a.is_open else 1, a.due_on or LAST_DAY, a.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    today = today_in(convening.timezone)
    return json_response(
        ItemsPage[ActionOut](
            items=[action_out(action, action.is_overdue(today)) for action in page.items],
            next_cursor=page.next_cursor,
        )
    )


# One action -----------------------------------------------------------------------------------


@blueprint.get("/actions/<id:action_id>")
@guard(Action.UPDATE_ACTION, load(ActionItem, "action_id", "action"))
@operation(tags=TAG, response=ActionDetailOut, versioned=True)
def get_action(action: ActionItem):
    """One action with its history: for its owners and its convening's team.

    The history runs across the earlier actions it continues, oldest first.
    """
    _refuse_hidden_draft(action)
    return _answer(action)


class ActionFields(Input):
    description: str = Field("", max_length=DESCRIPTION_MAX, description="Markdown.")
    agenda_item_id: ObjectId | None = Field(None, description="An item of its agenda.")
    decision_id: ObjectId | None = Field(
        None, description="A decision in its minutes, which the action follows from."
    )
    owner_organisation_id: ObjectId | None = Field(
        None, description="An organisation invited to the convening, or its host."
    )
    owner_user_id: ObjectId | None = Field(
        None, description="A member of the convening's team; or give owner_delegate_id."
    )
    owner_delegate_id: ObjectId | None = Field(
        None, description="A confirmed delegate of an invited organisation."
    )
    due_on: date | None = None
    priority: PriorityName = "normal"


class ActionCreate(ActionFields):
    """Give an owner organisation, an owner person, or both."""

    title: str = Field(max_length=TITLE_MAX)


class ActionChange(Input):
    """Only the fields sent are changed; send null to clear an optional one."""

    # Title, description and priority cannot be cleared: null is refused, and not offered.
    title: Annotated[str, Field(max_length=TITLE_MAX)] | SkipJsonSchema[None] = None
    description: Annotated[str, Field(max_length=DESCRIPTION_MAX)] | SkipJsonSchema[None] = None
    agenda_item_id: ObjectId | None = None
    decision_id: ObjectId | None = None
    owner_organisation_id: ObjectId | None = None
    owner_user_id: ObjectId | None = Field(None, description="Replaces an owner delegate.")
    owner_delegate_id: ObjectId | None = Field(None, description="Replaces an owner user.")
    due_on: date | None = None
    priority: PriorityName | SkipJsonSchema[None] = None

    @field_validator("title", "description", "priority")
    @classmethod
    def _not_cleared(cls, value):
        if value is None:
            raise ValueError("This field cannot be cleared; leave it out to keep it.")
        return value


def _one_person(values: dict) -> dict[str, str]:
    """The API field to name for the service's owner person, refusing two people at once."""
    if values.get("owner_user_id") is not None and values.get("owner_delegate_id") is not None:
        raise ApiProblem(
            422,
            errors=[
                {
                    "pointer": "#/owner_delegate_id",
                    "detail": "Name one owner person: a member of the team or a delegate.",
                }
            ],
            code="invalid_input",
        )
    given = "owner_delegate_id" if values.get("owner_delegate_id") else "owner_user_id"
    return {"owner_person": given}


def _input(values: dict) -> ActionInput:
    values = dict(values)
    values["priority"] = ActionPriority(values["priority"])
    return ActionInput(**values)


@blueprint.post("/convenings/<id:convening_id>/actions")
@guard(Action.MANAGE_ACTIONS, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, body=ActionCreate, response=ActionDetailOut, status=201, versioned=True)
def create_action(convening: Convening, body: ActionCreate):
    """Record an action agreed at the convening (the team)."""
    principal = current_principal()
    values = body.model_dump()
    fields = _one_person(values)
    data = _input(values)
    action = perform(
        lambda session: services.create_action(session, principal, convening, data),
        fields=fields,
    )
    response = _answer(action, 201)
    response.headers["Location"] = f"/api/v1/actions/{action.id}"
    return response


def _current_input(action: ActionItem) -> dict:
    return {
        "title": action.title,
        "description": action.description or "",
        "agenda_item_id": action.agenda_item_id,
        "decision_id": action.decision_id,
        "owner_organisation_id": action.owner_organisation_id,
        "owner_user_id": action.owner_user_id,
        "owner_delegate_id": action.owner_delegate_id,
        "due_on": action.due_on,
        "priority": ActionPriority(action.priority).value,
    }


@blueprint.patch("/actions/<id:action_id>")
@guard(
    Action.MANAGE_ACTIONS, load(ActionItem, "action_id", "action", judged_by=lambda a: a.convening)
)
@operation(tags=TAG, body=ActionChange, response=ActionDetailOut, versioned=True)
def update_action(action: ActionItem, body: ActionChange):
    """Change or reassign an action (the team); send If-Match with the ETag last read.

    The history records which fields changed. An action carried over is changed in its
    successor instead.
    """
    principal = current_principal()
    version = expected_version(KIND, action.id, action.version)
    changes = body.model_dump(exclude_unset=True)
    fields = _one_person(changes)
    values = _current_input(action)
    # One owner person at a time: naming one replaces the other.
    if changes.get("owner_user_id") is not None:
        values["owner_delegate_id"] = None
    if changes.get("owner_delegate_id") is not None:
        values["owner_user_id"] = None
    values.update(changes)
    data = _input(values)
    perform(
        lambda session: services.edit_action(session, principal, action, data, version),
        fields=fields,
    )
    return _answer(action)


class ActionUpdateCreate(Input):
    """A new status, a progress note, or both (the note then explains the status)."""

    status: StatusName | None = None
    note: str = Field("", max_length=NOTE_MAX, description="Seen by the team and the owners.")


@blueprint.post("/actions/<id:action_id>/updates")
@guard(Action.UPDATE_ACTION, load(ActionItem, "action_id", "action"))
@operation(tags=TAG, body=ActionUpdateCreate, response=ActionDetailOut, versioned=True)
def add_action_update(action: ActionItem, body: ActionUpdateCreate):
    """Change an action's status and/or add a progress note (its owners and the team).

    Send If-Match with the ETag last read. Answers the action with its history.
    """
    _refuse_hidden_draft(action)
    principal = current_principal()
    version = expected_version(KIND, action.id, action.version)
    status = ActionStatus(body.status) if body.status else None
    perform(lambda session: update_status(session, principal, action, status, body.note, version))
    return _answer(action)
