"""Withdrawing invitations: links stop working and calendars receive a cancellation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..calendar import ics
from ..models import Convening, Delegate, Invitation, InvitationStatus, User
from ..urls import external_url
from . import links
from .batches import Outcome, SendError, new_batch, queue_calendar_email
from .sending import chosen_invitations, eligible, record


def _queue_cancellation(
    session: Session,
    invitation: Invitation,
    to: str,
    name: str,
    uid: str,
    sequence: int,
    batch: str,
    delegate: Delegate | None = None,
) -> None:
    convening = invitation.convening
    url = external_url("convenings.show", convening_id=convening.id)
    calendar = ics.itip_message(
        convening,
        uid=uid,
        sequence=sequence,
        url=url,
        attendee=ics.Attendee(to, name, ics.PARTSTAT_NEEDS_ACTION),
        cancel=True,
    )
    queue_calendar_email(
        session,
        to=to,
        subject="Invitation withdrawn: {title}",
        template="invitation_withdrawn",
        context={
            "convening": convening,
            "invitation": invitation,
            "name": name,
            "delegate": delegate,
        },
        calendar=calendar,
        cancel=True,
        batch=batch,
        convening=convening,
        html=False,
    )


def withdraw(session: Session, actor: User, convening: Convening, ids: list[int]) -> Outcome:
    """Withdraw the ticked invitations: links stop working, calendars get a cancellation."""
    if not ids:
        raise SendError("Tick the invitations to withdraw.")
    chosen, skipped = eligible(
        chosen_invitations(session, convening, ids, delegates=True),
        [status for status in InvitationStatus if status != InvitationStatus.WITHDRAWN],
        "The ticked invitations are already withdrawn.",
    )
    outcome = Outcome(batch=new_batch(), skipped=skipped)
    for invitation in chosen:
        before = invitation.status
        invitation.status = InvitationStatus.WITHDRAWN
        links.revoke_link(invitation)
        if before != InvitationStatus.DRAFT:
            _tell_withdrawn(session, invitation, outcome)
        record(
            session,
            actor,
            "invitation.withdrawn",
            invitation,
            {"status": [before.value, InvitationStatus.WITHDRAWN.value]},
        )
        outcome.done.append(invitation.organisation.name)
    if not outcome.emails:
        outcome.batch = None
    return outcome


def _tell_withdrawn(session: Session, invitation: Invitation, outcome: Outcome) -> None:
    """Cancel the focal point's and each delegate's calendar event (higher SEQUENCE)."""
    convening, contact = invitation.convening, invitation.focal_point
    invitation.calendar_sequence += 1
    if contact is not None and contact.email and not contact.is_archived:
        _queue_cancellation(
            session,
            invitation,
            contact.email,
            contact.name,
            ics.invitation_uid(convening, invitation.id),
            convening.calendar_sequence + invitation.calendar_sequence,
            outcome.batch,
        )
        outcome.emails += 1
    else:
        outcome.unreachable.append(invitation.organisation.name)
    for delegate in invitation.active_delegates:
        delegate.calendar_sequence += 1
        _queue_cancellation(
            session,
            invitation,
            delegate.email,
            delegate.name,
            ics.delegate_uid(convening, delegate.id),
            convening.calendar_sequence + delegate.calendar_sequence,
            outcome.batch,
            delegate,
        )
        outcome.emails += 1
