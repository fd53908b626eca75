"""What the briefings' form pages share: the choices offered, every problem shown, the limits."""

from __future__ import annotations

from flask import render_template, request

from ..agenda.queries import invited_organisations
from ..db import get_session
from ..form_fields import options
from ..models import Convening, Document
from ..service import InputError
from ..view_helpers import check_the_rest
from . import details, queries, uploads
from .files import describe_types, human_size
from .forms import DocumentForm
from .uploads import Upload


def document_convening(document: Document) -> Convening:
    return document.convening


def prepare(form: DocumentForm, convening: Convening, document: Document | None = None) -> None:
    """Offer the labels, the invited organisations and the agenda items."""
    session = get_session()
    labels = details.sensitivity_labels()
    if document is not None and document.sensitivity not in labels:
        labels.append(document.sensitivity)
    form.sensitivity.choices = options([(label, label) for label in labels])
    organisations = {o.id: o.name for o in invited_organisations(session, convening)}
    if document is not None:
        for link in document.audience.organisation_links:
            organisations.setdefault(link.organisation_id, link.organisation.name)
    form.audience_organisations.choices = sorted(
        ((str(key), name) for key, name in organisations.items()), key=lambda pair: pair[1]
    )
    form.agenda_item_id.choices = options(
        [("", "None")]
        + [
            (str(item_id), title)
            for item_id, title in queries.agenda_item_choices(session, convening)
        ]
    )


def check_the_details(form: DocumentForm, convening: Convening, document: Document | None) -> None:
    """With some fields refused already, show every other problem of the details too."""
    # A new document's empty title is taken from its file's name.
    untitled = document is None and not (form.title.data or "").strip()

    def check(session) -> None:
        try:
            details.resolve(session, convening, form.to_input(), document)
        except InputError as error:
            if untitled:
                error.errors.pop("title", None)
            raise

    check_the_rest(form, check)


def upload_of(form) -> Upload:
    file = form.file.data
    return Upload(stream=file.stream, filename=file.filename or "")


def _limits() -> dict:
    return {
        "max_bytes": uploads.max_bytes(),
        "max_size": human_size(uploads.max_bytes()),
        "accepted": describe_types(uploads.accepted_types()),
        "accept": ",".join(f".{ext}" for ext in uploads.accepted_types()),
    }


def render_form(template: str, code: int | None = None, **context):
    """A form page with the upload limits; 400 when a POST shows it again."""
    if code is None:
        code = 400 if request.method == "POST" else 200
    return render_template(template, **_limits(), **context), code
