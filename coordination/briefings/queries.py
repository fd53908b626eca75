"""Reading a convening's briefing documents, in a fixed number of queries whatever their number."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from ..audiences import Viewer
from ..models import (
    AgendaItem,
    Audience,
    AudienceOrganisation,
    Convening,
    Document,
    DocumentVersion,
    utcnow,
)
from ..pagination import Page, paginate
from .access import released_to


def _listing(convening: Convening) -> Select:
    return (
        select(Document)
        .outerjoin(Document.agenda_item)
        .where(Document.convening_id == convening.id)
        .options(
            contains_eager(Document.agenda_item)
            .joinedload(AgendaItem.audience)
            .selectinload(Audience.organisation_links),
            joinedload(Document.audience)
            .selectinload(Audience.organisation_links)
            .joinedload(AudienceOrganisation.organisation),
            selectinload(Document.versions).joinedload(DocumentVersion.uploaded_by),
        )
        .order_by(
            AgendaItem.position.is_(None),
            AgendaItem.position,
            Document.title,
            Document.id,
        )
    )


def team_documents(
    session: Session, convening: Convening, number: int, per_page: int, *, deleted: bool = False
) -> Page:
    """One page of the convening's documents, or of its deleted ones, for the team."""
    statement = _listing(convening).where(
        Document.deleted_at.is_not(None) if deleted else Document.deleted_at.is_(None)
    )
    return paginate(session, statement, number, per_page)


def _released(session: Session, convening: Convening, viewer: Viewer) -> list[Document]:
    """What the viewer receives now, in the listing's order: audience, embargo and status
    allowing."""
    statement = _listing(convening)
    if not viewer.is_team:
        # Narrowed in SQL as far as it can be; the audience is judged below, row by row.
        statement = statement.where(
            Document.deleted_at.is_(None),
            or_(Document.embargo_until.is_(None), Document.embargo_until <= utcnow()),
        )
    return [
        document
        for document in session.scalars(statement).unique()
        if released_to(document, viewer)
    ]


def released_documents(
    session: Session, convening: Convening, viewer: Viewer, number: int, per_page: int
) -> Page:
    """One page of what the viewer receives now: audience, embargo and status allowing."""
    documents = _released(session, convening, viewer)
    last_page = max(1, -(-len(documents) // per_page))
    number = min(number, last_page)
    start = (number - 1) * per_page
    return Page(
        items=documents[start : start + per_page],
        number=number,
        per_page=per_page,
        total=len(documents),
    )


def received_statement(session: Session, convening: Convening, viewer: Viewer) -> Select:
    """The documents the viewer receives now, as a statement without an order (to page through
    with a cursor): the team's live documents, or those released to a participant."""
    statement = _listing(convening).order_by(None)
    if viewer.is_team:
        return statement.where(Document.deleted_at.is_(None))
    released = [document.id for document in _released(session, convening, viewer)]
    return statement.where(Document.id.in_(released))


def versions_of(session: Session, document: Document) -> list[DocumentVersion]:
    """Every version of the document, newest first, with who uploaded it."""
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id)
            .options(joinedload(DocumentVersion.uploaded_by))
            .order_by(DocumentVersion.number.desc())
        )
    )


def agenda_item_choices(session: Session, convening: Convening) -> list[tuple[int, str]]:
    """The convening's agenda items in order, to tie a document to."""
    rows = session.execute(
        select(AgendaItem.id, AgendaItem.title)
        .where(AgendaItem.convening_id == convening.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [(item_id, title) for item_id, title in rows]
