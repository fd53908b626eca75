"""Shared pieces of the convening tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from coordination.models import Convening


def form_data(**overrides) -> dict[str, str]:
    """A valid convening form, as a browser posts it."""
    data = {
        "title": "Madison Valleywood",
        "codename": "MV",
        "summary": "Counter-messaging with *platforms*.",
        "host_organisation_id": "",
        "venue_name": "Robert F. Kennedy Building",
        "venue_address": "950 Pennsylvania Avenue NW\nWashington, DC",
        "venue_room": "Great Hall",
        "remote_url": "",
        "timezone": "America/Los_Angeles",
        "starts_at": "2030-01-15T10:00",
        "ends_at": "2030-01-15T16:00",
        "rsvp_deadline": "",
        "sensitivity": "Official",
        "series_id": "",
        "new_series_name": "",
    }
    data.update(overrides)
    return data


def count_convenings(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(Convening.id)))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
