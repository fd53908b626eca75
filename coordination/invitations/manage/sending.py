"""Sending invitations, reminders and new links by email (see ``batches`` for the plumbing)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...calendar import ics
from ...models import (
    PARTICIPATING_STATUSES,
    Convening,
    ConveningStatus,
    Invitation,
    InvitationStatus,
    User,
    utcnow,
)
from ...principal import Principal
from ...replies import addresses as reply_addresses
from ...service import InputError
from .. import links
from .batches import Outcome, new_batch, queue_calendar_email
from .rules import record

PARTSTATS = {
    InvitationStatus.ACCEPTED: ics.PARTSTAT_ACCEPTED,
    InvitationStatus.TENTATIVE: ics.PARTSTAT_TENTATIVE,
    InvitationStatus.DECLINED: ics.PARTSTAT_DECLINED,
}
SUBJECTS = {
    "invitation": "Invitation: {title}",
    "resend": "Invitation (new link): {title}",
    "reissue": "Invitation (new link): {title}",
    "reminder": "Reminder: please answer the invitation to {title}",
    "focal_point": "Invitation: {title}",
}


# --- Composing ---------------------------------------------------------------------------------


def check_can_send(convening: Convening) -> None:
    """Invitations go out only for a published convening that has not ended."""
    if convening.status == ConveningStatus.DRAFT:
        raise InputError("This convening is still a draft: publish it before sending invitations.")
    if convening.status == ConveningStatus.CANCELLED:
        raise InputError("This convening is cancelled: no invitation can be sent for it.")
    if convening.status == ConveningStatus.CONCLUDED or convening.ends_at <= utcnow():
        raise InputError("This convening has ended: no invitation can be sent for it.")


def invitation_key(invitation: Invitation) -> str:
    """The key of a refusal's message about one invitation of those an action was given."""
    return f"invitation-{invitation.id}"


def check_reachable(invitations: Iterable[Invitation], nothing_sent: str) -> None:
    """Refuse, sending nothing, unless every invitation's focal point can be emailed.

    The refusal says ``nothing_sent`` for the whole action (under ""), then why each
    invitation stopped it (under ``invitation_key``).
    """
    problems = {}
    for invitation in invitations:
        contact, name = invitation.focal_point, invitation.organisation.name
        if contact is None:
            problem = f"{name}: choose a focal point."
        elif contact.is_archived:
            problem = f"{name}: the focal point {contact.name} is archived; choose another."
        elif not contact.email:
            problem = f"{name}: the focal point {contact.name} has no email address."
        else:
            continue
        problems[invitation_key(invitation)] = problem
    if problems:
        raise InputError({"": nothing_sent, **problems})


def _queue_invitation(
    session: Session, invitation: Invitation, raw: str, actor: User, batch: str, reason: str
) -> None:
    convening, contact = invitation.convening, invitation.focal_point
    link = links.link_url(raw)
    calendar = ics.itip_message(
        convening,
        uid=ics.invitation_uid(convening, invitation.id),
        sequence=convening.calendar_sequence + invitation.calendar_sequence,
        url=link,
        attendee=ics.Attendee(
            contact.email, contact.name, PARTSTATS.get(invitation.status, ics.PARTSTAT_NEEDS_ACTION)
        ),
        reply_to=reply_addresses.issue(session, invitation),
    )
    queue_calendar_email(
        session,
        to=contact.email,
        subject=SUBJECTS[reason],
        template="invitation_reminder" if reason == "reminder" else "invitation",
        context={
            "convening": convening,
            "invitation": invitation,
            "contact": contact,
            "link": link,
            "actor": actor,
            "reason": reason,
        },
        calendar=calendar,
        cancel=convening.status == ConveningStatus.CANCELLED,
        batch=batch,
        convening=convening,
    )


def chosen_invitations(
    session: Session, convening: Convening, ids: list[int] | None, delegates: bool = False
) -> list[Invitation]:
    """The convening's invitations (those ticked, or all), locked against a second sender."""
    query = (
        select(Invitation)
        .where(Invitation.convening_id == convening.id)
        .options(joinedload(Invitation.organisation), joinedload(Invitation.focal_point))
        .order_by(Invitation.id)
        .with_for_update(of=Invitation)
        # Read the rows as they are once locked, even if this request loaded them before.
        .execution_options(populate_existing=True)
    )
    if ids is not None:
        query = query.where(Invitation.id.in_(ids))
    if delegates:
        query = query.options(selectinload(Invitation.delegates))
    return list(session.scalars(query).unique())


def eligible(
    invitations: list[Invitation], statuses: Iterable[InvitationStatus], nothing: str
) -> tuple[list[Invitation], list[str]]:
    """The invitations in one of the statuses, and the names of the others (skipped)."""
    wanted = set(statuses)
    fit = [invitation for invitation in invitations if invitation.status in wanted]
    skipped = [i.organisation.name for i in invitations if i.status not in wanted]
    if not fit:
        raise InputError(nothing)
    return fit, skipped


# --- Actions -----------------------------------------------------------------------------------


def send_invitations(
    session: Session, principal: Principal, convening: Convening, ids: list[int] | None = None
) -> Outcome:
    """Send the drafts (those ticked, or all): a link, an email and a calendar invitation each."""
    actor = principal.user
    check_can_send(convening)
    drafts, skipped = eligible(
        chosen_invitations(session, convening, ids),
        (InvitationStatus.DRAFT,),
        "None of the ticked invitations is a draft."
        if ids is not None
        else "There are no draft invitations to send.",
    )
    check_reachable(drafts, "Nothing was sent. Fix these invitations first:")
    outcome = Outcome(batch=new_batch(), skipped=skipped)
    now = utcnow()
    for invitation in drafts:
        raw = links.issue_link(invitation)
        invitation.status, invitation.sent_at = InvitationStatus.SENT, now
        _queue_invitation(session, invitation, raw, actor, outcome.batch, "invitation")
        record(
            session,
            actor,
            "invitation.sent",
            invitation,
            {"status": ["draft", "sent"], "to": invitation.focal_point.email},
        )
        outcome.done.append(invitation.organisation.name)
    outcome.emails = len(drafts)
    return outcome


def remind(
    session: Session, principal: Principal, convening: Convening, ids: list[int] | None = None
) -> Outcome:
    """Remind those who have not answered; each gets a new link that replaces the old one."""
    actor = principal.user
    check_can_send(convening)
    waiting, skipped = eligible(
        chosen_invitations(session, convening, ids),
        (InvitationStatus.SENT,),
        "None of the ticked invitations is waiting for an answer."
        if ids is not None
        else "Nobody is waiting to answer: there is nobody to remind.",
    )
    check_reachable(waiting, "No reminder was sent. Fix these invitations first:")
    outcome = Outcome(batch=new_batch(), skipped=skipped)
    now = utcnow()
    for invitation in waiting:
        raw = links.issue_link(invitation)
        invitation.last_reminded_at = now
        invitation.reminders_sent += 1
        _queue_invitation(session, invitation, raw, actor, outcome.batch, "reminder")
        record(
            session,
            actor,
            "invitation.reminded",
            invitation,
            {"reminders_sent": invitation.reminders_sent, "to": invitation.focal_point.email},
        )
        outcome.done.append(invitation.organisation.name)
    outcome.emails = len(waiting)
    return outcome


def resend(
    session: Session, principal: Principal, invitation: Invitation, reason: str = "resend"
) -> Outcome:
    """Email a sent or answered invitation again with a new link (same calendar event)."""
    actor = principal.user
    check_can_send(invitation.convening)
    if invitation.status not in PARTICIPATING_STATUSES:
        raise InputError(
            "This invitation is withdrawn."
            if invitation.status == InvitationStatus.WITHDRAWN
            else "This invitation is still a draft: send it instead."
        )
    check_reachable([invitation], "Nothing was sent.")
    outcome = Outcome(batch=new_batch(), emails=1, done=[invitation.organisation.name])
    raw = links.issue_link(invitation)
    _queue_invitation(session, invitation, raw, actor, outcome.batch, reason)
    action = "invitation.link_reissued" if reason == "reissue" else "invitation.resent"
    record(session, actor, action, invitation, {"to": invitation.focal_point.email})
    return outcome


def link_to_new_focal_point(session: Session, actor: User, invitation: Invitation) -> Outcome:
    """Email the invitation's new focal point a link of their own (the caller revoked the old).

    Raises InputError, sending nothing, when the convening takes no invitations now.
    """
    check_can_send(invitation.convening)
    outcome = Outcome(batch=new_batch(), emails=1, done=[invitation.organisation.name])
    raw = links.issue_link(invitation)
    _queue_invitation(session, invitation, raw, actor, outcome.batch, "focal_point")
    record(
        session, actor, "invitation.link_reissued", invitation, {"to": invitation.focal_point.email}
    )
    return outcome


def revoke(session: Session, principal: Principal, invitation: Invitation) -> None:
    """Stop the invitation's link working; nothing is sent."""
    if invitation.token_hash is None:
        raise InputError("This invitation has no working link.")
    links.revoke_link(invitation)
    record(
        session,
        principal.user,
        "invitation.link_revoked",
        invitation,
        {"link": ["working", "revoked"]},
    )
