"""Views of the convenings domain: list, detail, create, edit, status, clone, audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..audit_view import describe
from ..db import get_session
from ..form_fields import options, parse_version
from ..invitations.answering.answers import invitation_to_answer
from ..invitations.manage.notify import pending_changes
from ..models import Convening
from ..pagination import page_number
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from ..timezones import zone_names
from ..view_helpers import check_the_rest, run_service
from . import queries, services, validation
from . import status as statuses
from .blueprint import blueprint, per_page
from .forms import CloneForm, ConveningForm, StatusForm
from .presenters import utc_offset
from .team import sorted_team


def _prepare(form: ConveningForm, convening: Convening | None = None) -> None:
    session = get_session()
    form.host_organisation_id.choices = options(
        queries.organisation_choices(session, convening.host_organisation_id if convening else None)
    )
    labels = services.sensitivity_labels(convening.sensitivity if convening else None)
    form.sensitivity.choices = options([("", "Choose a label"), *((tag, tag) for tag in labels)])
    form.series_id.choices = options(queries.series_choices(session))


def _check_the_rest(form: ConveningForm, convening: Convening | None) -> None:
    check_the_rest(form, lambda session: validation.resolve(session, form.to_input(), convening))


def _render_form(
    form: ConveningForm, convening: Convening | None, problem: str | None, status: int | None = None
):
    code = status or (400 if request.method == "POST" else 200)
    return render_template(
        "convenings/form.html",
        form=form,
        convening=convening,
        problem=problem,
        zones=zone_names(),
    ), code


@blueprint.route("/")
@guard(Action.SIGNED_IN)
def list_convenings():
    """Convenings the viewer may see: upcoming, past, or drafts."""
    principal = current_principal()
    tabs = queries.tabs_for(principal)
    tab = request.args.get("tab", "upcoming")
    if tab not in tabs:
        tab = "upcoming"
    page = queries.list_convenings(
        get_session(), principal, tab, page_number(request.args.get("page")), per_page()
    )
    return render_template(
        "convenings/list.html", page=page, tab=tab, tabs=tabs, tab_labels=queries.TABS
    )


@blueprint.route("/<id:convening_id>")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def show(convening: Convening):
    """A convening's details, in its own time zone."""
    session = get_session()
    convening = queries.load_for_page(session, convening)
    transitions = [
        (target, statuses.transition_label(convening, target))
        for target in statuses.allowed_transitions(convening)
    ]
    return render_template(
        "convenings/show.html",
        convening=convening,
        offset=utc_offset(convening.starts_at, convening.timezone),
        siblings=queries.series_siblings(session, current_principal(), convening),
        team=sorted_team(convening.team),
        transitions=transitions,
        invitation_changes=_invitation_changes(session, convening),
        answer_invitation=invitation_to_answer(session, current_principal(), convening),
    )


def _invitation_changes(session, convening: Convening) -> list:
    """For organisers: changes of time, place or status the people invited were not told of."""
    if not can(current_principal(), Action.EDIT_CONVENING, convening):
        return []
    return pending_changes(session, convening)


@blueprint.route("/new", methods=["GET", "POST"])
@guard(Action.CREATE_CONVENING)
def create():
    """Create a draft convening; its creator becomes an organiser."""
    form = ConveningForm()
    _prepare(form)
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.create_convening(
                session, current_principal(), form.to_input()
            ),
            form,
        )
        if outcome.ok:
            flash("The convening is created as a draft: only its team can see it.", "success")
            return redirect(url_for(".show", convening_id=outcome.result.id))
        return _render_form(form, None, outcome.problem, outcome.status)
    if form.is_submitted():
        _check_the_rest(form, None)
    return _render_form(form, None, None)


@blueprint.route("/<id:convening_id>/edit", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def edit(convening: Convening):
    """Edit a convening; times are entered and shown in its zone."""
    form = ConveningForm()
    _prepare(form, convening)
    if request.method == "GET":
        form.fill_from(services.input_from(convening))
        form.version.data = str(convening.version)
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.update_convening(
                session,
                current_principal(),
                convening,
                form.to_input(),
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            flash("Changes saved." if outcome.result else "Nothing was changed.", "success")
            return redirect(url_for(".show", convening_id=convening_id))
        return _render_form(form, convening, outcome.problem, outcome.status)
    if form.is_submitted():
        _check_the_rest(form, convening)
    return _render_form(form, convening, None)


@blueprint.route("/<id:convening_id>/status", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def change_status(convening: Convening):
    """Publish, conclude, cancel or return a convening to draft."""
    form = StatusForm()
    target = form.target() if form.validate_on_submit() else None
    if target is None:
        abort(400)
    convening_id = convening.id
    outcome = run_service(
        lambda session: statuses.change_status(
            session, current_principal(), convening, target, parse_version(form.version.data)
        ),
        flash_refusal=True,
    )
    if outcome.ok:
        flash(f"The convening is now {target.label.lower()}.", "success")
    return redirect(url_for(".show", convening_id=convening_id))


@blueprint.route("/<id:convening_id>/clone", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def clone(convening: Convening):
    """Copy a convening (fields, series, team) as a draft at new times."""
    form = CloneForm()
    if request.method == "GET":
        form.title.data = convening.title
        form.starts_at.data = convening.local_start.replace(tzinfo=None)
        form.ends_at.data = convening.local_end.replace(tzinfo=None)
    problem, code = None, 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.clone_convening(
                session,
                current_principal(),
                convening,
                title=form.title.data,
                starts_local=form.starts_at.data,
                ends_local=form.ends_at.data,
                rsvp_local=form.rsvp_deadline.data,
                new_series_name=form.new_series_name.data or "",
            ),
            form,
        )
        if outcome.ok:
            flash("The copy is created as a draft. Check its details.", "success")
            return redirect(url_for(".show", convening_id=outcome.result.id))
        problem, code = outcome.problem, outcome.status
    return render_template(
        "convenings/clone.html", form=form, convening=convening, problem=problem
    ), code


@blueprint.route("/<id:convening_id>/audit")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def audit_trail(convening: Convening):
    """Every recorded change to the convening, newest first."""
    page = queries.audit_events(
        get_session(), convening, page_number(request.args.get("page")), per_page()
    )
    rows = [describe(event, convening.timezone) for event in page.items]
    return render_template("convenings/audit.html", convening=convening, page=page, rows=rows)
