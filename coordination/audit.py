"""Writing and reading the audit trail."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from .models import AuditEvent, User

# Called with (session, event, object) for each event recorded, inside the same transaction:
# how webhooks learn of a change without the services knowing they exist.
RecordListener = Callable[[Session, AuditEvent, Any], None]
_listeners: list[RecordListener] = []


def on_record(listener: RecordListener) -> RecordListener:
    """Register ``listener`` to hear of every audit event as it is recorded."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of the named fields, for comparing after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    session: Session,
    actor: User | None,
    action: str,
    obj: Any,
    *,
    changes: dict[str, Any] | None = None,
    convening_id: int | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        object_label=(label if label is not None else _label(obj))[:300],
        convening_id=convening_id,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        remote_address=request.remote_addr if has_request_context() else None,
    )
    session.add(event)
    for listener in _listeners:
        listener(session, event, obj)
    return event


def _label(obj: Any) -> str:
    for attribute in ("title", "name", "email"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return f"{type(obj).__name__} {getattr(obj, 'id', '')}".strip()
