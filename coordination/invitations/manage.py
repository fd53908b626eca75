"""Rules for inviting organisations to a convening: one, in bulk, or new on the spot.

Sending, reminders and withdrawals live in ``sending``; change notifications in ``notify``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..directory import services as directory
from ..directory.rules import clean_contact
from ..models import (
    Contact,
    Convening,
    ConveningStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    User,
)
from .manage_queries import Criteria, contact_label, match_organisations

NOTE_MAX = 2000
QUOTA_MAX = 500
DEFAULT_QUOTA = 2
STALE_MESSAGE = (
    "This was changed by someone else while you were editing; reload to see their changes."
)
INVITATION_FIELDS = ("status", "seat_quota", "note")


class InvitationError(ValueError):
    """A change refused; ``errors`` maps form fields to messages ("" for the whole form)."""

    def __init__(self, errors: Mapping[str, str] | str, field_name: str = ""):
        self.errors = dict(errors) if isinstance(errors, Mapping) else {field_name: errors}
        super().__init__(" ".join(self.errors.values()))


# --- Checking input ----------------------------------------------------------------------------


def _check_open(convening: Convening) -> None:
    if convening.status in (ConveningStatus.CANCELLED, ConveningStatus.CONCLUDED):
        raise InvitationError(
            f"This convening is {convening.status.label.lower()}: it takes no new invitations."
        )


def _check_quota(quota: int | None, seats_used: int = 0) -> dict[str, str]:
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


def _clean_note(note: str | None, errors: dict[str, str]) -> str:
    text = (note or "").replace("\r\n", "\n").strip()
    if len(text) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX:,} characters (this has {len(text):,})."
    return text


def _focal_point(
    session: Session, organisation: Organisation | None, contact_id: int | None, errors: dict
) -> Contact | None:
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


def _existing(session: Session, convening: Convening, organisation: Organisation):
    return session.scalar(
        select(Invitation).where(
            Invitation.convening_id == convening.id,
            Invitation.organisation_id == organisation.id,
        )
    )


def _described(invitation: Invitation) -> dict[str, Any]:
    values = audit.snapshot(invitation, INVITATION_FIELDS)
    contact = invitation.focal_point
    values["focal_point"] = contact_label(contact) if contact else None
    return values


def _flush_new(session: Session, invitation: Invitation) -> None:
    """Store a new invitation; another organiser inviting the same organisation meanwhile loses."""
    try:
        with session.begin_nested():
            session.add(invitation)
            session.flush()
    except IntegrityError:
        raise InvitationError(
            f"{invitation.organisation.name} was invited by someone else a moment ago.",
            "organisation_id",
        ) from None


def _record(session: Session, actor: User | None, action: str, invitation: Invitation, **extra):
    audit.record(
        session,
        actor,
        action,
        invitation,
        changes=extra.pop("changes", None) or _described(invitation),
        convening_id=invitation.convening_id,
        label=f"Invitation of {invitation.organisation.name}",
    )


# --- Inviting ----------------------------------------------------------------------------------


def invite_organisation(
    session: Session,
    actor: User,
    convening: Convening,
    *,
    organisation_id: int | None,
    seat_quota: int | None = DEFAULT_QUOTA,
    focal_point_id: int | None = None,
    note: str = "",
) -> Invitation:
    """A draft invitation for one organisation (or a withdrawn one reopened as a draft)."""
    _check_open(convening)
    errors: dict[str, str] = {}
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or organisation.is_archived:
        errors["organisation_id"] = "Choose an organisation from the directory."
        organisation = None
    existing = _existing(session, convening, organisation) if organisation else None
    if existing is not None and existing.status != InvitationStatus.WITHDRAWN:
        errors["organisation_id"] = (
            f"{organisation.name} is already invited ({existing.status.label.lower()})."
        )
    errors.update(_check_quota(seat_quota))
    text = _clean_note(note, errors)
    contact = _focal_point(session, organisation, focal_point_id, errors)
    if errors:
        raise InvitationError(errors)
    if existing is not None:
        before = _described(existing)
        existing.status = InvitationStatus.DRAFT
        existing.seat_quota, existing.focal_point, existing.note = seat_quota, contact, text
        existing.sent_at = existing.responded_at = existing.last_reminded_at = None
        existing.reminders_sent = 0
        _record(
            session,
            actor,
            "invitation.reopened",
            existing,
            changes=audit.changes_between(before, _described(existing)),
        )
        return existing
    invitation = Invitation(
        convening=convening,
        organisation=organisation,
        status=InvitationStatus.DRAFT,
        seat_quota=seat_quota,
        focal_point=contact,
        note=text,
    )
    _flush_new(session, invitation)
    _record(session, actor, "invitation.created", invitation)
    return invitation


def first_contact(organisation: Organisation) -> Contact | None:
    """The contact a bulk invitation names: the first by name with an email, else the first."""
    current = [contact for contact in organisation.contacts if not contact.is_archived]
    with_email = [contact for contact in current if contact.email]
    return (with_email or current or [None])[0]


def invite_matching(
    session: Session,
    actor: User,
    convening: Convening,
    criteria: Criteria,
    seat_quota: int | None = DEFAULT_QUOTA,
) -> list[Invitation]:
    """Draft invitations for every matching organisation not yet invited."""
    _check_open(convening)
    if criteria.is_empty:
        raise InvitationError("Choose a kind, a sector or a country.", "kind")
    errors = _check_quota(seat_quota)
    if errors:
        raise InvitationError(errors)
    match = match_organisations(session, convening, criteria)
    if not match.to_invite:
        raise InvitationError("Every organisation that matches is already invited.", "kind")
    invitations = []
    for organisation in match.to_invite:
        invitations.append(
            invite_organisation(
                session,
                actor,
                convening,
                organisation_id=organisation.id,
                seat_quota=seat_quota,
                focal_point_id=(contact.id if (contact := first_contact(organisation)) else None),
            )
        )
    return invitations


def _prefixed(error: directory.DirectoryError, prefix: str) -> dict[str, str]:
    return {
        (f"{prefix}{name}" if name != directory.FORM else ""): message
        for name, message in error.errors.items()
    }


def invite_new_organisation(
    session: Session,
    actor: User,
    convening: Convening,
    *,
    organisation: Mapping[str, Any],
    contact: Mapping[str, Any],
    seat_quota: int | None = DEFAULT_QUOTA,
    note: str = "",
) -> Invitation:
    """Add an organisation and its focal point to the directory and invite it, all at once.

    Form fields are named ``organisation_<field>`` and ``contact_<field>``.
    """
    _check_open(convening)
    errors = _check_quota(seat_quota)
    _clean_note(note, errors)
    if not str(contact.get("email") or "").strip():
        errors["contact_email"] = "Give the focal point's email address: the invitation goes there."
    try:
        created = directory.create_organisation(session, actor, organisation)
    except directory.DirectoryError as error:
        errors.update(_prefixed(error, "organisation_"))
        created = None
    # Checked even when the organisation is refused, so every problem shows at once.
    cleaned, contact_errors = clean_contact(dict(contact))
    errors.update({f"contact_{name}": message for name, message in contact_errors.items()})
    if errors or created is None or cleaned is None:
        raise InvitationError(errors)
    focal_point = directory.add_contact(session, actor, created, cleaned)
    return invite_organisation(
        session,
        actor,
        convening,
        organisation_id=created.id,
        seat_quota=seat_quota,
        focal_point_id=focal_point.id,
        note=note,
    )


def update_invitation(
    session: Session,
    actor: User,
    invitation: Invitation,
    *,
    seat_quota: int | None,
    focal_point_id: int | None,
    note: str,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Change the quota, focal point or note; answer the fields changed."""
    if expected_version != invitation.version:
        raise InvitationError(STALE_MESSAGE)
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise InvitationError(
            "A withdrawn invitation cannot be changed; invite the organisation again to reopen it."
        )
    errors = _check_quota(seat_quota, invitation.seats_used)
    text = _clean_note(note, errors)
    contact = _focal_point(session, invitation.organisation, focal_point_id, errors)
    if focal_point_id is None and invitation.status != InvitationStatus.DRAFT:
        errors["focal_point_id"] = "A sent invitation needs a focal point."
    if errors:
        raise InvitationError(errors)
    before = _described(invitation)
    invitation.seat_quota, invitation.focal_point, invitation.note = seat_quota, contact, text
    changes = audit.changes_between(before, _described(invitation))
    if changes:
        session.flush()
        _record(session, actor, "invitation.updated", invitation, changes=changes)
    return changes
