"""Uploading a briefing document, or a new version of its file: streamed, checked, limited.

The routes take files (``uploading.takes_files``): each file is written to the documents
folder as the form is parsed, under the document size limit, and removed unless the change
it belongs to is committed.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..db import get_session
from ..errors import render_error
from ..form_fields import parse_version
from ..models import Convening, Document
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from ..storage import FileTooLarge
from ..uploading import UploadLimit, keep_upload, takes_files
from ..view_helpers import run_service
from . import details, services, uploads
from .blueprint import blueprint
from .files import human_size
from .forms import ReplaceForm, UploadForm
from .view_helpers import check_the_details, document_convening, prepare, render_form, upload_of

# Room for the other fields and the multipart framing around the file.
FORM_OVERHEAD = 1024 * 1024


def _upload_convening() -> Convening | None:
    arguments = request.view_args or {}
    session = get_session()
    if "convening_id" in arguments:
        return session.get(Convening, arguments["convening_id"])
    document = session.get(Document, arguments.get("document_id"))
    return document.convening if document is not None else None


def upload_limit() -> UploadLimit:
    """The document size limit for each file; room for a document in the request only for
    those who may upload here (anyone else keeps the usual limit)."""
    largest = uploads.max_bytes()
    convening = _upload_convening()
    if convening is not None and can(current_principal(), Action.EDIT_CONVENING, convening):
        return UploadLimit(file_bytes=largest, request_bytes=largest + FORM_OVERHEAD)
    return UploadLimit(file_bytes=largest)


def _raised_limit() -> bool:
    limit = request.upload_limit
    return limit is not None and limit.request_bytes is not None


def _form_field_too_large(error: Exception) -> bool:
    """True if an uploader's request within the size limit was refused for a text field
    over the form parser's memory limit, rather than for its file."""
    if isinstance(error, FileTooLarge) or not _raised_limit():
        return False
    length, limit = request.content_length, request.max_content_length
    return length is not None and limit is not None and length <= limit


@blueprint.errorhandler(RequestEntityTooLarge)
@blueprint.errorhandler(FileTooLarge)
def too_large(error):
    """The 413 page, naming the document size limit to those it applies to."""
    message = None
    if _form_field_too_large(error):
        message = (
            "Something typed into the form is far longer than it may be, so nothing was "
            "uploaded. Shorten the title or the description and try again."
        )
    elif isinstance(error, FileTooLarge) or _raised_limit():
        message = (
            f"The file is larger than the {human_size(uploads.max_bytes())} a briefing "
            "document may be, so nothing was uploaded. Make it smaller (for example by "
            "saving images at a lower resolution), or split it into several documents, "
            "and try again."
        )
    return render_error(413, message)


@blueprint.route("/convenings/<id:convening_id>/documents/new", methods=["GET", "POST"])
@takes_files(upload_limit)
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def create(convening: Convening):
    """Upload a document: its file, details, audience and optional embargo."""
    form = UploadForm()
    prepare(form, convening)
    if request.method == "GET":
        form.fill_from(details.new_input(convening))
    problem, code = None, None
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.create_document(
                session,
                current_principal(),
                convening,
                form.to_input(),
                upload_of(form),
                request.staging,
            ),
            form,
        )
        if outcome.ok:
            keep_upload()
            flash(f"“{outcome.result.title}” is uploaded.", "success")
            return redirect(url_for("briefings.index", convening_id=convening_id))
        problem, code = outcome.problem, outcome.status
    elif form.is_submitted():
        check_the_details(form, convening, None)
    return render_form(
        "briefings/form.html", code, form=form, convening=convening, document=None, problem=problem
    )


@blueprint.route("/documents/<id:document_id>/replace", methods=["GET", "POST"])
@takes_files(upload_limit)
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def replace(document: Document):
    """Upload a new version of the file; participants receive the latest."""
    convening = document.convening
    form = ReplaceForm()
    if request.method == "GET":
        form.version.data = str(document.version)
    problem, code = None, None
    if form.validate_on_submit():
        document_id = document.id
        outcome = run_service(
            lambda session: services.replace_file(
                session,
                current_principal(),
                document,
                upload_of(form),
                request.staging,
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            keep_upload()
            flash(
                f"Version {outcome.result.number} is uploaded; participants now receive it.",
                "success",
            )
            return redirect(url_for("briefings.show", document_id=document_id))
        problem, code = outcome.problem, outcome.status
    return render_form(
        "briefings/replace.html",
        code,
        form=form,
        convening=convening,
        document=document,
        problem=problem,
    )
