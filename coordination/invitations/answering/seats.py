"""Asking for more seats than the quota, and the organisers' decision."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import audit, mail
from ...models import (
    Convening,
    Invitation,
    InvitationStatus,
    SeatRequestStatus,
    TeamMembership,
    TeamRole,
    User,
)
from ...principal import Principal
from ...service import InputError, StaleError
from ...urls import external_url
from .answers import acting_answerer, check_open, lock_invitation, record

MAX_EXTRA_SEATS = 50
REASON_MAX = 2000


def _organiser_addresses(session: Session, convening: Convening) -> list[str]:
    return list(
        session.scalars(
            select(User.email)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(
                TeamMembership.convening_id == convening.id,
                TeamMembership.role == TeamRole.ORGANISER,
                User.active.is_(True),
            )
            .order_by(User.email)
        )
    )


def pending_message(invitation: Invitation) -> str:
    seats = invitation.extra_seats_requested
    return (
        f"Your request for {seats} more seat{'' if seats == 1 else 's'} is waiting for the "
        "organisers' decision. You can ask again once they have answered; nothing was sent."
    )


def request_seats(
    session: Session, principal: Principal, invitation: Invitation, seats: int, reason: str
) -> None:
    """Ask the organisers for more seats; they are told by email and approve or refuse.

    One request waits at a time: another is refused until the organisers have decided.
    """
    answerer = acting_answerer(principal, invitation)
    reason = (reason or "").strip()
    if not 1 <= seats <= MAX_EXTRA_SEATS:
        raise InputError(f"Ask for between 1 and {MAX_EXTRA_SEATS} more seats.", "seats")
    if not reason:
        raise InputError("Say why your organisation needs more seats.", "reason")
    if len(reason) > REASON_MAX:
        raise InputError(f"Use at most {REASON_MAX:,} characters.", "reason")
    invitation = lock_invitation(session, invitation)
    check_open(invitation, answerer)
    if invitation.status == InvitationStatus.DECLINED:
        raise InputError("Your organisation has declined; accept first to ask for more seats.")
    if invitation.extra_seats_status == SeatRequestStatus.PENDING:
        # Each request emails every organiser: one waiting at a time keeps that from repeating.
        raise InputError(pending_message(invitation))
    before = audit.snapshot(
        invitation, ("extra_seats_requested", "extra_seats_status", "extra_seats_reason")
    )
    invitation.extra_seats_requested = seats
    invitation.extra_seats_reason = reason
    invitation.extra_seats_status = SeatRequestStatus.PENDING
    session.flush()
    after = audit.snapshot(invitation, before.keys())
    record(
        session,
        answerer,
        "invitation.seats_requested",
        invitation,
        invitation,
        audit.changes_between(before, after),
    )
    convening = invitation.convening
    recipients = _organiser_addresses(session, convening)
    if recipients:
        mail.queue(
            session,
            recipients,
            f"{invitation.organisation.name} asks for more seats at {convening.title}",
            render_template(
                "email/seat_request_received.txt",
                invitation=invitation,
                convening=convening,
                answerer=answerer,
                link=external_url("invitations.answer", invitation_id=invitation.id),
            ),
            convening_id=convening.id,
        )


def decide_seats(
    session: Session,
    principal: Principal,
    invitation: Invitation,
    approve: bool,
    *,
    version: int | None = None,
) -> None:
    """Approve (raise the quota by the seats asked for) or refuse a pending request.

    ``version`` is the invitation's version the decider saw: if the request changed since,
    nothing is decided.
    """
    invitation = lock_invitation(session, invitation)
    if version is not None and version != invitation.version:
        raise StaleError()
    if invitation.extra_seats_status != SeatRequestStatus.PENDING:
        raise InputError("There is no request for more seats waiting for a decision.")
    before = audit.snapshot(invitation, ("seat_quota", "extra_seats_status"))
    if approve:
        invitation.seat_quota += invitation.extra_seats_requested
        invitation.extra_seats_status = SeatRequestStatus.APPROVED
    else:
        invitation.extra_seats_status = SeatRequestStatus.REFUSED
    session.flush()
    after = audit.snapshot(invitation, before.keys())
    audit.record(
        session,
        principal.user,
        "invitation.seats_approved" if approve else "invitation.seats_refused",
        invitation,
        changes={
            **audit.changes_between(before, after),
            "requested": invitation.extra_seats_requested,
        },
        convening_id=invitation.convening_id,
        label=invitation.organisation.name,
    )
    focal_point = invitation.focal_point
    if focal_point is not None and focal_point.email:
        convening = invitation.convening
        mail.queue(
            session,
            [focal_point.email],
            f"Your request for more seats at {convening.title}",
            render_template(
                "email/seat_request_decided.txt",
                invitation=invitation,
                convening=convening,
                focal_point=focal_point,
                approved=approve,
            ),
            convening_id=convening.id,
        )
