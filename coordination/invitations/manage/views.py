"""The team's pages for a convening's invitations: the list, inviting, editing one.

Sending, reminders, withdrawals and their progress are in ``sending_views``, change
notifications in ``notify_views``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...db import get_session
from ...directory import queries as directory_queries
from ...directory import rules
from ...form_fields import grouped_options, options
from ...models import Convening, Invitation, OrganisationKind
from ...permissions import Action, guard
from ...principal import current_principal
from ...view_helpers import run_service
from .. import links
from ..blueprint import blueprint
from . import editing, inviting, queries
from .forms import (
    BulkFilterForm,
    BulkInviteForm,
    InvitationForm,
    InviteForm,
    NewOrganisationInviteForm,
)
from .view_helpers import CONVENING, INVITATION, render_manage, status_code


@blueprint.route("/convenings/<id:convening_id>/invitations")
@guard(Action.EDIT_CONVENING, CONVENING)
def manage(convening: Convening):
    """The convening's invitations, with bulk actions."""
    return render_manage(convening)


# --- Inviting ----------------------------------------------------------------------------------


def _prepare_invite(form: InviteForm, convening: Convening) -> bool:
    organisations = queries.invitable_organisations(get_session(), convening)
    form.organisation_id.choices = options(
        [("", "Choose an organisation")] + [(str(o.id), o.name) for o in organisations]
    )
    form.focal_point_id.choices = grouped_options(
        ("", "Choose later"),
        [
            (str(contact_id), label, group)
            for contact_id, label, group in queries.contact_choices(organisations)
        ],
    )
    return bool(organisations)


@blueprint.route("/convenings/<id:convening_id>/invitations/new", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def invite(convening: Convening):
    """Invite one organisation from the directory, as a draft."""
    form = InviteForm()
    any_left = _prepare_invite(form, convening)
    problem = None
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: inviting.invite_organisation(
                session,
                current_principal(),
                convening,
                organisation_id=form.organisation_id.data,
                seat_quota=form.seat_quota.data,
                focal_point_id=form.focal_point_id.data,
                note=form.note.data or "",
            ),
            form,
        )
        if outcome.ok:
            name = outcome.result.organisation.name
            flash(f"{name} is invited as a draft: nothing is sent until you send it.", "success")
            return redirect(url_for(".manage", convening_id=convening_id))
        problem = outcome.problem
    return render_template(
        "invitations/manage/invite.html",
        convening=convening,
        form=form,
        problem=problem,
        any_left=any_left,
    ), status_code()


def _criteria(kind: str | None, sector: str | None, country: str | None) -> queries.Criteria:
    """Filters as asked for; values that mean nothing are ignored."""
    try:
        country_code = rules.clean_country(country)
    except rules.InvalidValue:
        country_code = None
    return queries.Criteria(
        kind=OrganisationKind(kind) if kind in OrganisationKind._value2member_map_ else None,
        sector=(sector or "").strip()[: rules.SECTOR_MAX],
        country=country_code,
    )


@blueprint.route("/convenings/<id:convening_id>/invitations/bulk", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def invite_bulk(convening: Convening):
    """Invite every organisation of a kind, sector or country that is not invited yet."""
    session = get_session()
    confirm = BulkInviteForm()
    source = request.form if request.method == "POST" else request.args
    filters = BulkFilterForm(formdata=source)
    filters.sector.choices = options(
        [("", "Any sector")] + [(s, s) for s in directory_queries.sector_options(session)]
    )
    filters.country.choices = options(
        [("", "Any country"), *directory_queries.country_options(session)]
    )
    criteria = _criteria(filters.kind.data, filters.sector.data, filters.country.data)
    problem = None
    if request.method == "POST" and confirm.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: inviting.invite_matching(
                session, current_principal(), convening, criteria, confirm.seat_quota.data
            ),
            confirm,
        )
        if outcome.ok:
            flash(
                f"{len(outcome.result)} organisations are invited as drafts: "
                "nothing is sent until you send them.",
                "success",
            )
            return redirect(url_for(".manage", convening_id=convening_id, status="draft"))
        problem = outcome.problem
    for name in ("kind", "sector", "country"):
        confirm[name].data = filters[name].data or ""
    match = None
    if not criteria.is_empty:
        match = queries.match_organisations(session, convening, criteria)
    return render_template(
        "invitations/manage/bulk.html",
        convening=convening,
        filters=filters,
        form=confirm,
        match=match,
        first_contact=inviting.first_contact,
        problem=problem,
    ), status_code()


@blueprint.route(
    "/convenings/<id:convening_id>/invitations/new-organisation", methods=["GET", "POST"]
)
@guard(Action.EDIT_CONVENING, CONVENING)
def invite_new_organisation(convening: Convening):
    """Add an organisation and its focal point to the directory and invite it."""
    form = NewOrganisationInviteForm()
    problem = None
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: inviting.invite_new_organisation(
                session,
                current_principal(),
                convening,
                organisation=form.organisation_values(),
                contact=form.contact_values(),
                seat_quota=form.seat_quota.data,
                note=form.note.data or "",
            ),
            form,
        )
        if outcome.ok:
            name = outcome.result.organisation.name
            flash(f"{name} is added to the directory and invited as a draft.", "success")
            return redirect(url_for(".manage", convening_id=convening_id))
        problem = outcome.problem
    return render_template(
        "invitations/manage/new_organisation.html",
        convening=convening,
        form=form,
        problem=problem,
    ), status_code()


# --- One invitation ----------------------------------------------------------------------------


def _updated_message(name: str, updated: editing.Updated) -> str:
    if not updated.changes:
        return "Nothing was changed."
    parts = [f"The invitation of {name} is updated."]
    if updated.outcome is not None:
        parts.append(
            "The previous focal point's link no longer works; a new link is on its way to "
            "the new focal point."
        )
    elif updated.link_not_sent:
        parts.append(
            "The previous focal point's link no longer works. No new link was sent: "
            + updated.link_not_sent
        )
    return " ".join(parts)


def render_invitation(invitation: Invitation, form: InvitationForm, problem=None, code=None):
    contacts = [c for c in invitation.organisation.contacts if not c.is_archived]
    current = invitation.focal_point
    if current is not None and current not in contacts:
        contacts.append(current)
    form.focal_point_id.choices = options(
        [("", "None yet")] + [(str(c.id), queries.contact_label(c)) for c in contacts]
    )
    return render_template(
        "invitations/manage/invitation.html",
        convening=invitation.convening,
        invitation=invitation,
        link_expires_at=links.expires_at(invitation),
        form=form,
        problem=problem,
    ), (code or status_code())


@blueprint.route("/invitations/<id:invitation_id>/edit", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def edit_invitation(invitation: Invitation):
    """One invitation: its details, seats, focal point and note, and what can be done with it."""
    if request.method != "POST":
        form = InvitationForm(
            data={
                "seat_quota": invitation.seat_quota,
                "focal_point_id": str(invitation.focal_point_id or ""),
                "note": invitation.note,
                "version": str(invitation.version),
            }
        )
        return render_invitation(invitation, form)
    form = InvitationForm()
    problem, code = None, 400
    if form.validate():
        invitation_id, name = invitation.id, invitation.organisation.name
        outcome = run_service(
            lambda session: editing.update_invitation(
                session,
                current_principal(),
                invitation,
                seat_quota=form.seat_quota.data,
                focal_point_id=form.focal_point_id.data,
                note=form.note.data or "",
                expected_version=form.expected_version(),
            ),
            form,
        )
        if outcome.ok:
            flash(_updated_message(name, outcome.result), "success")
            return redirect(url_for(".edit_invitation", invitation_id=invitation_id))
        problem, code = outcome.problem, outcome.status
    return render_invitation(invitation, form, problem, code)
