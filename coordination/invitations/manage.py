"""Rules for inviting organisations to a convening: one, in bulk, or new on the spot.

Sending, reminders and withdrawals live in ``sending``; change notifications in ``notify``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..directory import services as directory
from ..directory.rules import clean_contact
from ..models import (
    PARTICIPATING_STATUSES,
    Contact,
    Convening,
    ConveningStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    SeatRequestStatus,
    User,
)
from . import links, sending
from .batches import Outcome, SendError
from .errors import InvitationError
from .manage_queries import Criteria, contact_label, match_organisations

NOTE_MAX = 2000
QUOTA_MAX = 500
DEFAULT_QUOTA = 2
STALE_MESSAGE = (
    "This was changed by someone else while you were editing; reload to see their changes."
)
INVITATION_FIELDS = ("status", "seat_quota", "note")
# What one round of an invitation gathers, cleared when a withdrawn one is invited again.
ROUND_FIELDS = (
    "sent_at",
    "responded_at",
    "last_reminded_at",
    "reminders_sent",
    "answered_on_behalf",
    "extra_seats_requested",
    "extra_seats_status",
    "extra_seats_reason",
)


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
    """A draft invitation for one organisation (or a withdrawn one, reopened for a new round)."""
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
        _start_new_round(session, actor, existing, seat_quota, contact, text)
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


def _start_new_round(
    session: Session,
    actor: User,
    invitation: Invitation,
    seat_quota: int,
    contact: Contact | None,
    note: str,
) -> None:
    """Reopen a withdrawn invitation as a fresh draft; nothing of the earlier round carries over.

    The row is reused (an organisation is invited to a convening once), but the round starts
    clean: no link until it is sent, no answer, no request for seats. The delegates named
    before were cancelled when it was withdrawn and stay so. What the earlier round had is
    kept in this event's changes, beside the earlier round's own events in the audit trail.
    """
    before = {**_described(invitation), **audit.snapshot(invitation, ROUND_FIELDS)}
    links.revoke_link(invitation)
    invitation.status = InvitationStatus.DRAFT
    invitation.seat_quota, invitation.focal_point, invitation.note = seat_quota, contact, note
    invitation.sent_at = invitation.responded_at = invitation.last_reminded_at = None
    invitation.reminders_sent = 0
    invitation.answered_on_behalf = False
    invitation.extra_seats_requested = 0
    invitation.extra_seats_status = SeatRequestStatus.NONE
    invitation.extra_seats_reason = ""
    after = {**_described(invitation), **audit.snapshot(invitation, ROUND_FIELDS)}
    _record(
        session,
        actor,
        "invitation.reopened",
        invitation,
        changes=audit.changes_between(before, after),
    )


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


@dataclass
class Updated:
    """What an edit changed; for a new focal point, the email of their link or why none went."""

    changes: dict[str, list[Any]] = field(default_factory=dict)
    outcome: Outcome | None = None
    link_not_sent: str | None = None


def update_invitation(
    session: Session,
    actor: User,
    invitation: Invitation,
    *,
    seat_quota: int | None,
    focal_point_id: int | None,
    note: str,
    expected_version: int | None,
) -> Updated:
    """Change the quota, focal point or note.

    The link belongs to the focal point: naming another one on an invitation already sent
    revokes the previous focal point's link (and any browser session that opened it) and
    emails the new focal point a link of their own.
    """
    if expected_version != invitation.version:
        raise InvitationError(STALE_MESSAGE)
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise InvitationError(
            "A withdrawn invitation cannot be changed; invite the organisation again to reopen it."
        )
    errors = _check_quota(seat_quota, invitation.seats_used)
    text = _clean_note(note, errors)
    contact = _focal_point(session, invitation.organisation, focal_point_id, errors)
    sent = invitation.status in PARTICIPATING_STATUSES
    if focal_point_id is None and sent:
        errors["focal_point_id"] = "A sent invitation needs a focal point."
    new_focal_point = contact is not None and contact.id != invitation.focal_point_id
    if sent and new_focal_point and not contact.email:
        errors["focal_point_id"] = (
            f"{contact.name} has no email address, so the invitation's link cannot reach them. "
            "Add one in the directory first, or choose another contact."
        )
    if errors:
        raise InvitationError(errors)
    before = _described(invitation)
    invitation.seat_quota, invitation.focal_point, invitation.note = seat_quota, contact, text
    updated = Updated(changes=audit.changes_between(before, _described(invitation)))
    if not updated.changes:
        return updated
    session.flush()
    _record(session, actor, "invitation.updated", invitation, changes=updated.changes)
    if sent and new_focal_point:
        links.revoke_link(invitation)
        try:
            updated.outcome = sending.link_to_new_focal_point(session, actor, invitation)
        except SendError as refusal:
            # The record must name the right person even when no invitation can go out now;
            # the new focal point gets a link once one can ("Issue and email a new link").
            updated.link_not_sent = refusal.message
            _record(
                session,
                actor,
                "invitation.link_revoked",
                invitation,
                changes={"link": ["working", "revoked"]},
            )
    return updated
