"""The team's working agenda through the API: its items read, added, changed and removed
through the agenda's own services; published by ``agenda.api``."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from flask import abort
from pydantic import AwareDatetime, BaseModel, Field, NaiveDatetime
from sqlalchemy.orm import Session

from ..api.blueprint import blueprint
from ..api.operations import operation
from ..api.problems import ApiProblem
from ..api.representations import representer
from ..api.responses import etag_of, expected_version, json_response, no_content, perform
from ..api.schemas import AgendaItemKindName, Input, Named, ObjectId, OrganisationKindName
from ..db import get_session
from ..models import AgendaItem, Convening
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..timezones import utc_to_local
from ..urls import external_url
from . import queries, services, versions
from .presenters import (
    live_audience_label,
    presenters_text,
)
from .timing import Schedule, compute
from .view_helpers import item_convening

TAG = "Agenda"
KIND = "agenda_item"
ItemKindName = AgendaItemKindName
AudienceName = Literal["everyone", "kinds", "organisations", "team"]


class TimingNote(BaseModel):
    code: Literal["overrun", "fixed_unmet", "overlap", "before_start"]
    message: str
    item_ids: list[int]


class DelegatePresenter(BaseModel):
    id: int
    name: str
    organisation: Named


class Presenters(BaseModel):
    organisations: list[Named]
    delegates: list[DelegatePresenter]
    text: str = Field(description="Presenters who are not invited, as entered.")
    summary: str = Field(description="Everyone presenting, in one line.")


class AudienceOut(BaseModel):
    kind: AudienceName
    organisation_kinds: list[str]
    organisations: list[Named]
    label: str


class AgendaItemOut(BaseModel):
    id: int
    convening_id: int
    position: int = Field(description="Place in the working agenda, from 1.")
    kind: ItemKindName
    title: str
    description: str = Field(description="Markdown.")
    duration_minutes: int
    fixed_start: AwareDatetime | None = Field(description="In UTC; null when the item follows on.")
    starts_at: AwareDatetime = Field(description="Computed from the order, in UTC.")
    ends_at: AwareDatetime
    local_start: AwareDatetime = Field(description="The same instant in the convening's zone.")
    local_end: AwareDatetime
    presenters: Presenters
    audience: AudienceOut
    warnings: list[TimingNote]
    version: int
    web_url: str


class WorkingAgenda(BaseModel):
    convening_id: int
    timezone: str
    items: list[AgendaItemOut]
    warnings: list[TimingNote]
    ends_at: AwareDatetime = Field(description="When the last item ends, in UTC.")
    published_version: int | None = Field(description="The latest published version's number.")
    unpublished_changes: bool = Field(
        description="True when the working items differ from the latest published version."
    )


def _notes(warnings) -> list[TimingNote]:
    return [
        TimingNote(code=warning.code, message=warning.message, item_ids=list(warning.item_ids))
        for warning in warnings
    ]


def _item_out(convening: Convening, entry, index: int, schedule: Schedule) -> AgendaItemOut:
    item: AgendaItem = entry.item
    zone = convening.timezone
    audience = item.audience
    return AgendaItemOut(
        id=item.id,
        convening_id=convening.id,
        position=index + 1,
        kind=item.kind.value,
        title=item.title,
        description=item.description,
        duration_minutes=item.duration_minutes,
        fixed_start=item.fixed_start,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        local_start=utc_to_local(entry.starts_at, zone),
        local_end=utc_to_local(entry.ends_at, zone),
        presenters=Presenters(
            organisations=[
                Named(id=p.organisation.id, name=p.organisation.name)
                for p in item.presenters
                if p.delegate is None and p.organisation is not None
            ],
            delegates=[
                DelegatePresenter(
                    id=p.delegate.id,
                    name=p.delegate.name,
                    organisation=Named(
                        id=p.delegate.invitation.organisation.id,
                        name=p.delegate.invitation.organisation.name,
                    ),
                )
                for p in item.presenters
                if p.delegate is not None
            ],
            text=item.presenters_text,
            summary=presenters_text(item),
        ),
        audience=AudienceOut(
            kind=audience.kind.value,
            organisation_kinds=sorted(audience.organisation_kinds or []),
            organisations=sorted(
                (
                    Named(id=link.organisation.id, name=link.organisation.name)
                    for link in audience.organisation_links
                ),
                key=lambda named: named.name,
            ),
            label=live_audience_label(audience),
        ),
        warnings=_notes(schedule.warnings_for(item.id)),
        version=item.version,
        web_url=external_url("agenda.edit_item", item_id=item.id),
    )


def _schedule(session: Session, convening: Convening) -> tuple[list[AgendaItem], Schedule]:
    items = queries.draft_items(session, convening)
    return items, compute(items, convening.starts_at, convening.ends_at, convening.timezone)


def _one_item(session: Session, item_id: int) -> AgendaItemOut:
    """An item with its computed times, which depend on every item before it."""
    item = session.get(AgendaItem, item_id)
    convening = item.convening
    _items, schedule = _schedule(session, convening)
    for index, entry in enumerate(schedule.items):
        if entry.item.id == item_id:
            return _item_out(convening, entry, index, schedule)
    abort(404)


@representer(AgendaItem, KIND)
def _shown_item(session: Session, principal: Principal, item: AgendaItem) -> AgendaItemOut | None:
    # A working item is a draft until published: its convening's team alone sees it.
    if not can(principal, Action.VIEW_TEAM_AREA, item.convening):
        return None
    return _one_item(session, item.id)


def _answer_item(item_id: int, status: int = 200):
    shown = _one_item(get_session(), item_id)
    return json_response(shown, status, etag=etag_of(KIND, shown.id, shown.version))


def _team_item(view_args: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The item named in the URL, judged by its convening; to anyone outside that convening's
    team the item is not found, so ids cannot be probed for items meant for others."""
    convening, view_args = load(AgendaItem, "item_id", "item", judged_by=item_convening)(view_args)
    if not can(current_principal(), Action.VIEW_TEAM_AREA, convening):
        abort(404)
    return convening, view_args


@blueprint.get("/convenings/<id:convening_id>/agenda/items")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, response=WorkingAgenda)
def list_agenda_items(convening: Convening):
    """The working agenda (for the team): every item in order, with changes not yet published.

    Each item's times are computed from the order and any fixed starts; warnings name overruns,
    overlaps and fixed starts that cannot be met.
    """
    session = get_session()
    items, schedule = _schedule(session, convening)
    latest = queries.latest_version(session, convening)
    unpublished = bool(items or latest) and (
        latest is None or latest.items != versions.snapshot_items(items, convening)
    )
    return json_response(
        WorkingAgenda(
            convening_id=convening.id,
            timezone=convening.timezone,
            items=[
                _item_out(convening, entry, index, schedule)
                for index, entry in enumerate(schedule.items)
            ],
            warnings=_notes(schedule.warnings),
            ends_at=schedule.ends_at,
            published_version=latest.number if latest else None,
            unpublished_changes=unpublished,
        )
    )


class AgendaItemFields(Input):
    kind: ItemKindName = "session"
    description: str = Field("", description="Markdown, at most 20,000 characters.")
    fixed_start_local: NaiveDatetime | None = Field(
        None,
        description="Wall-clock time in the convening's zone, without an offset, within the "
        "convening; null for an item that follows the one before.",
    )
    presenter_organisation_ids: list[ObjectId] = Field(
        default_factory=list, description="Organisations invited, or the host."
    )
    presenter_delegate_ids: list[ObjectId] = Field(
        default_factory=list, description="Confirmed delegates of this convening."
    )
    presenters_text: str = Field("", description="Other presenters, at most 500 characters.")
    audience_kind: AudienceName = "everyone"
    audience_kinds: list[OrganisationKindName] = Field(
        default_factory=list, description="With audience_kind kinds: the kinds admitted."
    )
    audience_organisation_ids: list[ObjectId] = Field(
        default_factory=list,
        description="With audience_kind organisations: organisations invited to the convening.",
    )


class AgendaItemCreate(AgendaItemFields):
    title: str = Field(description="One line, at most 200 characters.")
    duration_minutes: int = Field(description="Whole minutes, from 1 to a week.")
    before_id: ObjectId | None = Field(None, description="Insert before this item.")
    after_id: ObjectId | None = Field(None, description="Insert after this item.")


class AgendaItemChange(Input):
    """Only the fields sent are changed; send null as fixed_start_local to let the item
    follow on."""

    # Unsent fields keep their value; only fixed_start_local may be sent as null.
    title: str = None
    duration_minutes: int = None
    kind: ItemKindName = None
    description: str = None
    fixed_start_local: NaiveDatetime | None = None
    presenter_organisation_ids: list[ObjectId] = None
    presenter_delegate_ids: list[ObjectId] = None
    presenters_text: str = None
    audience_kind: AudienceName = None
    audience_kinds: list[OrganisationKindName] = None
    audience_organisation_ids: list[ObjectId] = None


# Service fields named differently in the API.
FIELDS = {
    "fixed_start": "fixed_start_local",
    "presenter_organisations": "presenter_organisation_ids",
    "presenter_delegates": "presenter_delegate_ids",
    "audience_organisations": "audience_organisation_ids",
}


@blueprint.post("/convenings/<id:convening_id>/agenda/items")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, body=AgendaItemCreate, response=AgendaItemOut, status=201, versioned=True)
def create_agenda_item(convening: Convening, body: AgendaItemCreate):
    """Add an item to the working agenda: at the end, or before or after another item."""
    principal = current_principal()
    values = body.model_dump()
    before_id, after_id = values.pop("before_id"), values.pop("after_id")
    if before_id is not None and after_id is not None:
        raise ApiProblem(
            422,
            errors=[{"pointer": "#/after_id", "detail": "Send before_id or after_id, not both."}],
        )
    data = services.ItemInput(**values)
    item = perform(
        lambda session: services.create_item(
            session, principal, convening, data, before_id=before_id, after_id=after_id
        ),
        fields=FIELDS,
    )
    response = _answer_item(item.id, 201)
    response.headers["Location"] = f"/api/v1/agenda-items/{item.id}"
    return response


@blueprint.get("/agenda-items/<id:item_id>")
@guard(Action.VIEW_TEAM_AREA, _team_item)
@operation(tags=TAG, response=AgendaItemOut, versioned=True)
def get_agenda_item(item: AgendaItem):
    """One item of the working agenda (for the team), with its computed times."""
    return _answer_item(item.id)


@blueprint.patch("/agenda-items/<id:item_id>")
@guard(Action.EDIT_CONVENING, _team_item)
@operation(tags=TAG, body=AgendaItemChange, response=AgendaItemOut, versioned=True)
def update_agenda_item(item: AgendaItem, body: AgendaItemChange):
    """Change some of an item's fields; send If-Match with the ETag last read.

    The change is to the working agenda: participants see it once the agenda is published.
    """
    principal = current_principal()
    version = expected_version(KIND, item.id, item.version)
    data = dataclasses.replace(services.input_from(item), **body.model_dump(exclude_unset=True))
    item_id = item.id
    perform(
        lambda session: services.update_item(session, principal, item, data, version),
        fields=FIELDS,
    )
    return _answer_item(item_id)


@blueprint.delete("/agenda-items/<id:item_id>")
@guard(Action.EDIT_CONVENING, _team_item)
@operation(tags=TAG, status=204, if_match_required=True)
def delete_agenda_item(item: AgendaItem):
    """Remove an item from the working agenda; If-Match with the ETag last read is required.

    Published versions keep their copy until the agenda is published again. Minutes recorded
    against an item meant for some organisations only are taken out with it.
    """
    principal = current_principal()
    version = expected_version(KIND, item.id, item.version)
    perform(lambda session: services.delete_item(session, principal, item, version))
    return no_content()
