"""The team's actions that email invitees: send, remind, withdraw, new links; their progress.

Each action is one transaction; its emails share a batch whose delivery the progress page shows.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for

from ...db import get_session
from ...models import Convening, Invitation
from ...permissions import Action, guard
from ...principal import current_principal
from ...view_helpers import run_service
from ..blueprint import blueprint
from . import batches, sending, withdrawal
from .forms import TickedForm
from .view_helpers import CONVENING, INVITATION, after_action, plural, refusal_parts, render_manage

BATCH = "/convenings/<id:convening_id>/invitations/batches/<string(length=16):batch>"


def _bulk(convening: Convening, action, describe, needs_choice: str | None = None):
    """Run ``action`` on the ticked invitations (or every one it fits) and say what it did."""
    ticked = TickedForm()
    if not ticked.validate():
        problem = " ".join(ticked.invitation.errors) or "Reload the page and try again."
        return render_manage(convening, problem, (), 400)
    ids = ticked.chosen()
    if needs_choice and not ids:
        flash(needs_choice, "error")
        return redirect(url_for(".manage", convening_id=convening.id))
    if ids == []:
        flash("Tick at least one invitation, or use the button that acts on all of them.", "error")
        return redirect(url_for(".manage", convening_id=convening.id))
    convening_id = convening.id
    outcome = run_service(lambda session: action(session, current_principal(), convening, ids))
    if outcome.ok:
        return after_action(convening_id, outcome.result, describe(outcome.result))
    problem, problems = refusal_parts(outcome.error)
    if problems:
        return render_manage(convening, problem, problems, outcome.status)
    flash(problem or outcome.problem, "error")
    return redirect(url_for(".manage", convening_id=convening_id))


@blueprint.route("/convenings/<id:convening_id>/invitations/send", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def send(convening: Convening):
    """Send the ticked drafts, or every draft: a new link and a calendar invitation each."""
    return _bulk(
        convening,
        sending.send_invitations,
        lambda outcome: f"{plural(len(outcome.done), 'invitation')} sent.",
    )


@blueprint.route("/convenings/<id:convening_id>/invitations/remind", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def remind(convening: Convening):
    """Remind the ticked invitees who have not answered, or all of them."""
    return _bulk(
        convening,
        sending.remind,
        lambda outcome: f"{plural(len(outcome.done), 'reminder')} sent, each with a new link.",
    )


@blueprint.route("/convenings/<id:convening_id>/invitations/withdraw", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def withdraw(convening: Convening):
    """Withdraw the ticked invitations (never all at once without ticking)."""
    return _bulk(
        convening,
        withdrawal.withdraw,
        lambda outcome: f"{plural(len(outcome.done), 'invitation')} withdrawn.",
        needs_choice="Tick the invitations to withdraw.",
    )


def _one(invitation: Invitation, act, done: str):
    """Run ``act(session, principal)`` on one invitation and return to its page."""
    invitation_id, convening_id = invitation.id, invitation.convening_id
    outcome = run_service(lambda session: act(session, current_principal()), flash_refusal=True)
    if outcome.ok:
        if outcome.result is not None:
            return after_action(convening_id, outcome.result, done)
        flash(done, "success")
    return redirect(url_for(".edit_invitation", invitation_id=invitation_id))


@blueprint.route("/invitations/<id:invitation_id>/withdraw", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def withdraw_invitation(invitation: Invitation):
    """Withdraw one invitation: its link stops working and its calendar event is cancelled."""
    return _one(
        invitation,
        lambda session, principal: withdrawal.withdraw(
            session, principal, invitation.convening, [invitation.id]
        ),
        f"The invitation of {invitation.organisation.name} is withdrawn.",
    )


@blueprint.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def resend(invitation: Invitation):
    """Email the invitation again with a new link; the earlier link stops working."""
    return _one(
        invitation,
        lambda session, principal: sending.resend(session, principal, invitation),
        f"The invitation of {invitation.organisation.name} is sent again with a new link.",
    )


@blueprint.route("/invitations/<id:invitation_id>/revoke-link", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def revoke_link(invitation: Invitation):
    """Stop the invitation's link working, without sending anything."""
    return _one(
        invitation,
        lambda session, principal: sending.revoke(session, principal, invitation),
        "The link no longer works. Issue a new one when the focal point needs it.",
    )


@blueprint.route("/invitations/<id:invitation_id>/reissue-link", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def reissue_link(invitation: Invitation):
    """Issue a new link and email it to the focal point."""
    return _one(
        invitation,
        lambda session, principal: sending.resend(session, principal, invitation, "reissue"),
        f"A new link is on its way to the focal point of {invitation.organisation.name}.",
    )


# --- Progress ----------------------------------------------------------------------------------


def _progress(convening: Convening, batch: str) -> batches.Progress:
    if not all(character in "0123456789abcdef" for character in batch):
        abort(404)
    return batches.batch_progress(get_session(), convening, batch)


@blueprint.route(BATCH)
@guard(Action.EDIT_CONVENING, CONVENING)
def batch_progress(convening: Convening, batch: str):
    """How many of a batch's emails were delivered; reloads itself until all are done."""
    progress = _progress(convening, batch)
    page = render_template(
        "invitations/manage/batch.html", convening=convening, batch=batch, progress=progress
    )
    # Reload without JavaScript while emails are still waiting (same as a meta refresh).
    return (page, {"Refresh": "2"}) if not progress.finished else page


@blueprint.route(f"{BATCH}.json")
@guard(Action.EDIT_CONVENING, CONVENING)
def batch_progress_json(convening: Convening, batch: str):
    """The batch's delivery counts, for scripts."""
    return jsonify({"batch": batch, **_progress(convening, batch).as_dict()})
