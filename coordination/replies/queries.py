"""Reading what the reply receiver kept: quarantined messages and proposals for the board."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CalendarProposal, Invitation, QuarantinedReply
from ..pagination import Page, paginate


def quarantine_page(session: Session, number: int, per_page: int) -> Page:
    """Quarantined replies, newest first."""
    statement = select(QuarantinedReply).order_by(
        QuarantinedReply.received_at.desc(), QuarantinedReply.id.desc()
    )
    return paginate(session, statement, number, per_page)


def proposals_by_invitation(
    session: Session, invitations: list[Invitation]
) -> dict[int, list[CalendarProposal]]:
    """The counter-proposals and delegations received for these invitations, oldest first."""
    ids = [invitation.id for invitation in invitations]
    found: dict[int, list[CalendarProposal]] = defaultdict(list)
    if not ids:
        return found
    for proposal in session.scalars(
        select(CalendarProposal)
        .where(CalendarProposal.invitation_id.in_(ids))
        .order_by(CalendarProposal.received_at, CalendarProposal.id)
    ):
        found[proposal.invitation_id].append(proposal)
    return found
