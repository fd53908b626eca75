"""Downloading briefings: single files, old versions, the ZIP pack, the briefing book, receipts."""

from __future__ import annotations

from flask import Blueprint, abort

from ..models import Convening, Document, DocumentVersion, Organisation
from ..permissions import Action, guard, load

blueprint = Blueprint("downloads", __name__)

# The endpoints other pages link to; their bodies are being written.


@blueprint.get("/documents/<int:document_id>/download")
@guard(Action.DOWNLOAD_DOCUMENT, load(Document, "document_id", "document"))
def document(document: Document):
    abort(404)


@blueprint.get("/document-versions/<int:version_id>/download")
@guard(
    Action.VIEW_TEAM_AREA,
    load(DocumentVersion, "version_id", "version", judged_by=lambda v: v.document.convening),
)
def version(version: DocumentVersion):
    abort(404)


@blueprint.get("/convenings/<int:convening_id>/briefing-pack.zip")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
def pack(convening: Convening):
    abort(404)


@blueprint.get("/convenings/<int:convening_id>/briefing-book.pdf")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
def book(convening: Convening):
    abort(404)


@blueprint.get("/documents/<int:document_id>/receipts")
@guard(
    Action.VIEW_TEAM_AREA,
    load(Document, "document_id", "document", judged_by=lambda d: d.convening),
)
def document_receipts(document: Document):
    abort(404)


@blueprint.get("/convenings/<int:convening_id>/receipts/<int:organisation_id>")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def organisation_receipts(convening: Convening, organisation_id: int):
    abort(404)
