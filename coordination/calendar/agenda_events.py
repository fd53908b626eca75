"""Agenda items as calendar events, next to the convening's own event.

Items come from a published agenda version (the snapshot participants see), so an item's
event carries the times and title that were published, in the convening's zone (TZID).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Event

from ..models import Convening, ConveningStatus, utcnow


def agenda_item_uid(item_id: int) -> str:
    """The UID of an agenda item's event: fixed for the life of the item."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "coordination.invalid"
    return f"agenda-item-{item_id}@{domain}"


def instant(value: datetime | str) -> datetime:
    """A snapshot's time (ISO text or a datetime) as an aware UTC datetime."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _presenters(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    names = []
    for presenter in value:
        if isinstance(presenter, dict):
            names.append(str(presenter.get("name") or presenter.get("label") or ""))
        else:
            names.append(str(presenter))
    return ", ".join(name for name in names if name)


def agenda_item_event(
    convening: Convening,
    entry: dict[str, Any],
    *,
    uid: str,
    sequence: int,
    url: str,
    location: str | None = None,
    stamp: datetime | None = None,
) -> Event:
    """One VEVENT for a published agenda item (a snapshot entry), timed in the convening's zone."""
    zone = convening.zone
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or utcnow())
    event.add("sequence", sequence)
    event.add("summary", f"{entry.get('title') or 'Agenda item'} · {convening.title}")
    event.add("dtstart", instant(entry["starts_at"]).astimezone(zone))
    event.add("dtend", instant(entry["ends_at"]).astimezone(zone))
    event.add("url", url)
    lines = []
    presenters = _presenters(entry.get("presenters"))
    if presenters:
        lines.append(f"Presenters: {presenters}")
    description = (entry.get("description") or "").strip()
    if description:
        lines.append(description)
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    if location:
        event.add("location", location)
    cancelled = convening.status == ConveningStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event
