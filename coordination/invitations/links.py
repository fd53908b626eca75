"""The focal point's link: random, stored only as a hash, scoped to one invitation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Invitation, InvitationStatus, utcnow
from ..tokens import hash_token, new_token
from ..urls import external_url

LINK_ENDPOINT = "invitations.open_link"


def issue_link(invitation: Invitation) -> str:
    """Give the invitation a fresh link (any earlier one stops working); returns the raw token.

    The link works until the convening ends.
    """
    raw, digest = new_token()
    invitation.token_hash = digest
    invitation.token_expires_at = invitation.convening.ends_at
    return raw


def revoke_link(invitation: Invitation) -> None:
    invitation.token_hash = None
    invitation.token_expires_at = None


def link_url(raw: str) -> str:
    """The absolute address of the link, from the configured base URL."""
    return external_url(LINK_ENDPOINT, token=raw)


def find_by_link(session: Session, raw: str) -> Invitation | None:
    """The invitation a link opens, if the link is current, unexpired and not withdrawn."""
    if not raw or len(raw) > 200:
        return None
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(raw)))
    if invitation is None or invitation.token_expires_at is None:
        return None
    if invitation.token_expires_at <= utcnow():
        return None
    if invitation.status in (InvitationStatus.DRAFT, InvitationStatus.WITHDRAWN):
        return None
    return invitation
