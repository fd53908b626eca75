"""Asking the organisers for more seats, and their decision."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for

from ...models import Invitation
from ...permissions import Action, guard, load
from ...principal import current_principal
from ...view_helpers import run_service
from ..blueprint import blueprint
from . import seats
from .forms import SeatDecisionForm, SeatRequestForm
from .view_helpers import explain_stale_link, guarded, render_answer, render_refused


@blueprint.route("/rsvp/invitations/<id:invitation_id>/seats", methods=["POST"])
@explain_stale_link
@guarded
def request_seats(invitation: Invitation):
    """Ask the organisers for more seats."""
    form = SeatRequestForm()
    invitation_id = invitation.id
    if not form.validate_on_submit():
        return render_answer(invitation_id, seat_form=form, problem_at="seats")
    outcome = run_service(
        lambda db: seats.request_seats(
            db, current_principal(), invitation, form.seats.data, form.reason.data
        ),
        form,
    )
    if not outcome.ok:
        return render_refused(invitation_id, outcome, "seats", seat_form=form)
    flash("Your request is sent to the organisers; you will hear from them by email.", "success")
    return redirect(url_for(".answer", invitation_id=invitation_id), code=303)


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@blueprint.route("/invitations/<id:invitation_id>/seats", methods=["POST"])
@guard(
    Action.EDIT_CONVENING,
    load(Invitation, "invitation_id", "invitation", judged_by=lambda i: i.convening),
)
def decide_seats(invitation: Invitation):
    """Approve (raising the quota) or refuse a request for more seats; the focal point is told."""
    form = SeatDecisionForm()
    approve = form.approve() if form.validate_on_submit() else None
    invitation_id, convening_id = invitation.id, invitation.convening_id
    if "invitations.board" in current_app.view_functions:
        back = url_for(".board", convening_id=convening_id)
    else:
        back = url_for(".answer", invitation_id=invitation_id)
    back = _safe_next(form.next.data) or back
    if approve is None:
        abort(400)
    version = form.expected_version()
    outcome = run_service(
        lambda db: seats.decide_seats(
            db, current_principal(), invitation, approve, version=version
        ),
        flash_refusal=True,
    )
    if outcome.ok:
        flash("The request is approved." if approve else "The request is refused.", "success")
    return redirect(back, code=303)
