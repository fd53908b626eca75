"""The answering link and the answer page: accept, answer tentatively or decline.

The link (GET /rsvp/<token>) is exchanged for a grant in the browser session and redirects
to the answer page, so the token leaves the address bar after the first visit.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from ...db import get_session
from ...models import Invitation, InvitationStatus
from ...permissions import public
from ...principal import LINK_GRANTS_KEY, current_principal
from ...view_helpers import run_service
from .. import links
from ..blueprint import blueprint
from . import answers
from .forms import AnswerForm
from .view_helpers import (
    explain_stale_link,
    guarded,
    link_gone,
    no_referrer,
    render_answer,
    render_refused,
)


@blueprint.route("/rsvp/<token>")
@public
def open_link(token: str):
    """Exchange a valid link for a grant in this browser session, then show the answer page."""
    invitation = links.find_by_link(get_session(), token)
    if invitation is None:
        return link_gone()
    grants = dict(session.get(LINK_GRANTS_KEY) or {})
    grants[str(invitation.id)] = invitation.token_hash
    session[LINK_GRANTS_KEY] = grants
    response = redirect(url_for(".answer", invitation_id=invitation.id), code=303)
    return no_referrer(response)


def _thanks(status: InvitationStatus, changed: bool) -> None:
    if not changed:
        flash(f"The answer was already: {status.label.lower()}. Nothing was changed.", "info")
    elif status == InvitationStatus.DECLINED:
        flash("Thank you: the invitation is declined.", "success")
    elif status == InvitationStatus.TENTATIVE:
        flash("Thank you: your tentative answer is recorded.", "success")
    else:
        flash("Thank you: the invitation is accepted. Name your delegates below.", "success")


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
    status = form.status()
    outcome = run_service(
        lambda db: answers.answer(
            db, current_principal(), invitation, status, confirmed=bool(form.confirm.data)
        ),
        form,
    )
    if isinstance(outcome.error, answers.DeclineNeedsConfirmation):
        return render_template(
            "invitations/rsvp/confirm_decline.html",
            invitation=invitation,
            convening=invitation.convening,
            message=str(outcome.error),
        )
    if not outcome.ok:
        return render_refused(invitation_id, outcome, "answer", answer_form=form)
    _thanks(status, outcome.result)
    return redirect(url_for(".answer", invitation_id=invitation_id), code=303)
