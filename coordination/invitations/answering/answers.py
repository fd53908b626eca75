"""Answering an invitation: who answers, until when, and the organisation's answer.

The focal point answers through their link or their account; organisers may record an answer
received by phone or letter on the organisation's behalf (marked so in the audit trail).
Delegates are named in ``delegates``, more seats asked for in ``seats``.

Declining cancels every delegate still named (each receives a calendar cancellation), so a
declined invitation never holds seats; the page asks for a confirmation first when delegates
are named. Withdrawing an invitation cancels them the same way (``cancel_delegates``).
Answers change until the RSVP deadline (or, with none, until the convening starts).
The organisers may still record changes after it, until the convening ends: the deadline is
the invitees', and late news reaches the organisers by phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ... import audit
from ...models import (
    PARTICIPATING_STATUSES,
    Convening,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    User,
    utcnow,
)
from ...permissions import Action, can
from ...principal import Principal
from ...service import InputError, NotPermitted, StaleError
from .. import links
from . import delegate_mail, mail_limits

ANSWERS = (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE, InvitationStatus.DECLINED)
# Statuses in which the organisation may name delegates.
NAMING_STATUSES = (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
NOT_PERMITTED = (
    "Only the organisation's focal point (by their link or their account) and the convening's "
    "organisers may answer this invitation."
)


class DeclineNeedsConfirmation(InputError):
    """Declining would cancel named delegates: the person must confirm first."""

    def __init__(self, count: int):
        self.count = count
        people = "delegate" if count == 1 else "delegates"
        super().__init__(
            f"Declining cancels the {count} {people} you have named; each is told by email."
        )


@dataclass(frozen=True)
class Answerer:
    """Who is answering: the focal point (by link or account) or the team on their behalf."""

    user: User | None
    on_behalf: bool

    def describe(self) -> str:
        if self.on_behalf:
            return f"{self.user.name} (on the organisation's behalf)"
        if self.user is not None:
            return self.user.name
        return "Holder of the invitation link"


def holds_current_link(principal: Principal, invitation: Invitation) -> bool:
    """Whether this browser opened the invitation's current, unexpired link."""
    return links.is_current(invitation, principal.link_grants.get(invitation.id))


def answerer_for(principal: Principal, invitation: Invitation) -> Answerer:
    """The answerer a principal allowed to answer acts as."""
    user = principal.user
    as_focal_point = (
        user is not None
        and user.proven_contact_id is not None
        and user.proven_contact_id == invitation.focal_point_id
    )
    invitee = as_focal_point or holds_current_link(principal, invitation)
    return Answerer(user=user, on_behalf=not invitee)


def acting_answerer(principal: Principal, invitation: Invitation) -> Answerer:
    """The answerer a service acts as; NotPermitted for a principal who may not answer."""
    if not can(principal, Action.ANSWER_INVITATION, invitation):
        raise NotPermitted(NOT_PERMITTED)
    return answerer_for(principal, invitation)


def check_mail_allowance(
    session: Session,
    invitation: Invitation,
    addresses: list[str],
    answerer: Answerer,
    field: str = "",
) -> None:
    """Refuse a change made through the invitation that would send delegates too much mail.

    Organisers acting on the organisation's behalf are not held to the cap.
    """
    if answerer.on_behalf:
        return
    refusal = mail_limits.problem(session, invitation, addresses)
    if refusal is not None:
        raise InputError(refusal.message, field if refusal.about_address else "")


def deadline(convening: Convening) -> datetime:
    """Until when invitees may change their answer."""
    return convening.rsvp_deadline or convening.starts_at


def closed_reason(invitation: Invitation, answerer: Answerer, now: datetime | None = None):
    """Why answers cannot change now, in words for the page; None while they can."""
    now = now or utcnow()
    convening = invitation.convening
    if convening.status == ConveningStatus.CANCELLED:
        return "This convening has been cancelled, so answers are closed."
    if invitation.status == InvitationStatus.WITHDRAWN:
        return (
            "The organisers have withdrawn this invitation, so it can no longer be answered. "
            "If you think this is a mistake, contact the organisers."
        )
    if invitation.status == InvitationStatus.DRAFT:
        return "This invitation has not been sent yet, so it cannot be answered."
    if convening.status == ConveningStatus.CONCLUDED or convening.ends_at <= now:
        return "This convening is over, so answers are closed."
    if deadline(convening) <= now and not answerer.on_behalf:
        return (
            "The deadline for answers has passed, so this answer can no longer be changed "
            "here. To change it, contact the organisers."
        )
    return None


def past_deadline(invitation: Invitation, now: datetime | None = None) -> bool:
    return deadline(invitation.convening) <= (now or utcnow())


def lock_invitation(session: Session, invitation: Invitation) -> Invitation:
    """Re-read the invitation under a row lock, so concurrent answers for it queue up.

    On PostgreSQL this is SELECT ... FOR UPDATE; SQLite writers already hold the database's
    write lock from the start of their transaction.
    """
    return session.execute(
        select(Invitation)
        .where(Invitation.id == invitation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def check_open(invitation: Invitation, answerer: Answerer) -> None:
    reason = closed_reason(invitation, answerer)
    if reason:
        raise InputError(reason)


def load_for_page(session: Session, invitation_id: int) -> Invitation:
    """The invitation with everything its answer page shows, in a fixed number of queries."""
    return session.execute(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .options(
            joinedload(Invitation.convening).joinedload(Convening.host_organisation),
            joinedload(Invitation.organisation),
            joinedload(Invitation.focal_point),
            selectinload(Invitation.delegates),
        )
        .execution_options(populate_existing=True)
    ).scalar_one()


def invitation_to_answer(
    session: Session, principal: Principal, convening: Convening
) -> Invitation | None:
    """The invitation to this convening that the signed-in focal point answers, if any."""
    user = principal.user
    if user is None or user.proven_contact_id is None:
        return None
    return session.scalar(
        select(Invitation)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.focal_point_id == user.proven_contact_id,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
        .options(joinedload(Invitation.organisation))
    )


def record(session: Session, answerer: Answerer, action: str, obj, invitation, changes: dict):
    """Write the audit event of a change made while answering, saying who made it and how."""
    audit.record(
        session,
        answerer.user,
        action,
        obj,
        changes={**changes, "on_behalf": answerer.on_behalf, "by": answerer.describe()},
        convening_id=invitation.convening_id,
        label=invitation.organisation.name if obj is invitation else None,
    )


def answer(
    session: Session,
    principal: Principal,
    invitation: Invitation,
    status: InvitationStatus,
    *,
    confirmed: bool = False,
    expected_version: int | None = None,
) -> bool:
    """Record the organisation's answer; answer whether it changed anything.

    With ``expected_version``, nothing is recorded if the invitation changed since then.
    """
    answerer = acting_answerer(principal, invitation)
    if status not in ANSWERS:
        raise InputError("Choose whether your organisation accepts, declines or may attend.")
    invitation = lock_invitation(session, invitation)
    if expected_version is not None and expected_version != invitation.version:
        raise StaleError()
    check_open(invitation, answerer)
    before = invitation.status
    if before == status:
        return False
    named = named_delegates(session, invitation)
    if status == InvitationStatus.DECLINED and named and not confirmed:
        raise DeclineNeedsConfirmation(len(named))
    retold = status in NAMING_STATUSES and before in NAMING_STATUSES
    if retold:
        # Declining is never held back by the cap: each delegate is told once, and the
        # delegates are gone afterwards.
        check_mail_allowance(session, invitation, [d.email for d in named], answerer)
    invitation.status = status
    invitation.responded_at = utcnow()
    invitation.answered_on_behalf = answerer.on_behalf
    changes = {"status": [before.value, status.value]}
    if status == InvitationStatus.DECLINED and named:
        changes["cancelled_delegates"] = cancelled_names(named)
    session.flush()
    record(session, answerer, "invitation.answered", invitation, invitation, changes)
    if status == InvitationStatus.DECLINED:
        cancel_delegates(session, invitation, named, delegate_mail.DECLINED)
    elif retold:
        # Accepted <-> tentative: each delegate's calendar shows the new participation.
        for delegate in named:
            delegate.calendar_sequence += 1
            delegate_mail.send(session, invitation, delegate, delegate_mail.UPDATED)
    session.flush()
    return True


def named_delegates(session: Session, invitation: Invitation) -> list[Delegate]:
    """The invitation's confirmed delegates, read afresh.

    Read after the invitation is locked, so a delegate added a moment ago is included.
    """
    return list(
        session.scalars(
            select(Delegate)
            .where(
                Delegate.invitation_id == invitation.id,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
            .order_by(Delegate.id)
        )
    )


def cancelled_names(named: list[Delegate]) -> str:
    """The delegates cancelled, for the audit trail (one text: a pair would read as a change)."""
    return ", ".join(delegate.name for delegate in named)


def cancel_delegates(
    session: Session,
    invitation: Invitation,
    named: list[Delegate],
    reason: str,
    batch: str | None = None,
) -> None:
    """Cancel delegates because their organisation is no longer coming (declined or withdrawn).

    Each is kept as cancelled, stops counting against the quota and granting access, and
    receives a calendar cancellation. Declining and withdrawing both end here.
    """
    for delegate in named:
        delegate.status = DelegateStatus.CANCELLED
        delegate.is_head = False
        delegate.calendar_sequence += 1
        delegate_mail.send(
            session, invitation, delegate, delegate_mail.CANCELLED, reason=reason, batch=batch
        )
