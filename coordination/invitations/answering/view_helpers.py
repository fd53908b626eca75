"""What the answering pages share: the rule their routes keep, the answer page, a gone link.

Every answering route is guarded by ``guarded`` and wrapped in ``explain_stale_link``; a
refused change shows the answer page again (``render_answer``) with the forms as posted.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, render_template, request, session
from flask_login import current_user

from ...db import get_session
from ...models import Invitation
from ...permissions import Action, can, guard, load
from ...principal import LINK_GRANTS_KEY, current_principal
from ...service import StaleError
from ...view_helpers import Outcome
from . import answers
from .forms import AnswerForm, DelegateForm, SeatRequestForm

guarded = guard(Action.ANSWER_INVITATION, load(Invitation, "invitation_id", "invitation"))


def no_referrer(response):
    # The token is in this address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def link_gone():
    """The page of a link that does not work (any more)."""
    # 410 whether the token never existed, was replaced, expired or was withdrawn: a guesser
    # learns nothing, and the holder of an old link learns only that it stopped working.
    return no_referrer(
        current_app.make_response((render_template("invitations/rsvp/link_invalid.html"), 410))
    )


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
                return link_gone()
        return view(**view_args)

    return wrapper


def answerer_of(invitation: Invitation) -> answers.Answerer:
    return answers.answerer_for(current_principal(), invitation)


def render_answer(
    invitation_id: int,
    *,
    answer_form: AnswerForm | None = None,
    delegate_form: DelegateForm | None = None,
    seat_form: SeatRequestForm | None = None,
    problem: str | None = None,
    problem_at: str = "",
    code: int | None = None,
):
    """The answer page, with the forms as posted (and their errors) when a POST failed."""
    db = get_session()
    invitation = answers.load_for_page(db, invitation_id)
    answerer = answerer_of(invitation)
    if answer_form is None:
        answer_form = AnswerForm(formdata=None)
        if invitation.status in answers.ANSWERS:
            answer_form.answer.data = invitation.status.value
    if code is None:
        code = 400 if request.method == "POST" else 200
    return render_template(
        "invitations/rsvp/answer.html",
        invitation=invitation,
        convening=invitation.convening,
        organisation=invitation.organisation,
        delegates=invitation.active_delegates,
        answerer=answerer,
        closed=answers.closed_reason(invitation, answerer),
        late=answers.past_deadline(invitation),
        may_name=invitation.status in answers.NAMING_STATUSES,
        answer_form=answer_form,
        delegate_form=delegate_form or DelegateForm(formdata=None),
        seat_form=seat_form or SeatRequestForm(formdata=None),
        problem=problem,
        problem_at=problem_at,
    ), code


def render_refused(invitation_id: int, outcome: Outcome, problem_at: str, **posted):
    """The answer page after a refused change: the posted form (``answer_form=form``...)
    beside the refusal's messages, or the page as it is now when someone changed it meanwhile."""
    if outcome.status == StaleError.status:
        posted = {}
    return render_answer(
        invitation_id, **posted, problem=outcome.problem, problem_at=problem_at, code=outcome.status
    )
