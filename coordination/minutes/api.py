"""Minutes and decisions through the API, read as the minutes page shows them: the team's
working copy, or once published the entries meant for the caller's organisation."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from ..api.blueprint import blueprint
from ..api.operations import operation
from ..api.representations import representer
from ..api.responses import json_response
from ..api.schemas import MinuteKindName
from ..audiences import Viewer, viewer_for
from ..db import get_session
from ..models import Convening, MinuteEntry
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..urls import external_url
from . import queries

TAG = "Minutes"


class MinuteEntryOut(BaseModel):
    id: int
    kind: MinuteKindName
    kind_label: str
    body: str = Field(description="Markdown.")
    agenda_item_id: int | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    author: str | None = Field(description="Who recorded it: shown to the team only.")
    revisions: int | None = Field(
        description="How many times it was edited: shown to the team only."
    )


class MinutesItem(BaseModel):
    id: int
    title: str
    kind: str


class MinutesSection(BaseModel):
    agenda_item: MinutesItem | None = Field(description="Null for the general notes.")
    audience: str | None = Field(
        description="Who the section is for, in words: shown to the team only."
    )
    entries: list[MinuteEntryOut]


class MinutesOut(BaseModel):
    convening_id: int
    published_at: AwareDatetime | None = Field(
        description="When the minutes were shared with participants; null while the team's."
    )
    sections: list[MinutesSection] = Field(
        description="In agenda order, the general notes last. Participants see nothing "
        "until the minutes are published."
    )
    web_url: str


def _entry_out(row: queries.EntryRow, team: bool) -> MinuteEntryOut:
    entry = row.entry
    return MinuteEntryOut(
        id=entry.id,
        kind=entry.kind.value,
        kind_label=entry.kind.label,
        body=entry.body,
        agenda_item_id=entry.agenda_item_id,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        author=(entry.created_by.name if entry.created_by else "Unknown") if team else None,
        revisions=row.revision_count if team else None,
    )


def _sections(
    minutes: queries.Minutes, team: bool, kind: str | None = None
) -> list[MinutesSection]:
    return [
        MinutesSection(
            agenda_item=(
                MinutesItem(
                    id=section.item.id, title=section.item.title, kind=section.item.kind.value
                )
                if section.item is not None
                else None
            ),
            audience=section.audience_label if team else None,
            entries=[
                _entry_out(row, team)
                for row in section.entries
                if kind is None or row.entry.kind.value == kind
            ],
        )
        for section in minutes.sections
    ]


def _readable(session: Session, principal: Principal, convening: Convening):
    """The minutes as the principal may read them, and whether as the team; None before a
    participant may read any."""
    team = can(principal, Action.VIEW_TEAM_AREA, convening)
    if not team and convening.minutes_published_at is None:
        return None, team
    viewer = Viewer.team() if team else viewer_for(session, principal, convening)
    return queries.minutes_for(session, convening, viewer), team


@representer(MinuteEntry, "minute_entry")
def _shown(session: Session, principal: Principal, entry: MinuteEntry) -> MinuteEntryOut | None:
    convening = session.get(Convening, entry.convening_id)
    if convening is None or not can(principal, Action.VIEW_CONVENING, convening):
        return None
    minutes, team = _readable(session, principal, convening)
    if minutes is None:
        return None
    for section in minutes.sections:
        for row in section.entries:
            if row.entry.id == entry.id:
                return _entry_out(row, team)
    return None


class MinutesQuery(BaseModel):
    kind: MinuteKindName | None = Field(None, description="Only notes, or only decisions.")


@blueprint.get("/convenings/<id:convening_id>/minutes")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, query=MinutesQuery, response=MinutesOut)
def get_minutes(convening: Convening, query: MinutesQuery):
    """The minutes and decisions as the caller may read them.

    The team reads the working copy, every section included. Once the minutes are published,
    participants read the general notes and the entries of the agenda items meant for their
    organisation; before that, no sections.
    """
    session = get_session()
    minutes, team = _readable(session, current_principal(), convening)
    return json_response(
        MinutesOut(
            convening_id=convening.id,
            published_at=convening.minutes_published_at,
            sections=_sections(minutes, team, query.kind) if minutes is not None else [],
            web_url=external_url("minutes.show", convening_id=convening.id),
        )
    )
