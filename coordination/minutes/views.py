"""Views of the minutes: the page, writing, editing, history, deleting and publishing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..audiences import Viewer, viewer_for
from ..db import get_session
from ..form_fields import parse_version
from ..models import Convening, MinuteEntry, User
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from ..service import StaleError
from ..view_helpers import run_service
from . import queries, services
from .forms import ConfirmForm, EntryVersionForm, MinuteForm

blueprint = Blueprint("minutes", __name__, url_prefix="/convenings")


def _entry_or_404(convening: Convening, entry_id: int, allow_deleted: bool = False) -> MinuteEntry:
    entry = services.find_entry(get_session(), convening, entry_id)
    if entry is None or (entry.deleted and not allow_deleted):
        abort(404)
    return entry


def _render_page(convening: Convening, form: MinuteForm | None = None, problem: str | None = None):
    session = get_session()
    principal = current_principal()
    team = can(principal, Action.VIEW_TEAM_AREA, convening)
    if not team and convening.minutes_published_at is None:
        return render_template("minutes/unpublished.html", convening=convening)
    viewer = Viewer.team() if team else viewer_for(session, principal, convening)
    minutes = queries.minutes_for(session, convening, viewer)
    if team and form is None:
        form = MinuteForm(formdata=None)
    if form is not None:
        form.offer_items(minutes.items)
    return render_template(
        "minutes/show.html",
        convening=convening,
        minutes=minutes,
        team=team,
        form=form,
        problem=problem,
        delete_form=EntryVersionForm(formdata=None),
    ), (400 if request.method == "POST" else 200)


@blueprint.route("/<id:convening_id>/minutes")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def show(convening: Convening):
    """The minutes: all of them for the team; once published, the viewer's share for others."""
    return _render_page(convening)


@blueprint.route("/<id:convening_id>/minutes/new", methods=["POST"])
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def add_entry(convening: Convening):
    """Record a note or a decision."""
    form = MinuteForm()
    form.offer_items(queries.agenda_items(get_session(), convening))
    problem = None
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.add_entry(
                session, current_principal(), convening, form.to_input()
            ),
            form,
        )
        if outcome.ok:
            entry = outcome.result
            flash(f"{entry.kind.label} recorded.", "success")
            return redirect(
                url_for(".show", convening_id=convening_id, _anchor=f"entry-{entry.id}")
            )
        problem = outcome.problem
    return _render_page(convening, form, problem)


@blueprint.route("/<id:convening_id>/minutes/<id:entry_id>/edit", methods=["GET", "POST"])
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def edit_entry(convening: Convening, entry_id: int):
    """Edit an entry; the text it replaces is kept in its history."""
    session = get_session()
    entry = _entry_or_404(convening, entry_id)
    form = MinuteForm()
    form.offer_items(queries.agenda_items(session, convening))
    if request.method == "GET":
        form.kind.data = entry.kind.value
        form.agenda_item_id.data = entry.agenda_item_id
        form.body.data = entry.body
        form.version.data = str(entry.version)
    problem = None
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.edit_entry(
                session,
                current_principal(),
                convening,
                entry,
                form.to_input(),
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            flash("Changes saved." if outcome.result else "Nothing was changed.", "success")
            return redirect(
                url_for(".show", convening_id=convening_id, _anchor=f"entry-{entry_id}")
            )
        problem = outcome.problem
    code = 400 if request.method == "POST" else 200
    return render_template(
        "minutes/edit.html", convening=convening, entry=entry, form=form, problem=problem
    ), code


@dataclass
class Version:
    number: int
    body: str
    author: User | None
    at: datetime
    current: bool


def _versions(entry: MinuteEntry) -> list[Version]:
    """Every text the entry has had, newest first, each with who wrote it and when."""
    texts = [revision.body for revision in entry.revisions] + [entry.body]
    # A revision keeps the text its editor replaced: the text after it is that editor's.
    authors = [(entry.created_by, entry.created_at)] + [
        (revision.edited_by, revision.edited_at) for revision in entry.revisions
    ]
    versions = [
        Version(number, body, author, at, number == len(texts))
        for number, (body, (author, at)) in enumerate(zip(texts, authors, strict=True), 1)
    ]
    return list(reversed(versions))


@blueprint.route("/<id:convening_id>/minutes/<id:entry_id>/history")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def history(convening: Convening, entry_id: int):
    """Every earlier text of an entry, with who changed it and when."""
    entry = _entry_or_404(convening, entry_id, allow_deleted=True)
    return render_template(
        "minutes/history.html", convening=convening, entry=entry, versions=_versions(entry)
    )


@blueprint.route("/<id:convening_id>/minutes/<id:entry_id>/delete", methods=["POST"])
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def delete_entry(convening: Convening, entry_id: int):
    """Take an entry out of the minutes (it is kept for the audit trail)."""
    entry = _entry_or_404(convening, entry_id, allow_deleted=True)
    form = EntryVersionForm()
    convening_id = convening.id
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.delete_entry(
                session, current_principal(), convening, entry, parse_version(form.version.data)
            )
        )
        if outcome.ok:
            flash("Entry deleted.", "success")
        else:
            # Deleting what is already gone is only worth a note.
            stale = isinstance(outcome.error, StaleError)
            flash(outcome.problem, "error" if stale else "info")
    return redirect(url_for(".show", convening_id=convening_id))


def _set_published(convening: Convening, published: bool):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    convening_id = convening.id
    outcome = run_service(
        lambda session: services.set_published(session, current_principal(), convening, published),
        flash_refusal=True,
    )
    if outcome.ok and not outcome.result:
        flash("The minutes were already in that state.", "info")
    elif outcome.ok and published:
        flash("Minutes published: participants see the entries meant for them.", "success")
    elif outcome.ok:
        flash("Minutes withdrawn: only the team sees them now.", "success")
    return redirect(url_for(".show", convening_id=convening_id))


@blueprint.route("/<id:convening_id>/minutes/publish", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def publish(convening: Convening):
    """Share the minutes with participants, each seeing their audience's entries."""
    return _set_published(convening, True)


@blueprint.route("/<id:convening_id>/minutes/unpublish", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def unpublish(convening: Convening):
    """Withdraw the minutes from participants."""
    return _set_published(convening, False)
