"""What every change of an action writes and checks first: history entries, versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    User,
)
from ..service import InputError, StaleError


def describe(action: ActionItem) -> dict[str, object]:
    """The action's fields as the audit trail and the edit history name them."""
    person = action.owner_user.name if action.owner_user else None
    if person is None and action.owner_delegate is not None:
        person = action.owner_delegate.name
    return {
        "title": action.title,
        "description": action.description,
        "agenda_item": action.agenda_item.title if action.agenda_item else None,
        "decision": action.decision.body[:80] if action.decision else None,
        "owner_organisation": (
            action.owner_organisation.name if action.owner_organisation else None
        ),
        "owner_person": person,
        "due_on": action.due_on,
        "priority": action.priority,
    }


def add_update(
    action: ActionItem,
    actor: User | None,
    kind: ActionUpdateKind,
    *,
    note: str = "",
    old: ActionStatus | None = None,
    new: ActionStatus | None = None,
    organisation_id: int | None = None,
) -> ActionUpdate:
    update = ActionUpdate(
        kind=kind,
        old_status=old,
        new_status=new,
        note=note,
        author_id=actor.id if actor else None,
        author_name=actor.name if actor else "coordination",
        author_organisation_id=(
            organisation_id
            if organisation_id is not None
            else (actor.organisation_id if actor else None)
        ),
    )
    action.updates.append(update)
    return update


def check_version(action: ActionItem, version: int | None) -> None:
    if version is None or version != action.version:
        raise StaleError()


def successor_of(session: Session, action: ActionItem) -> ActionItem | None:
    return session.scalar(
        select(ActionItem)
        .where(ActionItem.carried_from_id == action.id)
        .options(joinedload(ActionItem.convening))
    )


def refuse_if_carried(session: Session, action: ActionItem) -> None:
    if action.carried_over_at is None:
        return
    successor = successor_of(session, action)
    where = f" to {successor.convening.title}" if successor else ""
    raise InputError(f"This action was carried over{where}; change it there.")
