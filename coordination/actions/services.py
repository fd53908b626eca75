"""Changing action items: creating one or several and editing them.

Input checks live in ``rules``, status and notes in ``status``, carrying over in
``carrying``, reading in ``queries``. Each service takes the session and the acting principal,
refuses with the service contract's errors, audits what it changes and never commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdateKind,
    Convening,
)
from ..principal import Principal
from ..service import InputError
from .carrying import carry_over, next_convening
from .changes import add_update, check_version, describe, refuse_if_carried
from .queries import (
    ActionDetails,
    ActionRow,
    HistoryEntry,
    ListFilters,
    convening_actions,
    details,
    my_actions,
    owner_filter_options,
    today_in,
)
from .rules import (
    CARRIED,
    CLOSED_STATUSES,
    DESCRIPTION_MAX,
    FIELD_NAMES,
    NOTE_MAX,
    OUTSTANDING,
    TITLE_MAX,
    ActionInput,
    BulkActionError,
    BulkRow,
    Choices,
    check_links,
    choices,
    resolve,
)
from .status import update_status

__all__ = [
    "CARRIED",
    "CLOSED_STATUSES",
    "DESCRIPTION_MAX",
    "NOTE_MAX",
    "OUTSTANDING",
    "TITLE_MAX",
    "ActionDetails",
    "ActionInput",
    "ActionRow",
    "BulkActionError",
    "BulkRow",
    "Choices",
    "HistoryEntry",
    "ListFilters",
    "carry_over",
    "choices",
    "convening_actions",
    "create_action",
    "create_actions",
    "details",
    "edit_action",
    "my_actions",
    "next_convening",
    "owner_filter_options",
    "today_in",
    "update_status",
]


# Creating ----------------------------------------------------------------------------------------


def _new_action(
    session: Session, principal: Principal, convening: Convening, values: dict[str, object]
) -> ActionItem:
    actor = principal.user
    action = ActionItem(
        convening=convening, created_by_id=actor.id if actor else None, status=ActionStatus.OPEN
    )
    for name, value in values.items():
        setattr(action, name, value)
    add_update(action, actor, ActionUpdateKind.CREATED, new=ActionStatus.OPEN)
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor,
        "action.created",
        action,
        changes={**describe(action), "status": action.status},
        convening_id=convening.id,
    )
    return action


def create_action(
    session: Session, principal: Principal, convening: Convening, data: ActionInput
) -> ActionItem:
    """Record one action agreed at the convening, owned by an organisation and/or a person."""
    values, errors = resolve(session, convening, data)
    if errors:
        raise InputError(errors)
    return _new_action(session, principal, convening, values)


def create_actions(
    session: Session,
    principal: Principal,
    convening: Convening,
    rows: list[BulkRow],
    agenda_item_id: int | None = None,
    decision_id: int | None = None,
) -> list[ActionItem]:
    """Record several actions at once: blank rows are skipped; any faulty row creates none."""
    _item, _decision, general = check_links(session, convening, agenda_item_id, decision_id)
    row_errors: dict[int, dict[str, str]] = {}
    checked: list[dict[str, object]] = []
    for index, row in enumerate(rows):
        if row.blank:
            continue
        data = ActionInput(
            title=row.title,
            agenda_item_id=agenda_item_id,
            decision_id=decision_id,
            owner_organisation_id=row.owner_organisation_id,
            due_on=row.due_on,
        )
        row_values, problems = resolve(session, convening, data)
        problems = {k: v for k, v in problems.items() if k not in ("agenda_item_id", "decision_id")}
        if row.owner_organisation_id is None:
            problems["owner_organisation_id"] = "Choose the organisation that owns this action."
        if problems:
            row_errors[index] = problems
        else:
            checked.append(row_values)
    if not checked and not row_errors:
        general["rows"] = "Write at least one action: a title and the organisation that owns it."
    if row_errors or general:
        raise BulkActionError(row_errors, general)
    return [_new_action(session, principal, convening, row_values) for row_values in checked]


def edit_action(
    session: Session,
    principal: Principal,
    action: ActionItem,
    data: ActionInput,
    version: int | None,
) -> bool:
    """Change or reassign an action; the history names the fields changed. False if none."""
    check_version(action, version)
    refuse_if_carried(session, action)
    values, errors = resolve(session, action.convening, data)
    if errors:
        raise InputError(errors)
    before = describe(action)
    for name, value in values.items():
        setattr(action, name, value)
    changes = audit.changes_between(before, describe(action))
    if not changes:
        return False
    named = ", ".join(FIELD_NAMES[name] for name in changes)
    add_update(action, principal.user, ActionUpdateKind.EDITED, note=f"Changed {named}.")
    session.flush()
    audit.record(
        session,
        principal.user,
        "action.updated",
        action,
        changes=changes,
        convening_id=action.convening_id,
    )
    return True
