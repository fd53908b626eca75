"""Convenings through the API: list, read, create, change, change status; the team."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, NaiveDatetime
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..api.blueprint import blueprint
from ..api.cursors import PageQuery, page_after
from ..api.operations import operation
from ..api.representations import representer
from ..api.responses import etag_of, expected_version, json_response, perform
from ..api.schemas import ConveningStatusName, Input, ItemsPage, Named, ObjectId, QueryInstant
from ..db import get_session
from ..models import Convening, ConveningStatus, TeamRole
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..urls import external_url
from . import services
from . import status as statuses
from .queries import visible_clause
from .team import team_members

TAG = "Convenings"
KIND = "convening"
StatusName = ConveningStatusName


class Venue(BaseModel):
    name: str | None
    address: str | None
    room: str | None
    remote_url: str | None


class ConveningOut(BaseModel):
    id: int
    title: str
    codename: str | None
    summary: str
    status: StatusName
    timezone: str = Field(description="The IANA zone its times are entered and shown in.")
    starts_at: AwareDatetime = Field(description="In UTC.")
    ends_at: AwareDatetime
    local_start: AwareDatetime = Field(description="The same instant in the convening's zone.")
    local_end: AwareDatetime
    rsvp_deadline: AwareDatetime | None
    sensitivity: str
    host_organisation: Named | None
    series: Named | None
    venue: Venue
    version: int
    web_url: str


def convening_out(convening: Convening) -> ConveningOut:
    host, series = convening.host_organisation, convening.series
    return ConveningOut(
        id=convening.id,
        title=convening.title,
        codename=convening.codename,
        summary=convening.summary or "",
        status=convening.status.value,
        timezone=convening.timezone,
        starts_at=convening.starts_at,
        ends_at=convening.ends_at,
        local_start=convening.local_start,
        local_end=convening.local_end,
        rsvp_deadline=convening.rsvp_deadline,
        sensitivity=convening.sensitivity,
        host_organisation=Named(id=host.id, name=host.name) if host else None,
        series=Named(id=series.id, name=series.name) if series else None,
        venue=Venue(
            name=convening.venue_name,
            address=convening.venue_address,
            room=convening.venue_room,
            remote_url=convening.remote_url,
        ),
        version=convening.version,
        web_url=external_url("convenings.show", convening_id=convening.id),
    )


@representer(Convening, KIND)
def _shown(_session: Session, principal: Principal, convening: Convening) -> ConveningOut | None:
    return convening_out(convening) if can(principal, Action.VIEW_CONVENING, convening) else None


def _answer(convening: Convening, status: int = 200):
    return json_response(
        convening_out(convening),
        status,
        etag=etag_of(KIND, convening.id, convening.version),
    )


class ConveningListQuery(PageQuery):
    status: StatusName | None = Field(None, description="Only convenings in this status.")
    starts_after: QueryInstant | None = Field(None, description="Starting at or after this.")
    starts_before: QueryInstant | None = Field(None, description="Starting before this.")


@blueprint.get("/convenings")
@guard(Action.SIGNED_IN)
@operation(tags=TAG, query=ConveningListQuery, response=ItemsPage[ConveningOut])
def list_convenings(query: ConveningListQuery):
    """Convenings the token's owner may see, soonest first.

    The team sees drafts of its convenings; participants see the published convenings their
    organisation is invited to.
    """
    principal = current_principal()
    statement = (
        select(Convening)
        .where(visible_clause(principal))
        .options(joinedload(Convening.host_organisation), joinedload(Convening.series))
    )
    if query.status:
        statement = statement.where(Convening.status == ConveningStatus(query.status))
    if query.starts_after:
        statement = statement.where(Convening.starts_at >= query.starts_after)
    if query.starts_before:
        statement = statement.where(Convening.starts_at < query.starts_before)
    page = page_after(
        get_session(),
        statement,
        keys=(Convening.starts_at, Convening.id),
        key_of=lambda convening: (convening.starts_at, convening.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    return json_response(
        ItemsPage[ConveningOut](
            items=[convening_out(convening) for convening in page.items],
            next_cursor=page.next_cursor,
        )
    )


@blueprint.get("/convenings/<id:convening_id>")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, response=ConveningOut, versioned=True)
def get_convening(convening: Convening):
    """One convening, with its times in UTC and in its own zone."""
    return _answer(convening)


class ConveningFields(Input):
    codename: str = ""
    summary: str = Field("", description="Markdown.")
    host_organisation_id: ObjectId | None = None
    venue_name: str = ""
    venue_address: str = ""
    venue_room: str = ""
    remote_url: str = Field("", description="An http(s) address, or empty.")
    rsvp_deadline_local: NaiveDatetime | None = Field(
        None, description="Wall-clock time in the convening's zone, without an offset."
    )
    series_id: ObjectId | None = None
    new_series_name: str = Field("", description="Make a new series of this name.")


class ConveningCreate(ConveningFields):
    title: str
    timezone: str = Field(description="An IANA zone, such as America/New_York.")
    starts_local: NaiveDatetime = Field(
        description="Wall-clock time in the convening's zone, without an offset."
    )
    ends_local: NaiveDatetime
    sensitivity: str


class ConveningChange(Input):
    """Only the fields sent are changed."""

    title: str | None = None
    timezone: str | None = None
    starts_local: NaiveDatetime | None = None
    ends_local: NaiveDatetime | None = None
    sensitivity: str | None = None
    codename: str | None = None
    summary: str | None = None
    host_organisation_id: ObjectId | None = None
    venue_name: str | None = None
    venue_address: str | None = None
    venue_room: str | None = None
    remote_url: str | None = None
    rsvp_deadline_local: NaiveDatetime | None = None
    series_id: ObjectId | None = None
    new_series_name: str | None = None


# Service fields named differently in the API.
FIELDS = {"rsvp_local": "rsvp_deadline_local"}


def _service_values(values: dict) -> dict:
    if "rsvp_deadline_local" in values:
        values["rsvp_local"] = values.pop("rsvp_deadline_local")
    return values


@blueprint.post("/convenings")
@guard(Action.CREATE_CONVENING)
@operation(tags=TAG, body=ConveningCreate, response=ConveningOut, status=201, versioned=True)
def create_convening(body: ConveningCreate):
    """Create a draft convening; its creator becomes its organiser."""
    principal = current_principal()
    data = services.ConveningInput(**_service_values(body.model_dump()))
    convening = perform(
        lambda session: services.create_convening(session, principal, data), fields=FIELDS
    )
    response = _answer(convening, 201)
    response.headers["Location"] = f"/api/v1/convenings/{convening.id}"
    return response


@blueprint.patch("/convenings/<id:convening_id>")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, body=ConveningChange, response=ConveningOut, versioned=True)
def update_convening(convening: Convening, body: ConveningChange):
    """Change some of a convening's details; send If-Match with the ETag last read."""
    principal = current_principal()
    version = expected_version(KIND, convening.id, convening.version)
    changes = _service_values(body.model_dump(exclude_unset=True))
    data = services.input_from(convening, **changes)
    perform(
        lambda session: services.update_convening(session, principal, convening, data, version),
        fields=FIELDS,
    )
    return _answer(convening)


class StatusChange(Input):
    status: StatusName


@blueprint.post("/convenings/<id:convening_id>/status")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, body=StatusChange, response=ConveningOut, versioned=True)
def change_status(convening: Convening, body: StatusChange):
    """Publish, conclude, cancel or return a convening to draft, as the pages allow."""
    principal = current_principal()
    version = expected_version(KIND, convening.id, convening.version)
    target = ConveningStatus(body.status)
    perform(lambda session: statuses.change_status(session, principal, convening, target, version))
    return _answer(convening)


class TeamMember(BaseModel):
    id: int
    user_id: int
    name: str
    email: str
    role: Literal["organiser", "coordinator"]


class Team(BaseModel):
    items: list[TeamMember]


@blueprint.get("/convenings/<id:convening_id>/team")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, response=Team)
def list_team(convening: Convening):
    """The convening's organisers and coordinators (for the team)."""
    members = team_members(get_session(), convening)
    return json_response(
        Team(
            items=[
                TeamMember(
                    id=member.id,
                    user_id=member.user_id,
                    name=member.user.name,
                    email=member.user.email,
                    role=TeamRole(member.role).value,
                )
                for member in members
            ]
        )
    )
