"""Naming, changing and removing the organisation's delegates from the answer page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...models import Invitation
from ...principal import current_principal
from ...view_helpers import run_service
from ..blueprint import blueprint
from . import answers, delegates
from .forms import DelegateForm
from .view_helpers import answerer_of, explain_stale_link, guarded, render_answer, render_refused


def _back(invitation_id: int):
    return redirect(url_for(".answer", invitation_id=invitation_id), code=303)


@blueprint.route("/rsvp/invitations/<id:invitation_id>/delegates", methods=["POST"])
@explain_stale_link
@guarded
def add_delegate(invitation: Invitation):
    """Name a delegate, within the seat quota."""
    form = DelegateForm()
    invitation_id = invitation.id
    if not form.validate_on_submit():
        return render_answer(invitation_id, delegate_form=form, problem_at="delegate")
    outcome = run_service(
        lambda db: delegates.add(db, current_principal(), invitation, form.to_input()), form
    )
    if not outcome.ok:
        return render_refused(invitation_id, outcome, "delegate", delegate_form=form)
    named = outcome.result
    flash(
        f"{named.name} is named as a delegate; their confirmation is on its way to {named.email}.",
        "success",
    )
    return _back(invitation_id)


def _delegate_or_gone(invitation: Invitation, delegate_id: int):
    delegate = delegates.find(invitation, delegate_id)
    if delegate is None:
        flash("That delegate is no longer named.", "info")
    return delegate


@blueprint.route(
    "/rsvp/invitations/<id:invitation_id>/delegates/<id:delegate_id>", methods=["GET", "POST"]
)
@explain_stale_link
@guarded
def edit_delegate(invitation: Invitation, delegate_id: int):
    """Change a delegate's details."""
    invitation_id = invitation.id
    delegate = _delegate_or_gone(invitation, delegate_id)
    if delegate is None:
        return _back(invitation_id)
    answerer = answerer_of(invitation)
    closed = answers.closed_reason(invitation, answerer)
    form = DelegateForm()
    if request.method == "GET":
        form.fill_from(delegate)
    problem, code = None, 400 if request.method == "POST" else 200
    if request.method == "POST" and form.validate_on_submit():
        outcome = run_service(
            lambda db: delegates.update(
                db, current_principal(), invitation, delegate, form.to_input()
            ),
            form,
        )
        if outcome.ok:
            if outcome.result:
                flash(f"{delegate.name}'s details are saved.", "success")
            else:
                flash("Nothing was changed.", "info")
            return _back(invitation_id)
        problem, code = outcome.problem, outcome.status
    return render_template(
        "invitations/rsvp/delegate_form.html",
        invitation=invitation,
        convening=invitation.convening,
        delegate=delegate,
        form=form,
        problem=problem,
        closed=closed,
        answerer=answerer,
    ), code


@blueprint.route(
    "/rsvp/invitations/<id:invitation_id>/delegates/<id:delegate_id>/remove",
    methods=["POST"],
)
@explain_stale_link
@guarded
def remove_delegate(invitation: Invitation, delegate_id: int):
    """Remove a delegate; they receive a calendar cancellation."""
    invitation_id = invitation.id
    delegate = _delegate_or_gone(invitation, delegate_id)
    if delegate is None:
        return _back(invitation_id)
    name = delegate.name
    outcome = run_service(
        lambda db: delegates.cancel(db, current_principal(), invitation, delegate)
    )
    if not outcome.ok:
        return render_refused(invitation_id, outcome, "delegates")
    flash(f"{name} is no longer a delegate and has been told so.", "success")
    return _back(invitation_id)
