"""What the team's invitation pages share: the objects their routes load, the list page, and
what an action that emails invitees says when it is done or refused."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...db import get_session
from ...models import Convening, Invitation, InvitationStatus
from ...permissions import load
from ...service import InputError, StaleError
from . import notify, queries
from .batches import Outcome

CONVENING = load(Convening, "convening_id", "convening")
INVITATION = load(
    Invitation, "invitation_id", "invitation", judged_by=lambda invitation: invitation.convening
)


def status_code() -> int:
    """What a form page answers: 400 when it is shown again after a POST."""
    return 400 if request.method == "POST" else 200


def render_manage(convening: Convening, problem: str | None = None, problems=(), code=200):
    """The invitations page; also re-rendered (400) when a bulk action is refused."""
    session = get_session()
    wanted = request.args.get("status", "")
    status = InvitationStatus(wanted) if wanted in InvitationStatus._value2member_map_ else None
    counts = queries.status_counts(session, convening)
    return render_template(
        "invitations/manage/index.html",
        convening=convening,
        invitations=queries.invitations_for_page(session, convening, status),
        counts=counts,
        total=sum(counts.values()),
        drafts=counts[InvitationStatus.DRAFT],
        waiting=counts[InvitationStatus.SENT],
        status=status,
        statuses=list(InvitationStatus),
        changes=notify.pending_changes(session, convening),
        problem=problem,
        problems=list(problems),
    ), code


def refusal_parts(error: InputError | StaleError) -> tuple[str, list[str]]:
    """A refused action's message, and the invitations that stopped it (one line each)."""
    headline = error.errors.get("", "")
    return headline, [message for key, message in error.errors.items() if key and message]


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def after_action(convening_id: int, outcome: Outcome, done: str):
    """Say what an action did, then show the delivery of the emails it queued, if any."""
    parts = [done]
    if outcome.skipped:
        parts.append(f"Left alone: {', '.join(outcome.skipped)}.")
    if outcome.unreachable:
        parts.append(f"No email address to tell: {', '.join(outcome.unreachable)}.")
    flash(" ".join(parts), "success")
    if outcome.batch and outcome.emails:
        return redirect(url_for(".batch_progress", convening_id=convening_id, batch=outcome.batch))
    return redirect(url_for(".manage", convening_id=convening_id))
