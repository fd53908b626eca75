"""Views of the directory: organisations and their contacts."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from ..db import get_session
from ..form_fields import options, parse_version
from ..models import Contact, Organisation
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import queries, rules, services
from .blueprint import blueprint, read_filters
from .forms import ContactForm, OrganisationForm


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
    form_error, status = None, 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.create_organisation(session, current_principal(), form.data),
            form,
        )
        if outcome.ok:
            organisation = outcome.result
            flash(f"{organisation.name} is added to the directory.", "success")
            return redirect(url_for(".show_organisation", organisation_id=organisation.id))
        form_error, status = outcome.problem, outcome.status
    return render_organisation_form(form, form_error=form_error, status=status)


@blueprint.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
@guard(Action.EDIT_ORGANISATION, load(Organisation, "organisation_id", "organisation"))
def edit_organisation(organisation: Organisation):
    """Change an organisation, refusing if someone else changed it meanwhile."""
    if request.method != "POST":
        form = OrganisationForm(data=services.organisation_values(organisation))
        return render_organisation_form(form, organisation)
    form = OrganisationForm()
    form_error, status = None, 400
    if form.validate():
        organisation_id = organisation.id
        outcome = run_service(
            lambda session: services.update_organisation(
                session,
                current_principal(),
                organisation,
                form.data,
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            flash(
                f"{organisation.name} is updated." if outcome.result else "Nothing was changed.",
                "success",
            )
            return redirect(url_for(".show_organisation", organisation_id=organisation_id))
        form_error, status = outcome.problem, outcome.status
    return render_organisation_form(form, organisation, form_error, status)


def _set_archived(organisation: Organisation, archived: bool):
    outcome = run_service(
        lambda session: services.set_organisation_archived(
            session, current_principal(), organisation, archived
        ),
        flash_refusal=True,
    )
    if outcome.result:
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
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.add_contact(
                session, current_principal(), organisation, form.data
            ),
            form,
        )
        if outcome.ok:
            return _contact_changed(organisation, f"{outcome.result.name} is added.")
        status = outcome.status
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
    status = 400
    if form.validate():
        outcome = run_service(
            lambda session: services.update_contact(
                session, current_principal(), contact, form.data
            ),
            form,
        )
        if outcome.ok:
            message = f"{contact.name} is updated." if outcome.result else "Nothing was changed."
            return _contact_changed(contact.organisation, message)
        status = outcome.status
    return render_contact_form(form, contact.organisation, contact, status=status)


def _set_contact_archived(contact: Contact, archived: bool):
    outcome = run_service(
        lambda session: services.set_contact_archived(
            session, current_principal(), contact, archived
        ),
        flash_refusal=True,
    )
    message = f"{contact.name} is {'archived' if archived else 'back among the contacts'}."
    if not outcome.result:
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
