"""Inviting organisations to a convening: one, in bulk, or new on the spot.

An invitation starts as a draft: nothing is sent until the team sends it (``sending``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ... import audit
from ...directory import services as directory
from ...directory.rules import clean_contact
from ...models import (
    Contact,
    Convening,
    Invitation,
    InvitationStatus,
    Organisation,
    SeatRequestStatus,
    User,
)
from ...principal import Principal
from ...service import InputError
from .. import links
from .queries import Criteria, match_organisations
from .rules import (
    DEFAULT_QUOTA,
    check_open,
    check_quota,
    clean_note,
    described,
    focal_point_of,
    record,
)

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


def _existing(session: Session, convening: Convening, organisation: Organisation):
    return session.scalar(
        select(Invitation).where(
            Invitation.convening_id == convening.id,
            Invitation.organisation_id == organisation.id,
        )
    )


def _flush_new(session: Session, invitation: Invitation) -> None:
    """Store a new invitation; another organiser inviting the same organisation meanwhile loses."""
    try:
        with session.begin_nested():
            session.add(invitation)
            session.flush()
    except IntegrityError:
        raise InputError(
            f"{invitation.organisation.name} was invited by someone else a moment ago.",
            "organisation_id",
        ) from None


def invite_organisation(
    session: Session,
    principal: Principal,
    convening: Convening,
    *,
    organisation_id: int | None,
    seat_quota: int | None = DEFAULT_QUOTA,
    focal_point_id: int | None = None,
    note: str = "",
) -> Invitation:
    """A draft invitation for one organisation (or a withdrawn one, reopened for a new round)."""
    check_open(convening)
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
    errors.update(check_quota(seat_quota))
    text = clean_note(note, errors)
    contact = focal_point_of(session, organisation, focal_point_id, errors)
    if errors:
        raise InputError(errors)
    if existing is not None:
        _start_new_round(session, principal.user, existing, seat_quota, contact, text)
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
    record(session, principal.user, "invitation.created", invitation)
    return invitation


def _start_new_round(
    session: Session,
    actor: User | None,
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
    before = {**described(invitation), **audit.snapshot(invitation, ROUND_FIELDS)}
    links.revoke_link(invitation)
    invitation.status = InvitationStatus.DRAFT
    invitation.seat_quota, invitation.focal_point, invitation.note = seat_quota, contact, note
    invitation.sent_at = invitation.responded_at = invitation.last_reminded_at = None
    invitation.reminders_sent = 0
    invitation.answered_on_behalf = False
    invitation.extra_seats_requested = 0
    invitation.extra_seats_status = SeatRequestStatus.NONE
    invitation.extra_seats_reason = ""
    after = {**described(invitation), **audit.snapshot(invitation, ROUND_FIELDS)}
    record(session, actor, "invitation.reopened", invitation, audit.changes_between(before, after))


def first_contact(organisation: Organisation) -> Contact | None:
    """The contact a bulk invitation names: the first by name with an email, else the first."""
    current = [contact for contact in organisation.contacts if not contact.is_archived]
    with_email = [contact for contact in current if contact.email]
    return (with_email or current or [None])[0]


def invite_matching(
    session: Session,
    principal: Principal,
    convening: Convening,
    criteria: Criteria,
    seat_quota: int | None = DEFAULT_QUOTA,
) -> list[Invitation]:
    """Draft invitations for every matching organisation not yet invited."""
    check_open(convening)
    if criteria.is_empty:
        raise InputError("Choose a kind, a sector or a country.", "kind")
    errors = check_quota(seat_quota)
    if errors:
        raise InputError(errors)
    match = match_organisations(session, convening, criteria)
    if not match.to_invite:
        raise InputError("Every organisation that matches is already invited.", "kind")
    invitations = []
    for organisation in match.to_invite:
        invitations.append(
            invite_organisation(
                session,
                principal,
                convening,
                organisation_id=organisation.id,
                seat_quota=seat_quota,
                focal_point_id=(contact.id if (contact := first_contact(organisation)) else None),
            )
        )
    return invitations


def _prefixed(error: InputError, prefix: str) -> dict[str, str]:
    """The refusal's messages under this form's names for its fields (the form's own stay)."""
    return {(f"{prefix}{name}" if name else ""): message for name, message in error.errors.items()}


def invite_new_organisation(
    session: Session,
    principal: Principal,
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
    check_open(convening)
    errors = check_quota(seat_quota)
    clean_note(note, errors)
    if not str(contact.get("email") or "").strip():
        errors["contact_email"] = "Give the focal point's email address: the invitation goes there."
    try:
        created = directory.create_organisation(session, principal, organisation)
    except InputError as error:
        errors.update(_prefixed(error, "organisation_"))
        created = None
    # Checked even when the organisation is refused, so every problem shows at once.
    cleaned, contact_errors = clean_contact(dict(contact))
    errors.update({f"contact_{name}": message for name, message in contact_errors.items()})
    if errors or created is None or cleaned is None:
        raise InputError(errors)
    focal_point = directory.add_contact(session, principal, created, cleaned)
    return invite_organisation(
        session,
        principal,
        convening,
        organisation_id=created.id,
        seat_quota=seat_quota,
        focal_point_id=focal_point.id,
        note=note,
    )
