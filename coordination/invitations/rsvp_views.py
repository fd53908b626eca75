"""Answering pages: the focal point's link, the answer page, delegates and more seats.

The link (GET /rsvp/<token>) is exchanged for a grant in the browser session and redirects
to the answer page, so the token leaves the address bar after the first visit.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..db import get_session
from ..models import Invitation, InvitationStatus
from ..permissions import Action, can, guard, load, public
from ..principal import LINK_GRANTS_KEY, current_principal
from . import delegates as delegate_services
from . import rsvp
from .links import find_by_link
from .rsvp import STALE_MESSAGE
from .rsvp_forms import AnswerForm, DelegateForm, SeatRequestForm
from .views import blueprint


def _no_referrer(response):
    # The token is in this address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_gone():
    # 410 whether the token never existed, was replaced, expired or was withdrawn: a guesser
    # learns nothing, and the holder of an old link learns only that it stopped working.
    return _no_referrer(
        current_app.make_response((render_template("invitations/rsvp/link_invalid.html"), 410))
    )


@blueprint.route("/rsvp/<token>")
@public
def open_link(token: str):
    """Exchange a valid link for a grant in this browser session, then show the answer page."""
    invitation = find_by_link(get_session(), token)
    if invitation is None:
        return _link_gone()
    grants = dict(session.get(LINK_GRANTS_KEY) or {})
    grants[str(invitation.id)] = invitation.token_hash
    session[LINK_GRANTS_KEY] = grants
    response = redirect(url_for(".answer", invitation_id=invitation.id), code=303)
    return _no_referrer(response)


def explain_stale_link(view):
    """A browser whose link was revoked or expired is told so, rather than asked to sign in."""

    @wraps(view)
    def wrapper(**view_args):
        grants = session.get(LINK_GRANTS_KEY) or {}
        key = str(view_args.get("invitation_id"))
        if not current_user.is_authenticated and key in grants:
            invitation = get_session().get(Invitation, view_args["invitation_id"])
            if invitation is None or not can(
                current_principal(), Action.ANSWER_INVITATION, invitation
            ):
                return _link_gone()
        return view(**view_args)

    return wrapper


def answerer_of(invitation: Invitation) -> rsvp.Answerer:
    return rsvp.answerer_for(current_principal(), invitation)


def attach_error(form, error: rsvp.RsvpError) -> str | None:
    """Put the message beside its field; answer it when it belongs to none."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        return str(error)
    field.errors = [*field.errors, str(error)]
    return None


def render_answer(
    invitation_id: int,
    *,
    answer_form: AnswerForm | None = None,
    delegate_form: DelegateForm | None = None,
    seat_form: SeatRequestForm | None = None,
    problem: str | None = None,
    problem_at: str = "",
):
    """The answer page, with the forms as posted (and their errors) when a POST failed."""
    db = get_session()
    invitation = rsvp.load_for_page(db, invitation_id)
    answerer = answerer_of(invitation)
    if answer_form is None:
        answer_form = AnswerForm(formdata=None)
        if invitation.status in rsvp.ANSWERS:
            answer_form.answer.data = invitation.status.value
    code = 400 if request.method == "POST" else 200
    return render_template(
        "invitations/rsvp/answer.html",
        invitation=invitation,
        convening=invitation.convening,
        organisation=invitation.organisation,
        delegates=invitation.active_delegates,
        answerer=answerer,
        closed=rsvp.closed_reason(invitation, answerer),
        late=rsvp.past_deadline(invitation),
        may_name=invitation.status in rsvp.NAMING_STATUSES,
        answer_form=answer_form,
        delegate_form=delegate_form or DelegateForm(formdata=None),
        seat_form=seat_form or SeatRequestForm(formdata=None),
        problem=problem,
        problem_at=problem_at,
    ), code


guarded = guard(Action.ANSWER_INVITATION, load(Invitation, "invitation_id", "invitation"))


@blueprint.route("/rsvp/invitations/<id:invitation_id>", methods=["GET", "POST"])
@explain_stale_link
@guarded
def answer(invitation: Invitation):
    """The organisation's answer page: accept, answer tentatively or decline."""
    if request.method == "GET":
        return render_answer(invitation.id)
    form = AnswerForm()
    invitation_id = invitation.id
    if not form.validate_on_submit():
        return render_answer(invitation_id, answer_form=form, problem_at="answer")
    db = get_session()
    try:
        changed = rsvp.answer(
            db,
            invitation,
            form.status(),
            answerer_of(invitation),
            confirmed=bool(form.confirm.data),
        )
        db.commit()
    except rsvp.DeclineNeedsConfirmation as needed:
        db.rollback()
        return render_template(
            "invitations/rsvp/confirm_decline.html",
            invitation=invitation,
            convening=invitation.convening,
            message=str(needed),
        )
    except StaleDataError:
        db.rollback()
        return render_answer(invitation_id, problem=STALE_MESSAGE, problem_at="answer")
    except rsvp.RsvpError as error:
        db.rollback()
        return render_answer(
            invitation_id, answer_form=form, problem=attach_error(form, error), problem_at="answer"
        )
    status = InvitationStatus(form.answer.data)
    if not changed:
        flash(f"The answer was already: {status.label.lower()}. Nothing was changed.", "info")
    elif status == InvitationStatus.DECLINED:
        flash("Thank you: the invitation is declined.", "success")
    elif status == InvitationStatus.TENTATIVE:
        flash("Thank you: your tentative answer is recorded.", "success")
    else:
        flash("Thank you: the invitation is accepted. Name your delegates below.", "success")
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
    db = get_session()
    try:
        delegate = delegate_services.add(db, invitation, form.to_input(), answerer_of(invitation))
        name, email = delegate.name, delegate.email
        db.commit()
    except StaleDataError:
        db.rollback()
        return render_answer(invitation_id, problem=STALE_MESSAGE, problem_at="delegate")
    except rsvp.RsvpError as error:
        db.rollback()
        problem = attach_error(form, error)
        return render_answer(
            invitation_id, delegate_form=form, problem=problem, problem_at="delegate"
        )
    flash(f"{name} is named as a delegate; their confirmation is on its way to {email}.", "success")
    return redirect(url_for(".answer", invitation_id=invitation_id), code=303)


def _delegate_or_gone(invitation: Invitation, delegate_id: int):
    delegate = delegate_services.find(invitation, delegate_id)
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
        return redirect(url_for(".answer", invitation_id=invitation_id), code=303)
    answerer = answerer_of(invitation)
    closed = rsvp.closed_reason(invitation, answerer)
    form = DelegateForm()
    if request.method == "GET":
        form.fill_from(delegate)
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        db = get_session()
        try:
            changed = delegate_services.update(db, invitation, delegate, form.to_input(), answerer)
            name = delegate.name
            db.commit()
        except StaleDataError:
            db.rollback()
            problem = STALE_MESSAGE
        except rsvp.RsvpError as error:
            db.rollback()
            problem = attach_error(form, error)
        else:
            if changed:
                flash(f"{name}'s details are saved.", "success")
            else:
                flash("Nothing was changed.", "info")
            return redirect(url_for(".answer", invitation_id=invitation_id), code=303)
    code = 400 if request.method == "POST" else 200
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
        return redirect(url_for(".answer", invitation_id=invitation_id), code=303)
    name = delegate.name
    db = get_session()
    try:
        delegate_services.cancel(db, invitation, delegate, answerer_of(invitation))
        db.commit()
    except StaleDataError:
        db.rollback()
        return render_answer(invitation_id, problem=STALE_MESSAGE, problem_at="delegates")
    except rsvp.RsvpError as error:
        db.rollback()
        return render_answer(invitation_id, problem=str(error), problem_at="delegates")
    flash(f"{name} is no longer a delegate and has been told so.", "success")
    return redirect(url_for(".answer", invitation_id=invitation_id), code=303)


# Asking for more seats and the organisers' decision, on the same blueprint.
from . import seat_views  # noqa: E402, F401
