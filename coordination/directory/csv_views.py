"""CSV import (upload, preview, confirm) and export of the directory."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..db import get_session
from ..permissions import Action, guard
from . import importer, queries, services
from .csv_io import (
    COLUMNS,
    CsvFileError,
    decode,
    export_lines,
    max_bytes,
    read_upload,
    sign_upload,
    unsign_upload,
)
from .forms import ImportConfirmForm, ImportUploadForm
from .views import actor, blueprint, read_filters

CHANGED_MEANWHILE = (
    "The directory changed while the import ran, so nothing was imported. "
    "Upload the file again to see a fresh preview."
)


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
    db = get_session()
    try:
        text = decode(read_upload(upload.stream, max_bytes()))
        plan = importer.plan_import(db, text, current_app.config["CSV_MAX_ROWS"])
        token = sign_upload(text, filename, actor().id) if plan.ok else None
    except CsvFileError as error:
        form.file.errors = [*form.file.errors, str(error)]
        return render_upload(form, 400)
    return render_preview(plan, filename, token, 200 if plan.ok else 400)


@blueprint.route("/import/confirm", methods=["POST"])
@guard(Action.IMPORT_DIRECTORY)
def confirm_import():
    """Apply a previewed file: every row, or nothing if any row fails."""
    form = ImportConfirmForm()
    db = get_session()
    try:
        if not form.validate_on_submit():
            raise CsvFileError("The preview was not sent back; upload the file again.")
        text, filename = unsign_upload(form.payload.data, actor().id)
        plan = importer.plan_import(db, text, current_app.config["CSV_MAX_ROWS"])
        if not plan.ok:
            db.rollback()
            return render_preview(plan, filename, None, 400)
        counts = importer.apply_import(db, actor(), plan)
        db.commit()
    except CsvFileError as error:
        db.rollback()
        return render_upload(ImportUploadForm(), 400, problem=str(error))
    except (services.DirectoryError, IntegrityError, StaleDataError):
        db.rollback()
        return render_upload(ImportUploadForm(), 409, problem=CHANGED_MEANWHILE)
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
