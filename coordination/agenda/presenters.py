"""Turning agenda items and published versions into what people read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..audiences import Viewer, snapshot
from ..models import (
    AgendaItem,
    AgendaItemKind,
    AgendaVersion,
    Audience,
    AudienceKind,
    Convening,
    Organisation,
    OrganisationKind,
)
from ..timezones import utc_to_local
from .timing import Schedule

DAY_FORMAT = "%A %d %B %Y"


@dataclass(frozen=True)
class Clock:
    """An item's times as shown: the day when it changes, the range, and in a second zone."""

    day: str | None
    text: str
    other: str | None = None


def time_range(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """A range such as 10:00 to 11:00 EST; the end's day named when it differs."""
    start, end = utc_to_local(starts_at, zone), utc_to_local(ends_at, zone)
    start_text = f"{start:%H:%M}"
    if start.tzname() != end.tzname():
        start_text += f" {start.tzname()}"
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b} {end:%H:%M}"
    return f"{start_text}\N{EN DASH}{end_text} {end.tzname()}"


def clocks(
    spans: Iterable[tuple[datetime, datetime]], zone: str, other_zone: str | None = None
) -> list[Clock]:
    """A clock per span, naming the day at the first item of each local day."""
    result = []
    current_day = None
    for starts_at, ends_at in spans:
        day = utc_to_local(starts_at, zone).date()
        heading = None
        if day != current_day:
            heading = f"{utc_to_local(starts_at, zone):{DAY_FORMAT}}"
            current_day = day
        other = None
        if other_zone and other_zone != zone:
            other_start = utc_to_local(starts_at, other_zone)
            other = time_range(starts_at, ends_at, other_zone)
            if other_start.date() != day:
                other = f"{other_start:%a %d %b} {other}"
        result.append(Clock(heading, time_range(starts_at, ends_at, zone), other))
    return result


def presenters_text(item: AgendaItem) -> str:
    """Organisations, delegates (with their organisation) and free text, in one line."""
    names = []
    for presenter in item.presenters:
        if presenter.delegate is not None:
            organisation = presenter.delegate.invitation.organisation.name
            names.append(f"{presenter.delegate.name} ({organisation})")
        elif presenter.organisation is not None:
            names.append(presenter.organisation.name)
    if item.presenters_text:
        names.append(item.presenters_text)
    return "; ".join(names)


def kind_label(value: str) -> str:
    try:
        return AgendaItemKind(value).label
    except ValueError:
        return value


def audience_label(audience: Mapping[str, Any], organisation_names: Mapping[int, str]) -> str:
    """Who an audience (as a snapshot dictionary) admits, in words for the team."""
    kind = audience.get("kind")
    if kind == AudienceKind.EVERYONE.value:
        return AudienceKind.EVERYONE.label
    if kind == AudienceKind.TEAM.value:
        return AudienceKind.TEAM.label
    if kind == AudienceKind.KINDS.value:
        labels = []
        for value in audience.get("organisation_kinds") or []:
            try:
                labels.append(OrganisationKind(value).label)
            except ValueError:
                labels.append(value)
        return "Only: " + ", ".join(labels)
    if kind == AudienceKind.ORGANISATIONS.value:
        names = sorted(
            organisation_names.get(org_id, f"organisation #{org_id}")
            for org_id in audience.get("organisation_ids") or []
        )
        return "Only: " + ", ".join(names)
    return "Nobody"


def live_audience_label(audience: Audience) -> str:
    names = {link.organisation_id: link.organisation.name for link in audience.organisation_links}
    return audience_label(snapshot(audience), names)


@dataclass(frozen=True)
class PublishedItem:
    """One item of a published version, read back from its snapshot."""

    item_id: int
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    presenters: str
    audience: dict[str, Any]

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> PublishedItem:
        return cls(
            item_id=int(data["item_id"]),
            kind=data.get("kind", ""),
            title=data.get("title", ""),
            description=data.get("description", ""),
            starts_at=datetime.fromisoformat(data["starts_at"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
            presenters=data.get("presenters", ""),
            audience=dict(data.get("audience") or {}),
        )


@dataclass
class AgendaPage:
    """Everything the page and the PDF show, read in a fixed number of queries."""

    convening: Convening
    viewer: Viewer
    version: AgendaVersion | None
    published: list[tuple[PublishedItem, Clock]]
    other_zone: str | None
    preview: Organisation | None = None
    invited: list[Organisation] = field(default_factory=list)
    draft: list[dict[str, Any]] | None = None
    schedule: Schedule | None = None
    # The draft is exactly the latest published version (so the page lists it once).
    draft_is_published: bool = False
    names: dict[int, str] = field(default_factory=dict)

    def audience_of(self, item: PublishedItem) -> str:
        return audience_label(item.audience, self.names)
