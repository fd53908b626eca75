"""The agenda as each viewer may see it: the page, its PDF, and the team's version history."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import make_response, render_template, request
from flask import session as browser_session
from sqlalchemy import select

from ..audiences import Viewer, viewer_for
from ..db import get_session
from ..models import AgendaVersion, Convening, Organisation
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..timezones import is_known_zone, utc_to_local, zone_names
from . import queries
from .blueprint import blueprint
from .diffs import CHANGE_KINDS, published_items
from .forms import ZoneForm
from .pdf import build_pdf
from .presenters import (
    AgendaPage,
    audience_label,
    clocks,
    live_audience_label,
    presenters_text,
    time_range,
)
from .timing import compute
from .versions import snapshot_items

ZONE_KEY = "agenda_zone"


@blueprint.app_template_filter("agenda_span")
def agenda_span(entry: dict[str, Any], zone: str) -> str:
    """A snapshot's day and times, such as Tue 10 Mar, 10:00 to 11:00 EST."""
    starts_at = datetime.fromisoformat(entry["starts_at"])
    day = f"{utc_to_local(starts_at, zone):%a %d %b}"
    return f"{day}, {time_range(starts_at, datetime.fromisoformat(entry['ends_at']), zone)}"


@blueprint.app_template_filter("agenda_audience")
def agenda_audience(audience: dict[str, Any], names: dict[int, str]) -> str:
    return audience_label(audience or {}, names)


def _other_zone(form: ZoneForm) -> str | None:
    """The viewer's second zone: chosen now (and remembered) or earlier in this session."""
    if "zone" in request.args:
        chosen = (request.args.get("zone") or "").strip()
        if not chosen:
            browser_session.pop(ZONE_KEY, None)
            return None
        if is_known_zone(chosen):
            browser_session[ZONE_KEY] = chosen
            return chosen
        form.zone.errors = ["Enter a time zone from the list, such as Europe/London."]
    remembered = browser_session.get(ZONE_KEY)
    if remembered and is_known_zone(remembered):
        form.zone.data = form.zone.data or remembered
        return remembered
    return None


def _names(session, versions: list[AgendaVersion]) -> dict[int, str]:
    """Names of organisations named by the versions' audiences (one query)."""
    ids = {
        org_id
        for version in versions
        for item in [*version.items, *_change_entries(version)]
        for org_id in (item.get("audience") or {}).get("organisation_ids") or []
    }
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(ids)))
    ).all()
    return dict(rows)


def _change_entries(version: AgendaVersion) -> list[dict[str, Any]]:
    changes = version.changes or {}
    return [entry for kind in CHANGE_KINDS for entry in changes.get(kind, [])]


def agenda_page(convening: Convening, other_zone: str | None) -> AgendaPage:
    """What this viewer sees: the latest published version filtered to their audience, and
    for the team the draft too (or, previewing, exactly what one organisation sees)."""
    session = get_session()
    viewer = viewer_for(session, current_principal(), convening)
    page = AgendaPage(convening, viewer, None, [], other_zone)
    if viewer.is_team:
        page.invited = queries.invited_organisations(session, convening)
        chosen = request.args.get("as", "")
        page.preview = next((o for o in page.invited if str(o.id) == chosen), None)
        if page.preview is not None:
            viewer = Viewer.for_organisation(page.preview)
    page.version = queries.latest_version(session, convening)
    items = published_items(page.version, viewer)
    times = clocks(((i.starts_at, i.ends_at) for i in items), convening.timezone, other_zone)
    page.published = list(zip(items, times, strict=True))
    if page.viewer.is_team and page.preview is None:
        page.names = _names(session, [page.version] if page.version else [])
        draft = queries.draft_items(session, convening)
        page.draft_is_published = page.version is not None and page.version.items == (
            snapshot_items(draft, convening)
        )
        page.schedule = compute(draft, convening.starts_at, convening.ends_at, convening.timezone)
        spans = ((e.starts_at, e.ends_at) for e in page.schedule.items)
        page.draft = [
            {
                "item": entry.item,
                "clock": clock,
                "presenters": presenters_text(entry.item),
                "audience": live_audience_label(entry.item.audience),
            }
            for entry, clock in zip(
                page.schedule.items, clocks(spans, convening.timezone, other_zone), strict=True
            )
        ]
    return page


@blueprint.route("/convenings/<id:convening_id>/agenda")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def show(convening: Convening):
    """The published agenda meant for the viewer, in the convening's zone and their own."""
    form = ZoneForm(formdata=None)
    form.zone.data = request.args.get("zone", "")
    other_zone = _other_zone(form)
    page = agenda_page(convening, other_zone)
    code = 400 if form.zone.errors else 200
    return render_template(
        "agenda/show.html", page=page, convening=convening, zone_form=form, zones=zone_names()
    ), code


def _filename(convening: Convening) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", convening.title).strip("-").lower()[:60]
    return f"agenda-{slug or convening.id}.pdf"


@blueprint.route("/convenings/<id:convening_id>/agenda.pdf")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def pdf(convening: Convening):
    """The viewer's agenda as a PDF to print or share (the same filtering as the page)."""
    form = ZoneForm(formdata=None)
    page = agenda_page(convening, _other_zone(form))
    response = make_response(build_pdf(page))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(convening)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/convenings/<id:convening_id>/agenda/history")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def history(convening: Convening):
    """Every published version with what changed in it, newest first."""
    session = get_session()
    published = queries.versions(session, convening)
    return render_template(
        "agenda/history.html",
        convening=convening,
        versions=published,
        names=_names(session, published),
        kinds=CHANGE_KINDS,
    )
