"""Uploading, versioning and listing a convening's briefing documents."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden, NotFound, RequestEntityTooLarge

from .. import csrf
from ..agenda.presenters import live_audience_label
from ..agenda.queries import invited_organisations
from ..audiences import admits, snapshot
from ..auth import current_actor as actor
from ..db import get_session
from ..errors import MESSAGES, handle_http_error
from ..form_fields import options, parse_version
from ..models import Convening, Document
from ..pagination import page_number
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from ..storage import FileTooLarge, Staging
from ..view_helpers import attach_errors
from . import queries, services, uploads
from .access import briefing_viewer, conceals
from .files import describe_types, human_size
from .forms import DocumentForm, ReplaceForm, UploadForm, VersionForm
from .services import STALE_MESSAGE, BriefingError, StaleDocumentError, Upload

blueprint = Blueprint("briefings", __name__)

# Room for the other fields and the multipart framing around the file.
FORM_OVERHEAD = 1024 * 1024
UPLOAD_ENDPOINTS = {"briefings.create", "briefings.replace"}


def document_convening(document: Document) -> Convening:
    return document.convening


# Sizes read the same on every page and in the limit's messages.
blueprint.add_app_template_filter(human_size, "file_size")


# Uploads: staged in the documents folder as they arrive, removed unless the change commits.


def _upload_convening() -> Convening | None:
    arguments = request.view_args or {}
    session = get_session()
    if "convening_id" in arguments:
        return session.get(Convening, arguments["convening_id"])
    document = session.get(Document, arguments.get("document_id"))
    return document.convening if document is not None else None


@blueprint.before_request
def prepare_upload():
    """Stream uploaded files into the documents folder, with the document size limit."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.method != "POST":
        return
    staging = Staging(uploads.max_bytes())
    g.briefing_staging = staging
    convening = _upload_convening()
    # Only those who may upload here get the larger limit; anyone else keeps the usual one.
    if convening is not None and can(current_principal(), Action.EDIT_CONVENING, convening):
        request.max_content_length = uploads.max_bytes() + FORM_OVERHEAD
        g.briefing_upload_limit = True
    # Werkzeug's form parser asks this for a stream per file: write it straight to the staging.
    request._get_file_stream = staging.stream_factory
    # These views are exempt from the application-wide check, which would read the body
    # before the limit above is raised; the token is checked here instead, just as strictly.
    config = current_app.config
    if config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True):
        csrf.protect()


@blueprint.teardown_request
def discard_upload(_error: BaseException | None) -> None:
    staging = g.pop("briefing_staging", None)
    if staging is not None:
        staging.discard()


def _staging() -> Staging:
    return g.briefing_staging


def _keep_upload() -> None:
    """The rows naming the uploaded files are committed: keep the files."""
    _staging().keep()


def _form_field_too_large(error: Exception) -> bool:
    """True if an uploader's request within the size limit was refused for a text field
    over the form parser's memory limit, rather than for its file."""
    if isinstance(error, FileTooLarge) or not g.get("briefing_upload_limit"):
        return False
    length, limit = request.content_length, request.max_content_length
    return length is not None and limit is not None and length <= limit


@blueprint.errorhandler(RequestEntityTooLarge)
@blueprint.errorhandler(FileTooLarge)
def too_large(error):
    """The 413 page, naming the document size limit to those it applies to."""
    title, message = MESSAGES[413]
    if _form_field_too_large(error):
        message = (
            "Something typed into the form is far longer than it may be, so nothing was "
            "uploaded. Shorten the title or the description and try again."
        )
    elif isinstance(error, FileTooLarge) or g.get("briefing_upload_limit"):
        message = (
            f"The file is larger than the {human_size(uploads.max_bytes())} a briefing "
            "document may be, so nothing was uploaded. Make it smaller (for example by "
            "saving images at a lower resolution), or split it into several documents, "
            "and try again."
        )
    return render_template("errors/error.html", status=413, title=title, message=message), 413


@blueprint.errorhandler(Forbidden)
def refused(error: Forbidden):
    """Refused: a document the user may not receive is not found, as if it did not exist."""
    if conceals(current_principal(), request.view_args or {}):
        return handle_http_error(NotFound())
    return handle_http_error(error)


# Forms.


def _prepare(form: DocumentForm, convening: Convening, document: Document | None = None) -> None:
    """Offer the labels, the invited organisations and the agenda items."""
    session = get_session()
    labels = services.sensitivity_labels()
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


def _check_the_rest(form: DocumentForm, convening: Convening, document: Document | None) -> None:
    """With some fields refused already, show every other problem of the details too."""
    errors: dict[str, str] = {}
    services.resolve_details(get_session(), convening, form.to_input(), document, errors)
    if document is None and "title" in errors and not (form.title.data or "").strip():
        errors.pop("title")  # an empty title is taken from the file name
    others = {
        name: message
        for name, message in errors.items()
        if name not in form._fields or not form[name].errors
    }
    attach_errors(form, others)


def _upload_of(form) -> Upload:
    file = form.file.data
    return Upload(stream=file.stream, filename=file.filename or "")


def _limits() -> dict:
    return {
        "max_bytes": uploads.max_bytes(),
        "max_size": human_size(uploads.max_bytes()),
        "accepted": describe_types(uploads.accepted_types()),
        "accept": ",".join(f".{ext}" for ext in uploads.accepted_types()),
    }


def _render_form(template: str, code: int | None = None, **context):
    if code is None:
        code = 400 if request.method == "POST" else 200
    return render_template(template, **_limits(), **context), code


# The list.


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


# Uploading and changing.


@blueprint.route("/convenings/<id:convening_id>/documents/new", methods=["GET", "POST"])
@csrf.exempt
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def create(convening: Convening):
    """Upload a document: its file, details, audience and optional embargo."""
    form = UploadForm()
    _prepare(form, convening)
    if request.method == "GET":
        form.fill_from(services.new_input(convening))
    problem = None
    if form.validate_on_submit():
        session = get_session()
        convening_id = convening.id
        try:
            document = services.create_document(
                session, actor(), convening, form.to_input(), _upload_of(form), _staging()
            )
            session.commit()
        except BriefingError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            _keep_upload()
            flash(f"“{document.title}” is uploaded.", "success")
            return redirect(url_for("briefings.index", convening_id=convening_id))
    elif form.is_submitted():
        _check_the_rest(form, convening, None)
    return _render_form(
        "briefings/form.html", form=form, convening=convening, document=None, problem=problem
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


@blueprint.route("/documents/<id:document_id>/edit", methods=["GET", "POST"])
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def edit(document: Document):
    """Change a document's details, audience or embargo."""
    convening = document.convening
    form = DocumentForm()
    _prepare(form, convening, document)
    if request.method == "GET":
        form.fill_from(services.input_from(document))
        form.version.data = str(document.version)
    problem = None
    code = None
    if form.validate_on_submit():
        session = get_session()
        document_id = document.id
        try:
            changes = services.update_document(
                session, actor(), document, form.to_input(), parse_version(form.version.data)
            )
            session.commit()
        except (StaleDocumentError, StaleDataError):
            session.rollback()
            problem, code = STALE_MESSAGE, 409
        except BriefingError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            flash("Changes saved." if changes else "Nothing was changed.", "success")
            return redirect(url_for("briefings.show", document_id=document_id))
    elif form.is_submitted():
        _check_the_rest(form, convening, document)
    return _render_form(
        "briefings/form.html",
        code,
        form=form,
        convening=convening,
        document=document,
        problem=problem,
    )


@blueprint.route("/documents/<id:document_id>/replace", methods=["GET", "POST"])
@csrf.exempt
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def replace(document: Document):
    """Upload a new version of the file; participants receive the latest."""
    convening = document.convening
    form = ReplaceForm()
    if request.method == "GET":
        form.version.data = str(document.version)
    problem = None
    code = None
    if form.validate_on_submit():
        session = get_session()
        document_id = document.id
        try:
            version = services.replace_file(
                session,
                actor(),
                document,
                _upload_of(form),
                _staging(),
                parse_version(form.version.data),
            )
            session.commit()
        except (StaleDocumentError, StaleDataError, IntegrityError):
            session.rollback()
            problem, code = STALE_MESSAGE, 409
        except BriefingError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            _keep_upload()
            flash(f"Version {version.number} is uploaded; participants now receive it.", "success")
            return redirect(url_for("briefings.show", document_id=document_id))
    return _render_form(
        "briefings/replace.html",
        code,
        form=form,
        convening=convening,
        document=document,
        problem=problem,
    )


def _change_deleted(document: Document, change, done: str):
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    document_id = document.id
    try:
        change(session, actor(), document, parse_version(form.version.data))
        session.commit()
    except (StaleDocumentError, StaleDataError):
        session.rollback()
        flash(STALE_MESSAGE, "error")
    except BriefingError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("briefings.show", document_id=document_id))


@blueprint.route("/documents/<id:document_id>/delete", methods=["POST"])
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def delete(document: Document):
    """Hide a document from participants; it stays for the record and can be restored."""
    return _change_deleted(
        document,
        services.delete_document,
        f"“{document.title}” is deleted: participants no longer see it.",
    )


@blueprint.route("/documents/<id:document_id>/restore", methods=["POST"])
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def restore(document: Document):
    """Bring back a deleted document for its audience."""
    return _change_deleted(
        document,
        services.restore_document,
        f"“{document.title}” is restored for its audience.",
    )
