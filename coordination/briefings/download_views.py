"""Downloading briefings: single files, old versions, the ZIP pack, the briefing book, receipts."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable

from flask import Response, abort, current_app, render_template, request

from .. import storage
from ..db import get_session
from ..models import Convening, Document, DocumentVersion, DownloadChannel
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal
from . import delivery, receipts
from .access import PDF_MEDIA_TYPE, briefing_viewer, watermarks
from .blueprint import downloads as blueprint
from .book import build_book
from .delivery import Outgoing, Sent
from .pack import build_pack, receivable
from .receipts import Recipient
from .watermark import UnreadablePdf, stamp_pdf

Answer = Response | tuple[str, int]
Problem = Callable[[str, str, int], Answer]


def _problem(title: str, message: str, status: int) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _missing(version: DocumentVersion, problem: Problem) -> Answer:
    current_app.logger.error("Stored file missing for document version %s", version.id)
    return problem(
        "File missing",
        "The file of this document is missing on the server, so nothing was downloaded. "
        "Tell the organisers of the convening.",
        404,
    )


def _record(
    sent: Sent,
    convening: Convening,
    recipient: Recipient,
    delivered: Iterable[tuple[Document, DocumentVersion]],
    channel: DownloadChannel,
) -> None:
    """Record a receipt for a response that hands the file over from its first byte.

    Later ranges of the same download, HEAD, 304, 412 and 416 answers are not receipts.
    """
    if request.method != "GET" or sent.response.status_code not in (200, 206):
        return
    if sent.from_start:
        receipts.record_download(convening, recipient, delivered, channel)


def deliver(document: Document, version: DocumentVersion, problem: Problem = _problem) -> Answer:
    """Send one version, stamped for the recipient when its label asks for a watermark.

    ``problem(title, message, status)`` answers a file that cannot be sent (a page, or the
    API's problem document).
    """
    session = get_session()
    convening = document.convening
    principal = current_principal()
    recipient = receipts.recipient_for(
        session, principal, convening, briefing_viewer(principal, convening)
    )
    path = storage.path_for(version.storage_key)
    if watermarks(document.sensitivity) and version.media_type == PDF_MEDIA_TYPE:
        stamp = recipient.stamp(document, convening)
        etag = hashlib.sha256(f"{version.sha256}\x1f{stamp.key}".encode()).hexdigest()
        unsent = Outgoing(
            size=0, media_type=version.media_type, filename=version.filename, etag=etag
        )
        # Answered before any stamping work is done.
        answer = delivery.conditional_answer(request, unsent)
        if answer is not None:
            return answer
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed once the response is sent)
        try:
            stamp_pdf(path, handle, stamp)
        except UnreadablePdf as error:
            handle.close()
            current_app.logger.warning("Cannot stamp document version %s: %s", version.id, error)
            return problem(
                "This document cannot be prepared",
                f"“{document.title}” is labelled {document.sensitivity}, so every copy carries "
                "the name of the person receiving it, but its PDF could not be read to add "
                "that stamp. Nothing was downloaded. Tell the organisers so that they can "
                "upload a readable copy.",
                422,
            )
        except FileNotFoundError:
            handle.close()
            return _missing(version, problem)
        outgoing = Outgoing(
            size=handle.seek(0, 2),
            media_type=version.media_type,
            filename=version.filename,
            handle=handle,
            etag=etag,
        )
    else:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return _missing(version, problem)
        outgoing = Outgoing(
            size=size,
            media_type=version.media_type,
            filename=version.filename,
            path=path,
            etag=version.sha256,
            last_modified=version.uploaded_at,
            sendfile_path=str(path.relative_to(storage.documents_root())),
        )
    sent = delivery.send(request, outgoing)
    _record(sent, convening, recipient, [(document, version)], DownloadChannel.FILE)
    return sent.response


@blueprint.get("/documents/<id:document_id>/download")
@guard(Action.DOWNLOAD_DOCUMENT, load(Document, "document_id", "document"))
def document(document: Document):
    """The latest version of a document, for whoever its audience and embargo admit."""
    version = document.latest
    if version is None:
        abort(404)
    return deliver(document, version)


@blueprint.get("/document-versions/<id:version_id>/download")
@guard(
    Action.VIEW_TEAM_AREA,
    load(DocumentVersion, "version_id", "version", judged_by=lambda v: v.document.convening),
)
def version(version: DocumentVersion):
    """Any version of a document, for the convening's team."""
    return deliver(version.document, version)


@blueprint.get("/convenings/<id:convening_id>/briefing-pack.zip")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
def pack(convening: Convening):
    """One ZIP of every briefing the viewer may receive, with an index."""
    session = get_session()
    principal = current_principal()
    viewer = briefing_viewer(principal, convening)
    documents = receivable(receipts.convening_documents(session, convening), viewer)
    recipient = receipts.recipient_for(session, principal, convening, viewer)
    built = build_pack(convening, documents, recipient)
    # Generated afresh for each request, so there is nothing to resume or revalidate.
    sent = delivery.send(request, built.outgoing, ranges_allowed=False)
    _record(sent, convening, recipient, built.delivered, DownloadChannel.PACK)
    return sent.response


@blueprint.get("/convenings/<id:convening_id>/briefing-book.pdf")
@guard(Action.VIEW_BRIEFINGS, load(Convening, "convening_id", "convening"))
def book(convening: Convening):
    """One PDF: a cover, the viewer's agenda and every PDF briefing they may receive."""
    session = get_session()
    principal = current_principal()
    viewer = briefing_viewer(principal, convening)
    documents = receivable(receipts.convening_documents(session, convening), viewer)
    recipient = receipts.recipient_for(session, principal, convening, viewer)
    built = build_book(session, convening, viewer, documents, recipient)
    sent = delivery.send(request, built.outgoing, ranges_allowed=False)
    _record(sent, convening, recipient, built.delivered, DownloadChannel.BOOK)
    return sent.response


@blueprint.get("/documents/<id:document_id>/receipts")
@guard(
    Action.VIEW_TEAM_AREA,
    load(Document, "document_id", "document", judged_by=lambda d: d.convening),
)
def document_receipts(document: Document):
    """Which invited organisations the document is for have downloaded it, and every receipt."""
    report = receipts.document_report(
        get_session(),
        document,
        page_number(request.args.get("page")),
        page_number(request.args.get("receipts_page")),
        current_app.config["PER_PAGE"],
    )
    return render_template(
        "briefings/receipts_document.html",
        report=report,
        document=document,
        convening=document.convening,
    )


@blueprint.get("/convenings/<id:convening_id>/receipts/<id:organisation_id>")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def organisation_receipts(convening: Convening, organisation_id: int):
    """What one invited organisation has received from the convening, and what not yet."""
    report = receipts.organisation_report(
        get_session(),
        convening,
        organisation_id,
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
    )
    if report is None:
        abort(404)
    return render_template(
        "briefings/receipts_organisation.html", report=report, convening=convening
    )
