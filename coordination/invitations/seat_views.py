"""Routes for asking the organisers for more seats, and for their decision."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from sqlalchemy.orm.exc import StaleDataError

from ..auth import current_actor as actor
from ..db import get_session
from ..models import Invitation
from ..permissions import Action, guard, load
from . import rsvp, seats
from .rsvp import STALE_MESSAGE
from .rsvp_forms import SeatDecisionForm, SeatRequestForm
from .rsvp_views import answerer_of, attach_error, explain_stale_link, guarded, render_answer
from .views import blueprint


@blueprint.route("/rsvp/invitations/<id:invitation_id>/seats", methods=["POST"])
@explain_stale_link
@guarded
def request_seats(invitation: Invitation):
    """Ask the organisers for more seats."""
    form = SeatRequestForm()
    invitation_id = invitation.id
    if not form.validate_on_submit():
        return render_answer(invitation_id, seat_form=form, problem_at="seats")
    db = get_session()
    try:
        seats.request_seats(
            db, invitation, answerer_of(invitation), form.seats.data, form.reason.data
        )
        db.commit()
    except StaleDataError:
        db.rollback()
        return render_answer(invitation_id, problem=STALE_MESSAGE, problem_at="seats")
    except rsvp.RsvpError as error:
        db.rollback()
        problem = attach_error(form, error)
        return render_answer(invitation_id, seat_form=form, problem=problem, problem_at="seats")
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
    db = get_session()
    try:
        seats.decide_seats(db, actor(), invitation, approve, version=form.expected_version())
        db.commit()
    except StaleDataError:
        db.rollback()
        flash(STALE_MESSAGE, "error")
    except rsvp.RsvpError as error:
        db.rollback()
        flash(str(error), "error")
    else:
        flash("The request is approved." if approve else "The request is refused.", "success")
    return redirect(back, code=303)
