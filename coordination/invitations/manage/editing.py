"""Changing one invitation: its seats, focal point and note.

The link belongs to the focal point: naming another one on an invitation already sent
revokes the previous focal point's link (and any browser session that opened it) and emails
the new focal point a link of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ... import audit
from ...models import PARTICIPATING_STATUSES, Invitation, InvitationStatus
from ...principal import Principal
from ...service import InputError, StaleError
from .. import links
from . import sending
from .batches import Outcome
from .rules import check_quota, clean_note, described, focal_point_of, record


@dataclass
class Updated:
    """What an edit changed; for a new focal point, the email of their link or why none went."""

    changes: dict[str, list[Any]] = field(default_factory=dict)
    outcome: Outcome | None = None
    link_not_sent: str | None = None


def update_invitation(
    session: Session,
    principal: Principal,
    invitation: Invitation,
    *,
    seat_quota: int | None,
    focal_point_id: int | None,
    note: str,
    expected_version: int | None,
) -> Updated:
    """Change the quota, focal point or note of the invitation as it was at ``expected_version``."""
    if expected_version != invitation.version:
        raise StaleError()
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise InputError(
            "A withdrawn invitation cannot be changed; invite the organisation again to reopen it."
        )
    errors = check_quota(seat_quota, invitation.seats_used)
    text = clean_note(note, errors)
    contact = focal_point_of(session, invitation.organisation, focal_point_id, errors)
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
        raise InputError(errors)
    actor = principal.user
    before = described(invitation)
    invitation.seat_quota, invitation.focal_point, invitation.note = seat_quota, contact, text
    updated = Updated(changes=audit.changes_between(before, described(invitation)))
    if not updated.changes:
        return updated
    session.flush()
    record(session, actor, "invitation.updated", invitation, updated.changes)
    if sent and new_focal_point:
        links.revoke_link(invitation)
        try:
            updated.outcome = sending.link_to_new_focal_point(session, actor, invitation)
        except InputError as refusal:
            # The record must name the right person even when no invitation can go out now;
            # the new focal point gets a link once one can ("Issue and email a new link").
            updated.link_not_sent = str(refusal)
            record(
                session,
                actor,
                "invitation.link_revoked",
                invitation,
                {"link": ["working", "revoked"]},
            )
    return updated
