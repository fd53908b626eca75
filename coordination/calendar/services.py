"""Changing a person's calendar feed: a new secret address, or none.

Each service takes the session and the acting principal (whose own feed it changes), audits
what it changes and never commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import audit
from ..principal import Principal
from ..tokens import new_token


def reset_feed(session: Session, principal: Principal) -> str:
    """Give the principal a new feed secret (the old address stops working); answer it once."""
    user = principal.user
    raw, hashed = new_token()
    replaced = user.calendar_feed_token_hash is not None
    user.calendar_feed_token_hash = hashed
    audit.record(
        session,
        user,
        "user.calendar_feed_reset" if replaced else "user.calendar_feed_created",
        user,
        label=user.email,
    )
    return raw


def turn_off_feed(session: Session, principal: Principal) -> bool:
    """Stop the principal's feed address working; False if there was none."""
    user = principal.user
    if user.calendar_feed_token_hash is None:
        return False
    user.calendar_feed_token_hash = None
    audit.record(session, user, "user.calendar_feed_removed", user, label=user.email)
    return True
