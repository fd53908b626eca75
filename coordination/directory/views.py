"""Views of the directory: organisations and their contacts."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..auth import current_actor as actor
from ..db import get_session
from ..models import Contact, Organisation, OrganisationKind
from ..pagination import page_number
from ..permissions import Action, guard, load
from . import queries, rules, services
from .forms import ContactForm, DirectoryFilterForm, OrganisationForm, options

blueprint = Blueprint("directory", __name__, url_prefix="/directory")

NAME_TAKEN = "An organisation with this name was added by someone else a moment ago."


def read_filters() -> tuple[DirectoryFilterForm, queries.DirectoryFilters]:
    """The filter form from the query string, and the filters it asks for (odd values ignored)."""
    form = DirectoryFilterForm(formdata=request.args)
    form.validate()
    try:
        kind = OrganisationKind(form.kind.data) if form.kind.data else None
    except ValueError:
        kind = None
    try:
        country = rules.clean_country(form.country.data)
    except rules.InvalidValue:
        country = None
    filters = queries.DirectoryFilters(
        search="" if form.q.errors else (form.q.data or ""),
        kind=kind,
        sector=(form.sector.data or "")[: rules.SECTOR_MAX],
        country=country,
        include_archived=bool(form.archived.data),
    )
    return form, filters


def attach_errors(form, error: services.DirectoryError) -> str | None:
    """Put each message beside its field; return the one about the whole form, if any."""
    for name, message in error.errors.items():
        field = getattr(form, name, None) if name != services.FORM else None
        if field is not None:
            field.errors = [*field.errors, message]
    return error.errors.get(services.FORM)


@blueprint.route("/")
@guard(Action.VIEW_DIRECTORY)
def list_organisations():
    """The directory: search, filters and one page of organisations."""
    db = get_session()
    form, filters = read_filters()
    sectors = [(name, name) for name in queries.sector_options(db)]
    countries = queries.country_options(db)
    # Keep a filter from the address visible even when no organisation matches it any more.
    if filters.sector and filters.sector.lower() not in {name.lower() for name, _ in sectors}:
        sectors.append((filters.sector, filters.sector))
    if filters.country and filters.country not in {code for code, _ in countries}:
        countries.append((filters.country, rules.country_name(filters.country)))
    form.sector.choices = options([("", "Any sector"), *sectors])
    form.country.choices = options([("", "Any country"), *countries])
    page = queries.list_page(
        db, filters, page_number(request.args.get("page")), current_app.config["PER_PAGE"]
    )
    export_arguments = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "directory/list.html",
        filters=form,
        page=page,
        country_name=rules.country_name,
        export_url=url_for("directory.export_csv", **export_arguments),
    )


@blueprint.route("/<id:organisation_id>")
@guard(Action.VIEW_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
def show_organisation(organisation: Organisation):
    """One organisation with its contacts."""
    organisation = queries.organisation_detail(get_session(), organisation.id)
    return render_template(
        "directory/show.html",
        organisation=organisation,
        country=rules.country_name(organisation.country),
        website_link=organisation.website if rules.is_web_address(organisation.website) else None,
        contacts=[contact for contact in organisation.contacts if not contact.is_archived],
        archived_contacts=[contact for contact in organisation.contacts if contact.is_archived],
    )


def render_organisation_form(form, organisation=None, form_error=None, status=200):
    return render_template(
        "directory/organisation_form.html",
        form=form,
        organisation=organisation,
        form_error=form_error,
    ), status


@blueprint.route("/new", methods=["GET", "POST"])
@guard(Action.EDIT_DIRECTORY)
def create_organisation():
    """Add an organisation to the directory."""
    form = OrganisationForm()
    form_error = None
    if form.validate_on_submit():
        db = get_session()
        try:
            organisation = services.create_organisation(db, actor(), form.data)
            db.commit()
        except services.DirectoryError as error:
            db.rollback()
            form_error = attach_errors(form, error)
        except IntegrityError:
            db.rollback()
            form.name.errors = [*form.name.errors, NAME_TAKEN]
        else:
            flash(f"{organisation.name} is added to the directory.", "success")
            return redirect(url_for(".show_organisation", organisation_id=organisation.id))
    status = 400 if request.method == "POST" else 200
    return render_organisation_form(form, form_error=form_error, status=status)


@blueprint.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
@guard(Action.EDIT_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
def edit_organisation(organisation: Organisation):
    """Change an organisation, refusing if someone else changed it meanwhile."""
    if request.method != "POST":
        form = OrganisationForm(data=services.organisation_values(organisation))
        return render_organisation_form(form, organisation)
    form = OrganisationForm()
    form_error = None
    status = 400
    if form.validate():
        db = get_session()
        try:
            changes = services.update_organisation(
                db, actor(), organisation, form.data, form.expected_version()
            )
            db.commit()
        except services.DirectoryError as error:
            db.rollback()
            form_error = attach_errors(form, error)
            status = 409 if form_error == services.STALE_MESSAGE else 400
        except StaleDataError:
            db.rollback()
            form_error, status = services.STALE_MESSAGE, 409
        except IntegrityError:
            db.rollback()
            form.name.errors = [*form.name.errors, NAME_TAKEN]
        else:
            flash(
                f"{organisation.name} is updated." if changes else "Nothing was changed.",
                "success",
            )
            return redirect(url_for(".show_organisation", organisation_id=organisation.id))
    return render_organisation_form(form, organisation, form_error, status)


def _set_archived(organisation: Organisation, archived: bool):
    db = get_session()
    changed = services.set_organisation_archived(db, actor(), organisation, archived)
    db.commit()
    if changed:
        flash(
            f"{organisation.name} is archived: it no longer appears in the directory's list."
            if archived
            else f"{organisation.name} is back in the directory.",
            "success",
        )
    return redirect(url_for(".show_organisation", organisation_id=organisation.id))


@blueprint.route("/<id:organisation_id>/archive", methods=["POST"])
@guard(Action.ARCHIVE_DIRECTORY, load(Organisation, "organisation_id", "organisation"))
def archive_organisation(organisation: Organisation):
    """Archive an organisation (kept for history, hidden from the list)."""
    return _set_archived(organisation, True)


@blueprint.route("/<id:organisation_id>/unarchive", methods=["POST"])
@guard(Action.ARCHIVE_DIRECTORY, load(Organisation, "organisation_id", "organisation"))
def unarchive_organisation(organisation: Organisation):
    """Bring an archived organisation back into the list."""
    return _set_archived(organisation, False)


# --- Contacts --------------------------------------------------------------------------------


def render_contact_form(form, organisation, contact=None, status=200):
    return render_template(
        "directory/contact_form.html", form=form, organisation=organisation, contact=contact
    ), status


def _contact_changed(organisation: Organisation, message: str):
    flash(message, "success")
    return redirect(url_for(".show_organisation", organisation_id=organisation.id) + "#contacts")


@blueprint.route("/<id:organisation_id>/contacts/new", methods=["GET", "POST"])
@guard(Action.EDIT_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
def create_contact(organisation: Organisation):
    """Add a contact to an organisation."""
    form = ContactForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            contact = services.add_contact(db, actor(), organisation, form.data)
            db.commit()
        except services.DirectoryError as error:
            db.rollback()
            attach_errors(form, error)
        else:
            return _contact_changed(organisation, f"{contact.name} is added.")
    status = 400 if request.method == "POST" else 200
    return render_contact_form(form, organisation, status=status)


@blueprint.route("/contacts/<id:contact_id>/edit", methods=["GET", "POST"])
@guard(
    Action.EDIT_ORGANISATION,
    load(Contact, "contact_id", "contact", judged_by=lambda contact: contact.organisation),
)
def edit_contact(contact: Contact):
    """Change a contact's details."""
    if request.method != "POST":
        form = ContactForm(data=services.contact_values(contact))
        return render_contact_form(form, contact.organisation, contact)
    form = ContactForm()
    if form.validate():
        db = get_session()
        try:
            changes = services.update_contact(db, actor(), contact, form.data)
            db.commit()
        except services.DirectoryError as error:
            db.rollback()
            attach_errors(form, error)
        else:
            message = f"{contact.name} is updated." if changes else "Nothing was changed."
            return _contact_changed(contact.organisation, message)
    return render_contact_form(form, contact.organisation, contact, status=400)


def _set_contact_archived(contact: Contact, archived: bool):
    db = get_session()
    changed = services.set_contact_archived(db, actor(), contact, archived)
    db.commit()
    message = f"{contact.name} is {'archived' if archived else 'back among the contacts'}."
    if not changed:
        message = "Nothing was changed."
    return _contact_changed(contact.organisation, message)


@blueprint.route("/contacts/<id:contact_id>/archive", methods=["POST"])
@guard(Action.ARCHIVE_DIRECTORY, load(Contact, "contact_id", "contact"))
def archive_contact(contact: Contact):
    """Archive a contact (kept for history, listed apart)."""
    return _set_contact_archived(contact, True)


@blueprint.route("/contacts/<id:contact_id>/unarchive", methods=["POST"])
@guard(Action.ARCHIVE_DIRECTORY, load(Contact, "contact_id", "contact"))
def unarchive_contact(contact: Contact):
    """Bring an archived contact back."""
    return _set_contact_archived(contact, False)


# The CSV import and export routes live in their own module, on this blueprint.
from . import csv_views  # noqa: E402, F401
