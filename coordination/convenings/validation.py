"""Checking what people enter for a convening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Convening, Organisation, Series
from ..service import InputError
from ..timezones import LocalTimeError, is_known_zone, local_to_utc
from ..urls import is_web_address

# Longest text each field takes, matching the columns.
MAX_LENGTHS = {
    "title": 200,
    "codename": 100,
    "venue_name": 200,
    "venue_address": 500,
    "venue_room": 100,
    "remote_url": 500,
    "new_series_name": 200,
}


@dataclass
class ConveningInput:
    """What a person entered: wall-clock times are naive, in ``timezone``."""

    title: str
    timezone: str
    starts_local: datetime | None
    ends_local: datetime | None
    sensitivity: str
    codename: str = ""
    summary: str = ""
    host_organisation_id: int | None = None
    venue_name: str = ""
    venue_address: str = ""
    venue_room: str = ""
    remote_url: str = ""
    rsvp_local: datetime | None = None
    series_id: int | None = None
    new_series_name: str = ""


def sensitivity_labels(current: str | None = None) -> list[str]:
    """The configured labels, plus the convening's own if the list has since changed."""
    labels = list(current_app.config["SENSITIVITY_LABELS"])
    if current and current not in labels:
        labels.append(current)
    return labels


def _to_utc(
    wall_clock: datetime | None, zone: str, name: str, errors: dict[str, str]
) -> datetime | None:
    if wall_clock is None:
        return None
    try:
        return local_to_utc(wall_clock, zone)
    except LocalTimeError as error:
        errors[name] = str(error)
        return None


def find_series(session: Session, name: str) -> Series | None:
    return session.scalar(select(Series).where(func.lower(Series.name) == name.lower()))


def resolve(
    session: Session, data: ConveningInput, current: Convening | None = None
) -> tuple[dict[str, Any], str]:
    """Check the input; answer the column values and the name of any series to create.

    Writes nothing; refuses with every problem at once (an ``InputError`` per field).
    """
    errors: dict[str, str] = {}
    text = {
        name: (getattr(data, name) or "").replace("\r\n", "\n").strip()
        for name in (*MAX_LENGTHS, "summary", "timezone", "sensitivity")
    }
    if not text["title"]:
        errors["title"] = "Enter a title."
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit:
            errors[name] = f"Use {limit} characters or fewer."
    if text["remote_url"] and "remote_url" not in errors and not is_web_address(text["remote_url"]):
        errors["remote_url"] = "Enter a web address starting with https:// or http://."

    zone = text["timezone"]
    starts_at = ends_at = rsvp_deadline = None
    if not is_known_zone(zone):
        errors["timezone"] = f"Unknown time zone '{data.timezone}'. Use a name like Europe/London."
    else:
        starts_at = _to_utc(data.starts_local, zone, "starts_at", errors)
        ends_at = _to_utc(data.ends_local, zone, "ends_at", errors)
        rsvp_deadline = _to_utc(data.rsvp_local, zone, "rsvp_deadline", errors)
    if data.starts_local is None:
        errors.setdefault("starts_at", "Enter the date and time it starts.")
    if data.ends_local is None:
        errors.setdefault("ends_at", "Enter the date and time it ends.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The end must be after the start."
    if rsvp_deadline and ends_at and rsvp_deadline >= ends_at:
        errors["rsvp_deadline"] = "The RSVP deadline must be before the end."

    if text["sensitivity"] not in sensitivity_labels(current.sensitivity if current else None):
        errors["sensitivity"] = "Choose one of the sensitivity labels offered."

    host = None
    if data.host_organisation_id is not None:
        host = session.get(Organisation, data.host_organisation_id)
        keeping = current is not None and current.host_organisation_id == data.host_organisation_id
        if host is None or (host.is_archived and not keeping):
            errors["host_organisation_id"] = "Choose an organisation from the directory."

    series = None
    new_series_name = text["new_series_name"]
    if data.series_id is not None and new_series_name:
        errors["new_series_name"] = "Choose an existing series or name a new one, not both."
    elif data.series_id is not None:
        series = session.get(Series, data.series_id)
        if series is None:
            errors["series_id"] = "Choose a series from the list."
    elif new_series_name and "new_series_name" not in errors:
        series = find_series(session, new_series_name)
        if series is not None:
            new_series_name = ""

    if errors:
        raise InputError(errors)
    values = {
        "title": text["title"],
        "codename": text["codename"] or None,
        "summary": text["summary"],
        "host_organisation": host,
        "venue_name": text["venue_name"] or None,
        "venue_address": text["venue_address"] or None,
        "venue_room": text["venue_room"] or None,
        "remote_url": text["remote_url"] or None,
        "timezone": zone,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "rsvp_deadline": rsvp_deadline,
        "sensitivity": text["sensitivity"],
        "series": series,
    }
    return values, new_series_name
