"""Views managing a convening's team: add, change role, remove."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..db import get_session
from ..models import Convening, TeamRole
from ..permissions import Action, guard, load
from ..view_helpers import attach_errors
from . import team as team_services
from .forms import AddMemberForm, RoleForm
from .services import ConveningError
from .views import actor, blueprint


def _render_team(
    convening: Convening,
    form: AddMemberForm | None = None,
    problem: str | None = None,
    row_errors: dict[int, str] | None = None,
):
    status = 400 if request.method == "POST" else 200
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
    problem = None
    if form.validate_on_submit():
        session = get_session()
        convening_id = convening.id
        try:
            membership = team_services.add_member(
                session, actor(), convening, form.email.data, TeamRole(form.role.data)
            )
        except ConveningError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            name, role = membership.user.name, membership.role.label.lower()
            session.commit()
            flash(f"{name} is now {role}.", "success")
            return redirect(url_for(".team", convening_id=convening_id))
    return _render_team(convening, form, problem)


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
    session = get_session()
    convening_id, name = convening.id, membership.user.name
    myself = membership.user_id == actor().id
    try:
        changed = team_services.change_role(
            session, actor(), convening, membership, TeamRole(form.role.data)
        )
    except ConveningError as error:
        session.rollback()
        return _render_team(convening, row_errors={membership_id: str(error)})
    session.commit()
    if changed:
        flash(f"{name} is now {TeamRole(form.role.data).label.lower()}.", "success")
    if changed and myself:
        return redirect(url_for(".show", convening_id=convening_id))
    return redirect(url_for(".team", convening_id=convening_id))


@blueprint.route("/<id:convening_id>/team/<id:membership_id>/remove", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def remove_team_member(convening: Convening, membership_id: int):
    """Take a member off the team."""
    session = get_session()
    membership = team_services.find_member(session, convening, membership_id)
    if membership is None:
        return _gone(convening.id)
    convening_id, name, title = convening.id, membership.user.name, convening.title
    myself = membership.user_id == actor().id
    try:
        team_services.remove_member(session, actor(), convening, membership)
    except ConveningError as error:
        session.rollback()
        return _render_team(convening, row_errors={membership_id: str(error)})
    session.commit()
    if myself:
        flash(f"You are no longer on the team of {title}.", "success")
        return redirect(url_for("core.dashboard"))
    flash(f"{name} is no longer on the team.", "success")
    return redirect(url_for(".team", convening_id=convening_id))
