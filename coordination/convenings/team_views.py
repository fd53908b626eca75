"""Views managing a convening's team: add, change role, remove."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..db import get_session
from ..models import Convening, TeamRole
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import team as team_services
from .blueprint import blueprint
from .forms import AddMemberForm, RoleForm


def _render_team(
    convening: Convening,
    form: AddMemberForm | None = None,
    problem: str | None = None,
    row_errors: dict[int, str] | None = None,
    status: int | None = None,
):
    status = status or (400 if request.method == "POST" else 200)
    return render_template(
        "convenings/team.html",
        convening=convening,
        members=team_services.team_members(get_session(), convening),
        form=form or AddMemberForm(formdata=None),
        roles=TeamRole,
        problem=problem,
        row_errors=row_errors or {},
    ), status


def _gone(convening_id: int):
    # A second click on "Remove", or a stale page: say so rather than show an error page.
    flash("That person is no longer on the team.", "info")
    return redirect(url_for(".team", convening_id=convening_id))


@blueprint.route("/<id:convening_id>/team")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def team(convening: Convening):
    """The team with forms to add, change and remove members."""
    return _render_team(convening)


@blueprint.route("/<id:convening_id>/team/add", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def add_team_member(convening: Convening):
    """Add an account to the team as organiser or coordinator."""
    form = AddMemberForm()
    if not form.validate_on_submit():
        return _render_team(convening, form)
    convening_id = convening.id
    outcome = run_service(
        lambda session: team_services.add_member(
            session, current_principal(), convening, form.email.data, TeamRole(form.role.data)
        ),
        form,
    )
    if outcome.ok:
        membership = outcome.result
        flash(f"{membership.user.name} is now {membership.role.label.lower()}.", "success")
        return redirect(url_for(".team", convening_id=convening_id))
    return _render_team(convening, form, outcome.problem, status=outcome.status)


@blueprint.route("/<id:convening_id>/team/<id:membership_id>/role", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def change_team_role(convening: Convening, membership_id: int):
    """Make a member an organiser or a coordinator."""
    membership = team_services.find_member(get_session(), convening, membership_id)
    if membership is None:
        return _gone(convening.id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _render_team(convening, row_errors={membership.id: "Choose a role."})
    principal = current_principal()
    convening_id, name = convening.id, membership.user.name
    myself = membership.user_id == principal.user.id
    outcome = run_service(
        lambda session: team_services.change_role(
            session, principal, convening, membership, TeamRole(form.role.data)
        )
    )
    if not outcome.ok:
        return _render_team(
            convening, row_errors={membership_id: outcome.problem}, status=outcome.status
        )
    if outcome.result:
        flash(f"{name} is now {TeamRole(form.role.data).label.lower()}.", "success")
    if outcome.result and myself:
        return redirect(url_for(".show", convening_id=convening_id))
    return redirect(url_for(".team", convening_id=convening_id))


@blueprint.route("/<id:convening_id>/team/<id:membership_id>/remove", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def remove_team_member(convening: Convening, membership_id: int):
    """Take a member off the team."""
    membership = team_services.find_member(get_session(), convening, membership_id)
    if membership is None:
        return _gone(convening.id)
    principal = current_principal()
    convening_id, name, title = convening.id, membership.user.name, convening.title
    myself = membership.user_id == principal.user.id
    outcome = run_service(
        lambda session: team_services.remove_member(session, principal, convening, membership)
    )
    if not outcome.ok:
        return _render_team(
            convening, row_errors={membership_id: outcome.problem}, status=outcome.status
        )
    if myself:
        flash(f"You are no longer on the team of {title}.", "success")
        return redirect(url_for("core.dashboard"))
    flash(f"{name} is no longer on the team.", "success")
    return redirect(url_for(".team", convening_id=convening_id))
