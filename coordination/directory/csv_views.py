"""CSV import (upload, preview, confirm) and export of the directory."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, url_for

from ..db import get_session
from ..permissions import Action, guard
from ..principal import current_principal
from ..service import InputError, StaleError
from ..view_helpers import attach_errors, run_service
from . import importer, queries
from .blueprint import blueprint, read_filters
from .csv_io import (
    COLUMNS,
    decode,
    export_lines,
    max_bytes,
    read_upload,
    sign_upload,
    unsign_upload,
)
from .forms import ImportConfirmForm, ImportUploadForm


def render_upload(form: ImportUploadForm, status: int = 200, problem: str | None = None):
    return render_template(
        "directory/import.html",
        form=form,
        columns=COLUMNS,
        max_rows=current_app.config["CSV_MAX_ROWS"],
        max_kilobytes=max_bytes() // 1024,
        problem=problem,
    ), status


def render_preview(plan: importer.ImportPlan, filename: str, token: str | None, status: int):
    return render_template(
        "directory/import_preview.html",
        plan=plan,
        filename=filename,
        confirm=ImportConfirmForm(payload=token) if token else None,
        upload=ImportUploadForm(),
    ), status


@blueprint.route("/import", methods=["GET", "POST"])
@guard(Action.IMPORT_DIRECTORY)
def import_csv():
    """Upload a CSV file and preview what importing it would do; nothing is written."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return render_upload(form, 400 if form.is_submitted() else 200)
    upload = form.file.data
    filename = (upload.filename or "upload.csv")[:200]
    try:
        text = decode(read_upload(upload.stream, max_bytes()))
        plan = importer.plan_import(get_session(), text, current_app.config["CSV_MAX_ROWS"])
        token = sign_upload(text, filename, current_principal().user.id) if plan.ok else None
    except InputError as error:
        attach_errors(form, error.errors)
        return render_upload(form, 400)
    return render_preview(plan, filename, token, 200 if plan.ok else 400)


@blueprint.route("/import/confirm", methods=["POST"])
@guard(Action.IMPORT_DIRECTORY)
def confirm_import():
    """Apply a previewed file: every row, or nothing if any row fails."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        problem = "The preview was not sent back; upload the file again."
        return render_upload(ImportUploadForm(), 400, problem=problem)
    principal = current_principal()
    try:
        text, filename = unsign_upload(form.payload.data, principal.user.id)
    except InputError as error:
        return render_upload(ImportUploadForm(), 400, problem=str(error))
    outcome = run_service(
        lambda session: importer.import_directory(
            session, principal, text, current_app.config["CSV_MAX_ROWS"]
        )
    )
    if isinstance(outcome.error, importer.ImportRefused):
        return render_preview(outcome.error.plan, filename, None, 400)
    if isinstance(outcome.error, StaleError):
        # Nothing was edited here: say what changed and how to go on, not "reload".
        return render_upload(ImportUploadForm(), 409, problem=str(outcome.error))
    if not outcome.ok:
        return render_upload(ImportUploadForm(), outcome.status, problem=outcome.problem)
    counts = outcome.result
    flash(
        f"Imported {filename}: {counts.create} organisations added, {counts.update} "
        f"updated, {counts.unchanged} unchanged; {counts.contacts_add} contacts added, "
        f"{counts.contacts_update} updated.",
        "success",
    )
    return redirect(url_for(".list_organisations"))


@blueprint.route("/export.csv")
@guard(Action.VIEW_DIRECTORY)
def export_csv():
    """Download the non-archived organisations matching the filters, one row per contact."""
    _form, filters = read_filters()
    organisations = queries.export_organisations(get_session(), filters)
    response = Response(export_lines(organisations), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="directory-{date.today().isoformat()}.csv"'
    )
    return response
