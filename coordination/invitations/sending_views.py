"""Organisers' actions that email invitees: send, remind, withdraw, new links, change notices.

Each action is one transaction; its emails share a batch whose delivery the progress page shows.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from ..db import get_session
from ..models import Convening, Invitation
from ..permissions import Action, guard
from . import batches, notify, sending, withdrawal
from .manage import InvitationError
from .manage_forms import TickedForm
from .manage_views import CONVENING, INVITATION, actor, render_manage
from .views import blueprint

BATCH = "/convenings/<id:convening_id>/invitations/batches/<string(length=16):batch>"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _after(convening_id: int, outcome: batches.Outcome, done: str):
    """Say what happened and show the delivery of the emails queued, if any."""
    parts = [done]
    if outcome.skipped:
        parts.append(f"Left alone: {', '.join(outcome.skipped)}.")
    if outcome.unreachable:
        parts.append(f"No email address to tell: {', '.join(outcome.unreachable)}.")
    flash(" ".join(parts), "success")
    if outcome.batch and outcome.emails:
        return redirect(url_for(".batch_progress", convening_id=convening_id, batch=outcome.batch))
    return redirect(url_for(".manage", convening_id=convening_id))


def _bulk(convening: Convening, action, describe, needs_choice: str | None = None):
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
    session = get_session()
    convening_id = convening.id
    try:
        outcome = action(session, actor(), convening, ids)
        session.commit()
    except batches.SendError as error:
        session.rollback()
        if error.problems:
            return render_manage(convening, error.message, error.problems, 400)
        flash(error.message, "error")
        return redirect(url_for(".manage", convening_id=convening_id))
    return _after(convening_id, outcome, describe(outcome))


@blueprint.route("/convenings/<id:convening_id>/invitations/send", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def send(convening: Convening):
    """Send the ticked drafts, or every draft: a new link and a calendar invitation each."""
    return _bulk(
        convening,
        sending.send_invitations,
        lambda outcome: f"{_plural(len(outcome.done), 'invitation')} sent.",
    )


@blueprint.route("/convenings/<id:convening_id>/invitations/remind", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def remind(convening: Convening):
    """Remind the ticked invitees who have not answered, or all of them."""
    return _bulk(
        convening,
        sending.remind,
        lambda outcome: f"{_plural(len(outcome.done), 'reminder')} sent, each with a new link.",
    )


@blueprint.route("/convenings/<id:convening_id>/invitations/withdraw", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def withdraw(convening: Convening):
    """Withdraw the ticked invitations (never all at once without ticking)."""
    return _bulk(
        convening,
        withdrawal.withdraw,
        lambda outcome: f"{_plural(len(outcome.done), 'invitation')} withdrawn.",
        needs_choice="Tick the invitations to withdraw.",
    )


def _one(invitation: Invitation, act, done: str):
    session = get_session()
    invitation_id, convening_id = invitation.id, invitation.convening_id
    try:
        outcome = act(session)
        session.commit()
    except batches.SendError as error:
        session.rollback()
        flash(" ".join([error.message, *error.problems]), "error")
    except InvitationError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        if outcome is not None:
            return _after(convening_id, outcome, done)
        flash(done, "success")
    return redirect(url_for(".edit_invitation", invitation_id=invitation_id))


@blueprint.route("/invitations/<id:invitation_id>/withdraw", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def withdraw_invitation(invitation: Invitation):
    """Withdraw one invitation: its link stops working and its calendar event is cancelled."""
    return _one(
        invitation,
        lambda session: withdrawal.withdraw(
            session, actor(), invitation.convening, [invitation.id]
        ),
        f"The invitation of {invitation.organisation.name} is withdrawn.",
    )


@blueprint.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def resend(invitation: Invitation):
    """Email the invitation again with a new link; the earlier link stops working."""
    return _one(
        invitation,
        lambda session: sending.resend(session, actor(), invitation),
        f"The invitation of {invitation.organisation.name} is sent again with a new link.",
    )


@blueprint.route("/invitations/<id:invitation_id>/revoke-link", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def revoke_link(invitation: Invitation):
    """Stop the invitation's link working, without sending anything."""
    return _one(
        invitation,
        lambda session: sending.revoke(session, actor(), invitation),
        "The link no longer works. Issue a new one when the focal point needs it.",
    )


@blueprint.route("/invitations/<id:invitation_id>/reissue-link", methods=["POST"])
@guard(Action.EDIT_CONVENING, INVITATION)
def reissue_link(invitation: Invitation):
    """Issue a new link and email it to the focal point."""
    return _one(
        invitation,
        lambda session: sending.resend(session, actor(), invitation, reason="reissue"),
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


# --- Change notifications ----------------------------------------------------------------------


def _based_on(raw: str | None) -> int | None:
    """The calendar sequence the notice page showed; -1 (never current) when it is garbled."""
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


@blueprint.route("/convenings/<id:convening_id>/invitations/notify", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def notify_change(convening: Convening):
    """Tell everyone invited that the time, place or status changed (updated calendar event)."""
    session = get_session()
    if request.method == "POST":
        convening_id = convening.id
        try:
            outcome = notify.notify_change(
                session, actor(), convening, based_on=_based_on(request.form.get("based_on"))
            )
            session.commit()
        except batches.SendError as error:
            session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".notify_change", convening_id=convening_id))
        return _after(convening_id, outcome, f"{_plural(outcome.emails, 'email')} on their way.")
    problem = None
    try:
        notify.check_can_notify(convening)
    except batches.SendError as error:
        problem = error.message
    return render_template(
        "invitations/manage/notify.html",
        convening=convening,
        changes=notify.pending_changes(session, convening),
        audience=notify.audience(session, convening),
        problem=problem,
    )
