"""How much delegate mail changes made through one invitation may send in an hour.

Anyone holding an invitation link can name delegates, and every delegate named, changed or
removed receives an email with a calendar file. Without a cap, adding and removing delegates
would send calendar mail to any address typed in, as often as one liked. Each delegate email
is therefore recorded, and a change that would send more than the settings allow in an hour,
through one invitation or to one address, is refused before anything changes.

``COORDINATION_DELEGATE_MAIL_PER_HOUR`` is the allowance of one invitation, on top of one email
per seat it offers (naming every delegate it may name always fits);
``COORDINATION_DELEGATE_MAIL_PER_ADDRESS_PER_HOUR`` is the most one address receives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import DelegateMail, Invitation, utcnow

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    """Why a change would send too much mail; ``about_address`` when one address is the cause."""

    message: str
    about_address: bool = False


def invitation_allowance(invitation: Invitation) -> int:
    return current_app.config["DELEGATE_MAIL_PER_HOUR"] + invitation.seat_quota


def address_allowance() -> int:
    return current_app.config["DELEGATE_MAIL_PER_ADDRESS_PER_HOUR"]


def record(session: Session, invitation: Invitation, address: str) -> None:
    """Count one delegate email sent because of a change to the invitation."""
    session.add(
        DelegateMail(invitation_id=invitation.id, address_normalized=address.strip().lower())
    )


def _since(now: datetime | None) -> datetime:
    return (now or utcnow()) - WINDOW


def sent_for_invitation(session: Session, invitation: Invitation, now=None) -> int:
    return session.scalar(
        select(func.count(DelegateMail.id)).where(
            DelegateMail.invitation_id == invitation.id, DelegateMail.queued_at > _since(now)
        )
    )


def sent_to_address(session: Session, address: str, now=None) -> int:
    return session.scalar(
        select(func.count(DelegateMail.id)).where(
            DelegateMail.address_normalized == address, DelegateMail.queued_at > _since(now)
        )
    )


def problem(
    session: Session, invitation: Invitation, addresses: list[str], now: datetime | None = None
) -> Refusal | None:
    """Why sending one email to each of ``addresses`` would go past the cap; None if it fits."""
    if not addresses:
        return None
    allowed = invitation_allowance(invitation)
    if sent_for_invitation(session, invitation, now) + len(addresses) > allowed:
        return Refusal(
            f"This invitation has sent delegates as many emails as it may in an hour "
            f"({allowed}). Nothing was changed and nothing was sent; try again later, "
            "or ask the organisers to make the change."
        )
    per_address = address_allowance()
    wanted = Counter(address.strip().lower() for address in addresses)
    for address, count in wanted.items():
        if sent_to_address(session, address, now) + count > per_address:
            return Refusal(
                f"{address} has been sent as many emails about delegations as it may receive "
                f"in an hour ({per_address}). Nothing was changed and nothing was sent; "
                "try again later.",
                about_address=True,
            )
    return None
