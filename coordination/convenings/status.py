"""A convening's status and the moves between statuses.

Status moves forward: draft -> published -> concluded. A draft or a published convening
can be cancelled, and a cancelled one reinstated as a draft. A published convening may go
back to draft only while no organisation has been sent its invitation: invited people
would otherwise lose sight of something they were told about. Concluded is final.
Publishing needs a venue or a remote link; concluding needs the convening to have begun.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import PARTICIPATING_STATUSES, Convening, ConveningStatus, Invitation, utcnow
from ..principal import Principal
from ..service import InputError, StaleError

ALLOWED_TRANSITIONS: dict[ConveningStatus, tuple[ConveningStatus, ...]] = {
    ConveningStatus.DRAFT: (ConveningStatus.PUBLISHED, ConveningStatus.CANCELLED),
    ConveningStatus.PUBLISHED: (
        ConveningStatus.CONCLUDED,
        ConveningStatus.CANCELLED,
        ConveningStatus.DRAFT,
    ),
    ConveningStatus.CONCLUDED: (),
    ConveningStatus.CANCELLED: (ConveningStatus.DRAFT,),
}


def allowed_transitions(convening: Convening) -> tuple[ConveningStatus, ...]:
    return ALLOWED_TRANSITIONS[convening.status]


def transition_label(convening: Convening, target: ConveningStatus) -> str:
    """The words on the button that moves the convening to ``target``."""
    if target is ConveningStatus.DRAFT:
        if convening.status is ConveningStatus.CANCELLED:
            return "Reinstate as draft"
        return "Return to draft"
    return {
        ConveningStatus.PUBLISHED: "Publish",
        ConveningStatus.CONCLUDED: "Mark as concluded",
        ConveningStatus.CANCELLED: "Cancel convening",
    }[target]


def _transition_problem(session: Session, convening: Convening, target: ConveningStatus) -> str:
    if target not in ALLOWED_TRANSITIONS[convening.status]:
        return f"A {convening.status.label.lower()} convening cannot become {target.label.lower()}."
    if target is ConveningStatus.PUBLISHED and not (convening.venue_name or convening.remote_url):
        return "Add a venue or a remote link before publishing."
    if target is ConveningStatus.CONCLUDED and convening.starts_at > utcnow():
        return "A convening can be marked concluded only once it has begun."
    if convening.status is ConveningStatus.PUBLISHED and target is ConveningStatus.DRAFT:
        invited = session.scalar(
            select(func.count(Invitation.id)).where(
                Invitation.convening_id == convening.id,
                Invitation.status.in_(PARTICIPATING_STATUSES),
            )
        )
        if invited:
            return (
                "Invitations have been sent, so it cannot go back to draft; "
                "cancel it instead if it will not happen."
            )
    return ""


def change_status(
    session: Session,
    principal: Principal,
    convening: Convening,
    target: ConveningStatus,
    expected_version: int | None = None,
) -> None:
    """Move the convening to another status if the rules allow it."""
    if expected_version is not None and expected_version != convening.version:
        raise StaleError()
    problem = _transition_problem(session, convening, target)
    if problem:
        raise InputError(problem, "status")
    before = convening.status
    convening.status = target
    # Invitees' calendar files must replace the earlier copy (or cancel it).
    convening.calendar_sequence += 1
    session.flush()
    audit.record(
        session,
        principal.user,
        "convening.status_changed",
        convening,
        changes={"status": [before.value, target.value]},
        convening_id=convening.id,
    )
