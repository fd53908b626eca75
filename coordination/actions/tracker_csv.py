"""The tracker's CSV export: every matching action, streamed in batches from one query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..csv_export import csv_lines
from ..db import Database
from ..models import OPEN_STATUSES, ActionItem, Convening, Organisation, Series
from .days import Today
from .tracker import (
    OwnerDelegate,
    OwnerUser,
    TrackerFilters,
    conditions_for,
    joined,
    sort_order,
)

CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "priority",
    "due_on",
    "overdue",
    "convening",
    "series",
    "owner_organisation",
    "organisation_kind",
    "owner_person",
    "description",
    "updated_at_utc",
)


def csv_rows(
    session: Session, scope: frozenset[int] | None, filters: TrackerFilters, on: Today | date
) -> Iterator[list[str]]:
    """Every matching action as a row of text, read in batches (one query)."""
    statement = (
        joined(
            select(
                ActionItem.id,
                ActionItem.title,
                ActionItem.status,
                ActionItem.priority,
                ActionItem.due_on,
                Convening.title,
                Series.name,
                Organisation.name,
                Organisation.kind,
                func.coalesce(OwnerUser.name, OwnerDelegate.name),
                ActionItem.description,
                ActionItem.updated_at,
                Convening.timezone,
            )
        )
        .where(*conditions_for(scope, filters, on))
        .order_by(*sort_order(filters.sort))
        .execution_options(yield_per=1000)
    )
    today = Today.coerce(on)
    yield list(CSV_COLUMNS)
    for row in session.execute(statement):
        (
            action_id,
            title,
            status,
            priority,
            due_on,
            convening,
            series,
            organisation,
            kind,
            person,
            description,
            updated_at,
            zone,
        ) = row
        overdue = status in OPEN_STATUSES and due_on is not None and due_on < today.in_zone(zone)
        yield [
            str(action_id),
            title,
            status.label,
            priority.label,
            due_on.isoformat() if due_on else "",
            "yes" if overdue else "no",
            convening,
            series or "",
            organisation or "",
            kind.label if kind else "",
            person or "",
            description or "",
            updated_at.isoformat(timespec="seconds") if updated_at else "",
        ]


def stream_csv(
    database: Database, scope: frozenset[int] | None, filters: TrackerFilters, on: Today | date
) -> Iterator[str]:
    """The export as it is sent: its own read session, open only while the rows stream.

    The response is read after the request has ended, so it cannot use the request's session.
    """
    with database.session(write=False) as session:
        yield from csv_lines(csv_rows(session, scope, filters, on))
