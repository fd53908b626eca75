"""Reply addresses: ``<local part>+<token>@<domain>`` of the configured reply address.

Each calendar request carries a fresh one as its ORGANIZER, so a calendar program's reply
reaches us naming the invitation (or delegate) it answers. Only the token's hash is kept.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Delegate, Invitation, ReplyAddress
from ..tokens import hash_token, new_token

# Longer than any token we issue, short enough to refuse junk before hashing it.
TOKEN_MAX = 100


def configured() -> tuple[str, str] | None:
    """The local part and domain of the configured reply address, or None when unset."""
    address = (current_app.config.get("REPLY_ADDRESS") or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    return local, domain.lower()


def issue(session: Session, invitation: Invitation, delegate: Delegate | None = None) -> str | None:
    """A new reply address for the invitation's (or the delegate's) calendar request."""
    parts = configured()
    if parts is None:
        return None
    local, domain = parts
    if delegate is not None and delegate.id is None:
        session.flush()
    raw, digest = new_token()
    session.add(
        ReplyAddress(
            token_hash=digest,
            convening_id=invitation.convening_id,
            invitation_id=invitation.id,
            delegate_id=delegate.id if delegate is not None else None,
        )
    )
    return f"{local}+{raw}@{domain}"


def token_of(recipient: str, parts: tuple[str, str]) -> str | None:
    """The token of a recipient written ``local+token@domain`` for our address, else None."""
    local, domain = parts
    mailbox, at, their_domain = recipient.strip().strip("<>").rpartition("@")
    if not at or their_domain.lower() != domain:
        return None
    their_local, plus, token = mailbox.partition("+")
    if not plus or their_local.lower() != local.lower():
        return None
    if not token or len(token) > TOKEN_MAX:
        return None
    return token


def find(session: Session, token: str) -> ReplyAddress | None:
    return session.scalar(select(ReplyAddress).where(ReplyAddress.token_hash == hash_token(token)))
