"""The briefing book: one PDF with a cover, the viewer's agenda and every PDF briefing."""

from __future__ import annotations

import html
import io
import tempfile
from dataclasses import dataclass

from flask import current_app
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import storage
from ..agenda import queries as agenda_queries
from ..agenda.diffs import published_items
from ..agenda.pdf import build_pdf
from ..agenda.presenters import AgendaPage, clocks
from ..audiences import Viewer
from ..models import Convening, Document, DocumentVersion, Organisation, utcnow
from ..pdf_layout import build_a4, fonts
from ..timezones import format_local
from .access import PDF_MEDIA_TYPE, watermarks
from .delivery import Outgoing
from .pack import Built, slug
from .receipts import Recipient
from .watermark import UnreadablePdf, open_pdf, stamp_pages

NOT_PDF = "not included (download separately)"
UNREADABLE = "not included: the PDF could not be read"


@dataclass
class _Part:
    document: Document
    version: DocumentVersion
    reader: PdfReader | None = None
    status: str = ""
    first_page: int = 0


def _agenda_pdf(session: Session, convening: Convening, viewer: Viewer) -> bytes:
    """The published agenda filtered for the viewer, rendered as on the agenda's own PDF."""
    version = agenda_queries.latest_version(session, convening)
    items = published_items(version, viewer)
    times = clocks(((i.starts_at, i.ends_at) for i in items), convening.timezone, None)
    page = AgendaPage(convening, viewer, version, list(zip(items, times, strict=True)), None)
    if viewer.is_team and version is not None:
        ids = {
            org_id
            for item in version.items
            for org_id in (item.get("audience") or {}).get("organisation_ids") or []
        }
        page.names = dict(
            session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(ids)))
            ).all()
        )
    return build_pdf(page)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14)
    return {
        "base": base,
        "kicker": ParagraphStyle("kicker", base, fontSize=11, textColor=colors.grey),
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=24, leading=30),
        "codename": ParagraphStyle("codename", base, fontName=bold, fontSize=14, leading=20),
        "label": ParagraphStyle(
            "label", base, fontName=bold, fontSize=12, textColor=colors.Color(0.55, 0.05, 0.05)
        ),
        "heading": ParagraphStyle("heading", base, fontName=bold, fontSize=16, leading=22),
        "entry": ParagraphStyle("entry", base, fontName=bold, spaceBefore=6),
        "small": ParagraphStyle("small", base, fontSize=9, leading=12, textColor=colors.grey),
    }


def _t(value: str) -> str:
    return html.escape(value or "", quote=False)


def _front(convening: Convening, recipient: Recipient, parts: list[_Part], offset: int) -> bytes:
    """Cover and contents; ``offset`` is the page count of cover and contents together."""
    styles = _styles()
    zone = convening.timezone
    story = [
        Spacer(1, 40 * mm),
        Paragraph("Briefing book", styles["kicker"]),
        Paragraph(_t(convening.title), styles["title"]),
    ]
    if convening.codename:
        story.append(Paragraph(_t(convening.codename), styles["codename"]))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            _t(f"{format_local(convening.starts_at, zone)} to ")
            + _t(format_local(convening.ends_at, zone)),
            styles["base"],
        ),
        Spacer(1, 14 * mm),
        Paragraph(
            _t(f"Prepared for {recipient.name}, {recipient.organisation_name}"), styles["base"]
        ),
        Paragraph(_t(f"on {format_local(utcnow(), zone, '%d %b %Y')}"), styles["base"]),
        Spacer(1, 6 * mm),
        Paragraph(_t(convening.sensitivity), styles["label"]),
        PageBreak(),
        Paragraph("Contents", styles["heading"]),
        Paragraph(_t(f"Page {offset + 1}: agenda"), styles["entry"]),
    ]
    for part in parts:
        where = f"page {part.first_page}" if part.reader is not None else part.status
        story.append(Paragraph(_t(part.document.title), styles["entry"]))
        details = (
            f"{part.document.sensitivity} · version {part.version.number} · "
            f"{part.version.filename} · {where}"
        )
        story.append(Paragraph(_t(details), styles["small"]))
    if not parts:
        story.append(Paragraph("No briefing documents are available to you yet.", styles["base"]))
    return build_a4(
        story,
        title=f"Briefing book: {convening.title}",
        footer=f"{convening.sensitivity} · {recipient.name}, {recipient.organisation_name}",
        footer_limit=140,
        margins=(22 * mm, 22 * mm, 18 * mm, 20 * mm),
    )


def build_book(
    session: Session,
    convening: Convening,
    viewer: Viewer,
    documents: list[Document],
    recipient: Recipient,
) -> Built:
    """Assemble the book in memory page by page and write it to a temporary file."""
    parts: list[_Part] = []
    for document in documents:
        version = document.latest
        assert version is not None
        part = _Part(document, version)
        parts.append(part)
        if version.media_type != PDF_MEDIA_TYPE:
            part.status = NOT_PDF
            continue
        try:
            part.reader = open_pdf(storage.path_for(version.storage_key))
        except (UnreadablePdf, FileNotFoundError) as error:
            current_app.logger.warning("Version %s left out of a book: %s", version.id, error)
            part.status = UNREADABLE
    agenda = PdfReader(io.BytesIO(_agenda_pdf(session, convening, viewer)))
    # The contents page lists page numbers, which depend on its own length: lay it out
    # until the length it assumes is the length it has.
    front_pages, front = 2, b""
    for _attempt in range(5):
        page_number = front_pages + len(agenda.pages) + 1
        for part in parts:
            if part.reader is not None:
                part.first_page = page_number
                page_number += len(part.reader.pages)
        front = _front(convening, recipient, parts, front_pages)
        actual = len(PdfReader(io.BytesIO(front)).pages)
        if actual == front_pages:
            break
        front_pages = actual
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    writer.add_outline_item(title="Contents", page_number=1)
    agenda_start = len(writer.pages)
    writer.append(agenda)
    writer.add_outline_item(title="Agenda", page_number=agenda_start)
    delivered = []
    for part in parts:
        if part.reader is None:
            continue
        start = len(writer.pages)
        try:
            writer.append(part.reader)
            if watermarks(part.document.sensitivity):
                stamp_pages(writer.pages[start:], recipient.stamp(part.document, convening))
        except Exception as error:  # a damaged page: leave the document out, never unstamped
            current_app.logger.warning("Version %s left out of a book: %s", part.version.id, error)
            while len(writer.pages) > start:
                writer.remove_page(len(writer.pages) - 1)
            part.reader, part.status = None, UNREADABLE
            continue
        writer.add_outline_item(title=part.document.title, page_number=start)
        delivered.append((part.document, part.version))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed once the response is sent)
    try:
        writer.write(handle)
        size = handle.seek(0, 2)
    except BaseException:
        handle.close()
        raise
    outgoing = Outgoing(
        size=size,
        media_type=PDF_MEDIA_TYPE,
        filename=f"briefing-book-{slug(convening)}.pdf",
        handle=handle,
    )
    return Built(outgoing, delivered)
