"""The agenda through the API: the published agenda as each caller may see it, and its
publishing; the team's working items are in ``item_api``."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..api.blueprint import blueprint
from ..api.operations import operation
from ..api.problems import ApiProblem
from ..api.representations import representer
from ..api.responses import json_response, perform
from ..api.schemas import Input, ObjectId
from ..audiences import Viewer, viewer_for
from ..db import get_session
from ..models import AgendaVersion, Convening, Organisation
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..timezones import utc_to_local
from ..urls import external_url
from . import queries, versions
from .diffs import published_items
from .item_api import TAG  # importing it registers the working items' operations too
from .presenters import (
    PublishedItem,
    audience_label,
    kind_label,
)

# The published agenda.


class PublishedAgendaItem(BaseModel):
    item_id: int
    kind: str
    kind_label: str
    title: str
    description: str = Field(description="Markdown.")
    starts_at: AwareDatetime = Field(description="In UTC.")
    ends_at: AwareDatetime
    local_start: AwareDatetime = Field(description="The same instant in the convening's zone.")
    local_end: AwareDatetime
    presenters: str
    audience: str | None = Field(
        description="Who the item is for, in words: shown to the convening's team only."
    )


class PublishedAgenda(BaseModel):
    convening_id: int
    timezone: str = Field(description="The convening's IANA zone.")
    version: int | None = Field(description="The published version's number; null before any.")
    published_at: AwareDatetime | None
    items: list[PublishedAgendaItem]
    web_url: str


def _organisation_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    ).all()
    return dict(rows)


def _published_item(
    item: PublishedItem, zone: str, names: dict[int, str] | None
) -> PublishedAgendaItem:
    return PublishedAgendaItem(
        item_id=item.item_id,
        kind=item.kind,
        kind_label=kind_label(item.kind),
        title=item.title,
        description=item.description,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        local_start=utc_to_local(item.starts_at, zone),
        local_end=utc_to_local(item.ends_at, zone),
        presenters=item.presenters,
        audience=audience_label(item.audience, names) if names is not None else None,
    )


def published_agenda(
    session: Session,
    convening: Convening,
    version: AgendaVersion | None,
    viewer: Viewer,
    for_team: bool,
) -> PublishedAgenda:
    """A published version filtered to the viewer, as the agenda page filters it."""
    items = published_items(version, viewer)
    names = None
    if for_team:
        names = _organisation_names(
            session,
            (org_id for item in items for org_id in item.audience.get("organisation_ids") or []),
        )
    return PublishedAgenda(
        convening_id=convening.id,
        timezone=convening.timezone,
        version=version.number if version else None,
        published_at=version.published_at if version else None,
        items=[_published_item(item, convening.timezone, names) for item in items],
        web_url=external_url("agenda.show", convening_id=convening.id),
    )


@representer(AgendaVersion, "agenda")
def _shown_agenda(
    session: Session, principal: Principal, version: AgendaVersion
) -> PublishedAgenda | None:
    convening = session.get(Convening, version.convening_id)
    if convening is None or not can(principal, Action.VIEW_CONVENING, convening):
        return None
    viewer = viewer_for(session, principal, convening)
    return published_agenda(session, convening, version, viewer, viewer.is_team)


class AgendaQuery(BaseModel):
    as_organisation_id: ObjectId | None = Field(
        None,
        description="The team only: the agenda exactly as this invited organisation sees it.",
    )


@blueprint.get("/convenings/<id:convening_id>/agenda")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, query=AgendaQuery, response=PublishedAgenda)
def get_agenda(convening: Convening, query: AgendaQuery):
    """The latest published agenda, with only the items meant for the caller.

    Times are given in UTC and in the convening's zone. The team sees every item with who it is
    for, and may ask for the agenda as one invited organisation sees it.
    """
    session = get_session()
    viewer = viewer_for(session, current_principal(), convening)
    for_team = viewer.is_team
    if viewer.is_team and query.as_organisation_id is not None:
        invited = {o.id: o for o in queries.invited_organisations(session, convening)}
        chosen = invited.get(query.as_organisation_id)
        if chosen is None:
            raise ApiProblem(
                422,
                "Choose an organisation invited to this convening.",
                errors=[
                    {"parameter": "as_organisation_id", "detail": "Not invited to this convening."}
                ],
            )
        viewer, for_team = Viewer.for_organisation(chosen), False
    version = queries.latest_version(session, convening)
    return json_response(published_agenda(session, convening, version, viewer, for_team))


# The team's working items.


class PublishRequest(Input):
    notify: bool = Field(
        False, description="Email everyone invited a summary of what changed for them."
    )


@blueprint.post("/convenings/<id:convening_id>/agenda/publish")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, body=PublishRequest, response=PublishedAgenda, status=201)
def publish_agenda(convening: Convening, body: PublishRequest):
    """Publish the working agenda as its next numbered version.

    Answers the new version as the team sees it; refused (422) when nothing changed since the
    last version or the agenda is empty.
    """
    principal = current_principal()
    version = perform(
        lambda session: versions.publish(session, principal, convening, notify=body.notify)
    )
    response = json_response(
        published_agenda(get_session(), convening, version, Viewer.team(), True), 201
    )
    response.headers["Location"] = f"/api/v1/convenings/{convening.id}/agenda"
    return response
