"""Briefing documents through the API: what the caller receives, and the download itself,
with the same audience, embargo, receipt and watermark as the pages' download."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from ..agenda.presenters import live_audience_label
from ..api.blueprint import blueprint
from ..api.cursors import PageQuery, page_after
from ..api.operations import operation
from ..api.problems import ApiProblem, problem_response
from ..api.representations import representer
from ..api.responses import json_response
from ..api.schemas import ItemsPage
from ..audiences import Viewer, admits, snapshot, viewer_for
from ..db import get_session
from ..models import Convening, Document
from ..permissions import Action, guard, load
from ..principal import Principal, current_principal
from ..urls import external_url
from . import queries
from .access import PDF_MEDIA_TYPE, briefing_viewer, is_team, released_to, watermarks
from .download_views import deliver
from .files import MEDIA_TYPES

TAG = "Briefings"
# Every type a briefing can be stored as, and so downloaded as.
FILE_TYPES = tuple(dict.fromkeys(MEDIA_TYPES.values()))


class AgendaItemRef(BaseModel):
    id: int
    title: str


class StoredFile(BaseModel):
    number: int = Field(description="The version of the file, from 1.")
    filename: str
    media_type: str
    size_bytes: int = Field(description="Of the stored file; a stamped copy differs.")
    sha256: str | None = Field(
        description="Of the file as downloaded; null when each copy is stamped for its reader."
    )
    uploaded_at: AwareDatetime


class DocumentOut(BaseModel):
    id: int
    convening_id: int
    title: str
    description: str = Field(description="Markdown.")
    sensitivity: str
    watermarked: bool = Field(
        description="Each downloaded copy carries the name of the person receiving it."
    )
    embargo_until: AwareDatetime | None = Field(
        description="Participants receive it from this instant on."
    )
    agenda_item: AgendaItemRef | None = Field(
        description="The agenda item it belongs to, when the caller sees that item."
    )
    file: StoredFile | None
    audience: str | None = Field(
        description="Who receives it, in words: shown to the convening's team only."
    )
    deleted_at: AwareDatetime | None = Field(
        description="Deleted documents are the team's only; participants never see them."
    )
    download_url: str = Field(description="The API address of the file.")
    web_url: str


def document_out(document: Document, viewer: Viewer) -> DocumentOut:
    """The document's metadata as a viewer allowed to receive it sees it."""
    latest = document.latest
    stamped = (
        latest is not None
        and watermarks(document.sensitivity)
        and latest.media_type == PDF_MEDIA_TYPE
    )
    item = document.agenda_item
    return DocumentOut(
        id=document.id,
        convening_id=document.convening_id,
        title=document.title,
        description=document.description,
        sensitivity=document.sensitivity,
        watermarked=stamped,
        embargo_until=document.embargo_until,
        agenda_item=(
            AgendaItemRef(id=item.id, title=item.title)
            if item is not None and admits(snapshot(item.audience), viewer)
            else None
        ),
        file=(
            StoredFile(
                number=latest.number,
                filename=latest.filename,
                media_type=latest.media_type,
                size_bytes=latest.size_bytes,
                sha256=None if stamped else latest.sha256,
                uploaded_at=latest.uploaded_at,
            )
            if latest is not None
            else None
        ),
        audience=live_audience_label(document.audience) if viewer.is_team else None,
        deleted_at=document.deleted_at if viewer.is_team else None,
        download_url=f"/api/v1/documents/{document.id}/file",
        web_url=external_url("briefings.index", convening_id=document.convening_id),
    )


@representer(Document, "document")
def _shown(session: Session, principal: Principal, document: Document) -> DocumentOut | None:
    convening = document.convening
    if is_team(principal, convening):
        return document_out(document, Viewer.team())
    if not principal.is_authenticated:
        return None
    viewer = viewer_for(session, principal, convening)
    return document_out(document, viewer) if released_to(document, viewer) else None


@blueprint.get("/convenings/<id:convening_id>/documents")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, query=PageQuery, response=ItemsPage[DocumentOut])
def list_documents(convening: Convening, query: PageQuery):
    """The convening's briefings the caller receives, by title.

    The team sees every live document; participants those meant for their organisation whose
    embargo has passed, as on the briefings page.
    """
    session = get_session()
    viewer = briefing_viewer(current_principal(), convening)
    page = page_after(
        session,
        queries.received_statement(session, convening, viewer),
        keys=(Document.title, Document.id),
        key_of=lambda document: (document.title, document.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    return json_response(
        ItemsPage[DocumentOut](
            items=[document_out(document, viewer) for document in page.items],
            next_cursor=page.next_cursor,
        )
    )


@blueprint.get("/documents/<id:document_id>")
@guard(Action.DOWNLOAD_DOCUMENT, load(Document, "document_id", "document"))
@operation(tags=TAG, response=DocumentOut)
def get_document(document: Document):
    """One briefing's metadata, for whoever receives it."""
    viewer = briefing_viewer(current_principal(), document.convening)
    return json_response(document_out(document, viewer))


def _unsendable(title: str, message: str, status: int):
    return problem_response(status, f"{title}. {message}", code="file_unavailable")


@blueprint.get("/documents/<id:document_id>/file")
@guard(Action.DOWNLOAD_DOCUMENT, load(Document, "document_id", "document"))
@operation(tags=TAG, file_types=FILE_TYPES, errors=(412, 416, 422))
def download_document(document: Document):
    """The briefing's latest file, always as an attachment.

    Each download is recorded as a receipt, and a document whose label asks for a watermark
    is stamped with the reader's name on every page. Range, If-Range, If-None-Match,
    If-Modified-Since and If-Match are answered as the pages' download answers them.
    """
    version = document.latest
    if version is None:
        raise ApiProblem(404)
    return deliver(document, version, problem=_unsendable)
