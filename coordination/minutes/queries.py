"""Reading minutes: the agenda they hang on, grouped in agenda order and filtered by audience."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..audiences import Viewer, admits, snapshot
from ..models import (
    AgendaItem,
    Audience,
    AudienceKind,
    AudienceOrganisation,
    Convening,
    MinuteEntry,
    MinuteRevision,
    OrganisationKind,
)


@dataclass
class EntryRow:
    entry: MinuteEntry
    revision_count: int


@dataclass
class Section:
    """The entries against one agenda item (or, with no item, the general notes)."""

    item: AgendaItem | None
    audience_label: str
    entries: list[EntryRow] = field(default_factory=list)


@dataclass
class Minutes:
    items: list[AgendaItem]
    sections: list[Section]
    deleted: list[EntryRow]

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)


def agenda_items(session: Session, convening: Convening) -> list[AgendaItem]:
    """The convening's agenda items in order, with their audiences loaded."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.convening_id == convening.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .options(
                selectinload(AgendaItem.audience)
                .selectinload(Audience.organisation_links)
                .joinedload(AudienceOrganisation.organisation)
            )
        )
    )


def audience_label(audience: Audience) -> str:
    """Who an item is for, as the team reads it."""
    if audience.kind == AudienceKind.KINDS:
        kinds = []
        for value in audience.organisation_kinds or []:
            try:
                kinds.append(OrganisationKind(value).label)
            except ValueError:
                kinds.append(value)
        return f"{', '.join(kinds) or 'No kind chosen'} only"
    if audience.kind == AudienceKind.ORGANISATIONS:
        names = sorted(link.organisation.name for link in audience.organisation_links)
        return f"{', '.join(names) or 'No organisation chosen'} only"
    return audience.kind.label


def _entries(session: Session, convening: Convening) -> list[EntryRow]:
    revisions = (
        select(func.count(MinuteRevision.id))
        .where(MinuteRevision.entry_id == MinuteEntry.id)
        .correlate(MinuteEntry)
        .scalar_subquery()
    )
    rows = session.execute(
        select(MinuteEntry, revisions)
        .where(MinuteEntry.convening_id == convening.id)
        .order_by(MinuteEntry.created_at, MinuteEntry.id)
        .options(joinedload(MinuteEntry.created_by))
    ).all()
    return [EntryRow(entry, count) for entry, count in rows]


def minutes_for(session: Session, convening: Convening, viewer: Viewer) -> Minutes:
    """The minutes as this viewer may read them, grouped by agenda item, general notes last.

    Entries against an item are shown only to the item's audience; general notes to everyone
    invited. Empty sections are left out except for the team, who write into them.
    """
    items = agenda_items(session, convening)
    rows = _entries(session, convening)
    by_item: dict[int | None, list[EntryRow]] = {}
    deleted = []
    for row in rows:
        if row.entry.deleted:
            deleted.append(row)
        else:
            by_item.setdefault(row.entry.agenda_item_id, []).append(row)
    sections = []
    for item in items:
        if not admits(snapshot(item.audience), viewer):
            continue
        entries = by_item.get(item.id, [])
        if entries or viewer.is_team:
            sections.append(Section(item, audience_label(item.audience), entries))
    general = by_item.get(None, [])
    if not admits({"kind": AudienceKind.EVERYONE.value}, viewer):
        general = []
    if general or viewer.is_team:
        sections.append(Section(None, AudienceKind.EVERYONE.label, general))
    return Minutes(items=items, sections=sections, deleted=deleted if viewer.is_team else [])
