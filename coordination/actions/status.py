"""Status changes and progress notes: the only changes an action's owners may make."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    utcnow,
)
from ..principal import Principal, organisation_ids_of
from ..service import InputError
from .changes import add_update, check_version, refuse_if_carried
from .rules import CLOSED_STATUSES, NOTE_MAX, clean_text


def _author_organisation_id(
    session: Session, principal: Principal, action: ActionItem
) -> int | None:
    """The organisation the author wrote for: their own, or the owner one they act for."""
    if principal.user is None:
        return None
    if action.owner_organisation_id in organisation_ids_of(principal, session):
        return action.owner_organisation_id
    return principal.user.organisation_id


def update_status(
    session: Session,
    principal: Principal,
    action: ActionItem,
    status: ActionStatus | None,
    note: str,
    version: int | None,
) -> ActionUpdate:
    """Change the status and/or add a progress note: the only change owners may make."""
    check_version(action, version)
    refuse_if_carried(session, action)
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise InputError(f"Keep the note under {NOTE_MAX} characters.", "note")
    new = status or action.status
    changed = new != action.status
    if not changed and not note:
        raise InputError("Choose a new status or write a progress note.", "note")
    actor = principal.user
    organisation_id = _author_organisation_id(session, principal, action)
    old = action.status
    if changed:
        action.status = new
        if new in CLOSED_STATUSES and old not in CLOSED_STATUSES:
            action.closed_at = utcnow()
        elif new not in CLOSED_STATUSES:
            action.closed_at = None
        # One entry when both change: the note explains the new status.
        update = add_update(
            action,
            actor,
            ActionUpdateKind.STATUS,
            old=old,
            new=new,
            note=note,
            organisation_id=organisation_id,
        )
    else:
        update = add_update(
            action, actor, ActionUpdateKind.NOTE, note=note, organisation_id=organisation_id
        )
        # A note alone still counts as a change of the action, for concurrent editors.
        action.updated_at = utcnow()
    session.flush()
    audit_changes: dict[str, object] = {}
    if changed:
        audit_changes["status"] = [old, new]
    if note:
        audit_changes["note"] = note[:300]
    audit.record(
        session,
        actor,
        "action.status_changed" if changed else "action.note_added",
        action,
        changes=audit_changes,
        convening_id=action.convening_id,
    )
    return update
