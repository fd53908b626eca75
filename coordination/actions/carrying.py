"""Carrying an open action over to the next convening of its series."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    ActionItem,
    ActionUpdateKind,
    Convening,
    ConveningStatus,
    utcnow,
)
from ..permissions import Action, can
from ..principal import Principal
from ..service import InputError, NotPermitted
from .changes import add_update, check_version, refuse_if_carried
from .rules import CLOSED_STATUSES


def next_convening(session: Session, convening: Convening) -> Convening | None:
    """The series' next convening by start time, leaving out cancelled ones."""
    if convening.series_id is None:
        return None
    return session.scalar(
        select(Convening)
        .where(
            Convening.series_id == convening.series_id,
            Convening.id != convening.id,
            Convening.status != ConveningStatus.CANCELLED,
            or_(
                Convening.starts_at > convening.starts_at,
                (Convening.starts_at == convening.starts_at) & (Convening.id > convening.id),
            ),
        )
        .order_by(Convening.starts_at, Convening.id)
        .limit(1)
    )


def carry_over(
    session: Session, principal: Principal, action: ActionItem, version: int | None = None
) -> ActionItem:
    """Continue an open action in the series' next convening, keeping its history.

    A person carrying it over must manage the next convening's actions too (the system may).
    """
    if version is not None:
        check_version(action, version)
    refuse_if_carried(session, action)
    if action.status in CLOSED_STATUSES:
        raise InputError(
            f"This action is {action.status.label.lower()}; only open actions are carried over."
        )
    source = action.convening
    target = next_convening(session, source)
    if target is None:
        where = "its series" if source.series_id else "a series"
        raise InputError(
            f"There is no later convening in {where} to carry it over to."
            if source.series_id
            else "This convening is not part of a series, so there is no next convening."
        )
    if principal.user is not None and not can(principal, Action.MANAGE_ACTIONS, target):
        raise NotPermitted(
            f"Only the team of {target.title} can carry actions over to it; ask its organisers."
        )
    successor = ActionItem(
        convening=target,
        carried_from=action,
        title=action.title,
        description=action.description,
        owner_organisation_id=action.owner_organisation_id,
        owner_user_id=action.owner_user_id,
        owner_delegate_id=action.owner_delegate_id,
        due_on=action.due_on,
        priority=action.priority,
        status=action.status,
        created_by_id=principal.user.id if principal.user else None,
    )
    actor = principal.user
    now = utcnow()
    action.carried_over_at = now
    add_update(
        action, actor, ActionUpdateKind.CARRIED_OVER, note=f"Carried over to {target.title}."
    )
    add_update(
        successor,
        actor,
        ActionUpdateKind.CARRIED_OVER,
        new=action.status,
        note=f"Carried over from {source.title}.",
    )
    session.add(successor)
    session.flush()
    audit.record(
        session,
        actor,
        "action.carried_over",
        action,
        changes={"carried_to": target.title},
        convening_id=source.id,
    )
    audit.record(
        session,
        actor,
        "action.carried_in",
        successor,
        changes={"carried_from": source.title, "status": successor.status},
        convening_id=target.id,
    )
    return successor
