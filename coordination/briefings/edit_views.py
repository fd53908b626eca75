"""Changing a briefing document's details, deleting it and restoring it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for

from ..form_fields import parse_version
from ..models import Document
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import details, services
from .blueprint import blueprint
from .forms import DocumentForm, VersionForm
from .view_helpers import check_the_details, document_convening, prepare, render_form


@blueprint.route("/documents/<id:document_id>/edit", methods=["GET", "POST"])
@guard(
    Action.EDIT_CONVENING, load(Document, "document_id", "document", judged_by=document_convening)
)
def edit(document: Document):
    """Change a document's details, audience or embargo."""
    convening = document.convening
    form = DocumentForm()
    prepare(form, convening, document)
    if request.method == "GET":
        form.fill_from(details.input_from(document))
        form.version.data = str(document.version)
    problem, code = None, None
    if form.validate_on_submit():
        document_id = document.id
        outcome = run_service(
            lambda session: services.update_document(
                session,
                current_principal(),
                document,
                form.to_input(),
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            flash("Changes saved." if outcome.result else "Nothing was changed.", "success")
            return redirect(url_for("briefings.show", document_id=document_id))
        problem, code = outcome.problem, outcome.status
    elif form.is_submitted():
        check_the_details(form, convening, document)
    return render_form(
        "briefings/form.html",
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
    document_id = document.id
    outcome = run_service(
        lambda session: change(
            session, current_principal(), document, parse_version(form.version.data)
        ),
        flash_refusal=True,
    )
    if outcome.ok:
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
