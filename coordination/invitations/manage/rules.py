"""What every change the team makes to an invitation keeps: its limits, its checks, its record."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ... import audit
from ...models import Contact, Convening, ConveningStatus, Invitation, Organisation, User
from ...service import InputError
from .queries import contact_label

NOTE_MAX = 2000
QUOTA_MAX = 500
DEFAULT_QUOTA = 2
INVITATION_FIELDS = ("status", "seat_quota", "note")


def check_open(convening: Convening) -> None:
    """Refuse new invitations to a convening that is cancelled or over."""
    if convening.status in (ConveningStatus.CANCELLED, ConveningStatus.CONCLUDED):
        raise InputError(
            f"This convening is {convening.status.label.lower()}: it takes no new invitations."
        )


def check_quota(quota: int | None, seats_used: int = 0) -> dict[str, str]:
    """The seat quota's problem, if any, under its field."""
    if quota is None:
        return {"seat_quota": "Enter the number of seats, such as 2."}
    if quota < 1:
        return {"seat_quota": "Offer at least one seat."}
    if quota > QUOTA_MAX:
        return {"seat_quota": f"Offer at most {QUOTA_MAX} seats."}
    if quota < seats_used:
        return {
            "seat_quota": f"{seats_used} delegates are already named; offer at least {seats_used} "
            "seats, or ask the organisation to remove some first."
        }
    return {}


def clean_note(note: str | None, errors: dict[str, str]) -> str:
    """The note as stored; a note too long adds its problem to ``errors``."""
    text = (note or "").replace("\r\n", "\n").strip()
    if len(text) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX:,} characters (this has {len(text):,})."
    return text


def focal_point_of(
    session: Session, organisation: Organisation | None, contact_id: int | None, errors: dict
) -> Contact | None:
    """The chosen contact, if it is one of the organisation's; else its problem in ``errors``."""
    if contact_id is None:
        return None
    contact = session.get(Contact, contact_id)
    if contact is None or contact.is_archived or organisation is None:
        errors["focal_point_id"] = "Choose a contact from the list."
        return None
    if contact.organisation_id != organisation.id:
        errors["focal_point_id"] = f"Choose one of {organisation.name}'s contacts."
        return None
    return contact


def described(invitation: Invitation) -> dict[str, Any]:
    """What the audit trail shows of an invitation: status, seats, note and focal point."""
    values = audit.snapshot(invitation, INVITATION_FIELDS)
    contact = invitation.focal_point
    values["focal_point"] = contact_label(contact) if contact else None
    return values


def record(
    session: Session,
    actor: User | None,
    action: str,
    invitation: Invitation,
    changes: dict[str, Any] | None = None,
) -> None:
    """Write the audit event of a change to the invitation (by default, how it is now)."""
    audit.record(
        session,
        actor,
        action,
        invitation,
        changes=changes or described(invitation),
        convening_id=invitation.convening_id,
        label=f"Invitation of {invitation.organisation.name}",
    )
