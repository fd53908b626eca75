"""Withdrawing invitations: links stop working and calendars receive a cancellation.

A withdrawn organisation is no longer invited in every sense: its delegates are cancelled
exactly as when it declines (``answers.cancel_delegates``), so they stop counting against the
quota and stop granting access, and inviting it again starts a fresh round.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...calendar import ics
from ...models import Convening, Invitation, InvitationStatus
from ...principal import Principal
from ...service import InputError
from ...urls import external_url
from .. import links
from ..answering import answers, delegate_mail
from .batches import Outcome, new_batch, queue_calendar_email
from .rules import record
from .sending import chosen_invitations, eligible


def _queue_cancellation(
    session: Session,
    invitation: Invitation,
    to: str,
    name: str,
    uid: str,
    sequence: int,
    batch: str,
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
        },
        calendar=calendar,
        cancel=True,
        batch=batch,
        convening=convening,
        html=False,
    )


def withdraw(
    session: Session, principal: Principal, convening: Convening, ids: list[int]
) -> Outcome:
    """Withdraw the ticked invitations: links stop working, calendars get a cancellation."""
    if not ids:
        raise InputError("Tick the invitations to withdraw.")
    chosen, skipped = eligible(
        chosen_invitations(session, convening, ids, delegates=True),
        [status for status in InvitationStatus if status != InvitationStatus.WITHDRAWN],
        "The ticked invitations are already withdrawn.",
    )
    outcome = Outcome(batch=new_batch(), skipped=skipped)
    for invitation in chosen:
        before = invitation.status
        named = answers.named_delegates(session, invitation)
        invitation.status = InvitationStatus.WITHDRAWN
        links.revoke_link(invitation)
        if before != InvitationStatus.DRAFT:
            _tell_focal_point(session, invitation, outcome)
        answers.cancel_delegates(
            session, invitation, named, delegate_mail.WITHDRAWN, batch=outcome.batch
        )
        outcome.emails += len(named)
        changes = {"status": [before.value, InvitationStatus.WITHDRAWN.value]}
        if named:
            changes["cancelled_delegates"] = answers.cancelled_names(named)
        record(session, principal.user, "invitation.withdrawn", invitation, changes)
        outcome.done.append(invitation.organisation.name)
    if not outcome.emails:
        outcome.batch = None
    return outcome


def _tell_focal_point(session: Session, invitation: Invitation, outcome: Outcome) -> None:
    """Cancel the focal point's calendar event (higher SEQUENCE)."""
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
