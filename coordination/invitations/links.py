"""The focal point's link: random, stored only as a hash, scoped to one invitation.

A link works while its invitation is out (sent or answered) and until the convening ends. The
end is read from the convening whenever the link is used, never copied when it is issued, so
postponing the convening keeps the link working and bringing it forward ends it sooner.
``is_current`` is the one test of a link, whether it arrives in an address or as the grant a
browser keeps after opening it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Invitation, InvitationStatus, utcnow
from ..tokens import hash_token, new_token
from ..urls import external_url

LINK_ENDPOINT = "invitations.open_link"
# How long after the convening ends a link keeps working.
GRACE = timedelta(0)
# An invitation in these statuses has no working link, whatever is stored.
_CLOSED_STATUSES = (InvitationStatus.DRAFT, InvitationStatus.WITHDRAWN)


def issue_link(invitation: Invitation) -> str:
    """Give the invitation a fresh link (any earlier one stops working); returns the raw token."""
    raw, digest = new_token()
    invitation.token_hash = digest
    return raw


def revoke_link(invitation: Invitation) -> None:
    invitation.token_hash = None


def expires_at(invitation: Invitation) -> datetime:
    """When the invitation's link stops working: the convening's current end."""
    return invitation.convening.ends_at + GRACE


def is_current(invitation: Invitation, token_hash: str | None, now: datetime | None = None) -> bool:
    """Whether a link with this hash (or a browser's grant holding it) opens the invitation now."""
    return bool(
        token_hash
        and invitation.token_hash is not None
        and token_hash == invitation.token_hash
        and invitation.status not in _CLOSED_STATUSES
        and expires_at(invitation) > (now or utcnow())
    )


def link_url(raw: str) -> str:
    """The absolute address of the link, from the configured base URL."""
    return external_url(LINK_ENDPOINT, token=raw)


def find_by_link(session: Session, raw: str) -> Invitation | None:
    """The invitation a link opens, if the link is current."""
    if not raw or len(raw) > 200:
        return None
    digest = hash_token(raw)
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == digest))
    if invitation is None or not is_current(invitation, digest):
        return None
    return invitation
