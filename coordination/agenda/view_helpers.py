"""What the agenda builder's views share: where they lead back to and the builder page."""

from __future__ import annotations

from flask import render_template, url_for

from ..db import get_session
from ..models import AgendaItem, Convening
from . import queries, versions
from .forms import PublishForm
from .presenters import clocks, live_audience_label, presenters_text
from .timing import compute, minutes_text


def item_convening(item: AgendaItem) -> Convening:
    return item.convening


def builder_url(convening_id: int, item_id: int | None = None) -> str:
    anchor = f"item-{item_id}" if item_id else None
    return url_for("agenda.builder", convening_id=convening_id, _anchor=anchor)


def render_builder(convening: Convening, code: int = 200):
    """The builder page; also shown again (400) when a change sent from it is refused."""
    session = get_session()
    items = queries.draft_items(session, convening)
    schedule = compute(items, convening.starts_at, convening.ends_at, convening.timezone)
    times = clocks(((e.starts_at, e.ends_at) for e in schedule.items), convening.timezone)
    rows = [
        {
            "entry": entry,
            "item": entry.item,
            "clock": clock,
            "presenters": presenters_text(entry.item),
            "audience": live_audience_label(entry.item.audience),
            "warnings": schedule.warnings_for(entry.item.id),
            "gap": minutes_text(entry.gap_before) if entry.gap_before else None,
        }
        for entry, clock in zip(schedule.items, times, strict=True)
    ]
    latest = queries.latest_version(session, convening)
    unpublished = bool(items or latest) and (
        latest is None or latest.items != versions.snapshot_items(items, convening)
    )
    return render_template(
        "agenda/builder.html",
        convening=convening,
        rows=rows,
        schedule=schedule,
        latest=latest,
        unpublished=unpublished,
        publish_form=PublishForm(),
        order=",".join(str(item.id) for item in items),
    ), code
