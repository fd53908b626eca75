"""Each delegate's own email, with their calendar invitation (iTIP REQUEST) or its CANCEL.

A delegate's event keeps one UID (``delegate_uid``); its SEQUENCE is the convening's plus the
delegate's own, which rises whenever something changes for that delegate alone.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import Session

from ... import mail
from ...calendar import ics
from ...models import ConveningStatus, Delegate, Invitation, InvitationStatus
from ...replies import addresses as reply_addresses
from ...urls import external_url
from . import mail_limits

CONFIRMED = "confirmed"
UPDATED = "updated"
CANCELLED = "cancelled"
# Why a whole delegation is cancelled, for the wording of each delegate's email.
DECLINED = "declined"
WITHDRAWN = "withdrawn"

SUBJECTS = {
    CONFIRMED: "You are confirmed for {title}",
    UPDATED: "Your place at {title} has changed",
    CANCELLED: "Your place at {title} is cancelled",
}


def partstat(invitation: Invitation) -> str:
    """The delegate's participation: tentative while their organisation answered so."""
    if invitation.status == InvitationStatus.TENTATIVE:
        return ics.PARTSTAT_TENTATIVE
    return ics.PARTSTAT_ACCEPTED


def sequence(invitation: Invitation, delegate: Delegate) -> int:
    return invitation.convening.calendar_sequence + delegate.calendar_sequence


def send(
    session: Session,
    invitation: Invitation,
    delegate: Delegate,
    kind: str,
    *,
    address: str | None = None,
    reason: str | None = None,
    batch: str | None = None,
) -> None:
    """Queue the delegate's email of this kind with its calendar file, and count it.

    ``address`` sends it elsewhere than the delegate's current address (a cancellation to
    the address a delegate had before it was corrected); ``reason`` says why a cancellation
    came (``DECLINED``, ``WITHDRAWN``); ``batch`` groups it with an organisers' action.
    """
    convening = invitation.convening
    cancel = kind == CANCELLED or convening.status == ConveningStatus.CANCELLED
    email = address or delegate.email
    calendar = ics.itip_message(
        convening,
        uid=ics.delegate_uid(convening, delegate.id),
        sequence=sequence(invitation, delegate),
        url=external_url("convenings.show", convening_id=convening.id),
        attendee=ics.Attendee(email=email, name=delegate.name, partstat=partstat(invitation)),
        cancel=cancel,
        reply_to=None if cancel else reply_addresses.issue(session, invitation, delegate),
    )
    method = "CANCEL" if cancel else "REQUEST"
    context = {
        "kind": kind,
        "delegate": delegate,
        "invitation": invitation,
        "convening": convening,
        "organisation": invitation.organisation,
        "tentative": invitation.status == InvitationStatus.TENTATIVE,
        "reason": reason,
        "link": external_url("convenings.show", convening_id=convening.id),
    }
    mail.queue(
        session,
        [email],
        SUBJECTS[kind].format(title=convening.title),
        render_template("email/delegate_confirmation.txt", **context),
        render_template("email/delegate_confirmation.html", **context),
        attachments=[ics.as_attachment(calendar, method, "invitation.ics")],
        batch=batch,
        convening_id=convening.id,
    )
    mail_limits.record(session, invitation, email)
