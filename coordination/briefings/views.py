"""Listing a convening's briefing documents, and one document's page with its versions."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request

from ..agenda.presenters import live_audience_label
from ..audiences import admits, snapshot
from ..db import get_session
from ..models import Convening, Document
from ..pagination import page_number
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from . import queries
from .access import briefing_viewer
from .blueprint import blueprint
from .view_helpers import document_convening


@dataclass(frozen=True)
class TeamRow:
    document: Document
    audience: str
    versions: int


@dataclass(frozen=True)
class ReleasedRow:
    document: Document
    # Named only when the viewer also sees the agenda item.
    agenda_item_title: str | None


@blueprint.route("/convenings/<id:convening_id>/documents")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
def index(convening: Convening):
    """The convening's briefings: all of them for the team; what each receives for others."""
    session = get_session()
    principal = current_principal()
    per_page = current_app.config["PER_PAGE"]
    viewer = briefing_viewer(principal, convening)
    if viewer.is_team:
        page = queries.team_documents(
            session, convening, page_number(request.args.get("page")), per_page
        )
        deleted = queries.team_documents(
            session,
            convening,
            page_number(request.args.get("deleted_page")),
            per_page,
            deleted=True,
        )
        return render_template(
            "briefings/index_team.html",
            convening=convening,
            rows=[_team_row(document) for document in page.items],
            page=page,
            deleted_rows=[_team_row(document) for document in deleted.items],
            deleted=deleted,
            editable=can(principal, Action.EDIT_CONVENING, convening),
        )
    page = queries.released_documents(
        session, convening, viewer, page_number(request.args.get("page")), per_page
    )
    rows = [
        ReleasedRow(
            document=document,
            agenda_item_title=(
                document.agenda_item.title
                if document.agenda_item is not None
                and admits(snapshot(document.agenda_item.audience), viewer)
                else None
            ),
        )
        for document in page.items
    ]
    return render_template(
        "briefings/index.html",
        convening=convening,
        rows=rows,
        page=page,
        signed_in=principal.is_authenticated,
    )


def _team_row(document: Document) -> TeamRow:
    return TeamRow(
        document=document,
        audience=live_audience_label(document.audience),
        versions=len(document.versions),
    )


@blueprint.route("/documents/<id:document_id>")
@guard(
    Action.VIEW_TEAM_AREA, load(Document, "document_id", "document", judged_by=document_convening)
)
def show(document: Document):
    """A document's details and every version of its file."""
    convening = document.convening
    return render_template(
        "briefings/show.html",
        document=document,
        convening=convening,
        versions=queries.versions_of(get_session(), document),
        audience=live_audience_label(document.audience),
        editable=can(current_principal(), Action.EDIT_CONVENING, convening),
    )
