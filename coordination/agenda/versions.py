"""Publishing the draft agenda as a numbered, frozen version, and what changed since the last."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from ..audiences import snapshot
from ..models import AgendaItem, AgendaVersion, Convening, utcnow
from ..principal import Principal
from ..service import InputError
from . import queries
from .diffs import CHANGE_KINDS, diff
from .notify import notify_change
from .presenters import presenters_text
from .timing import compute


def snapshot_items(items: list[AgendaItem], convening: Convening) -> list[dict[str, Any]]:
    """The draft items as they would be published: computed UTC times, display text."""
    schedule = compute(items, convening.starts_at, convening.ends_at, convening.timezone)
    return [
        {
            "item_id": entry.item.id,
            "kind": entry.item.kind.value,
            "title": entry.item.title,
            "description": entry.item.description,
            "starts_at": entry.starts_at.isoformat(),
            "ends_at": entry.ends_at.isoformat(),
            "presenters": presenters_text(entry.item),
            "audience": snapshot(entry.item.audience),
            # SQLite may give a deleted item's id to a new one: this tells them apart.
            "created_at": entry.item.created_at.isoformat(),
        }
        for entry in schedule.items
    ]


def publish(
    session: Session, principal: Principal, convening: Convening, *, notify: bool = False
) -> AgendaVersion:
    """Freeze the draft as the next numbered version; optionally tell everyone invited."""
    items = queries.draft_items(session, convening)
    previous = queries.latest_version(session, convening)
    frozen = snapshot_items(items, convening)
    if previous is None and not frozen:
        raise InputError("Add at least one item before publishing the agenda.")
    if previous is not None and previous.items == frozen:
        raise InputError(
            f"Nothing has changed since version {previous.number}, so there is nothing to publish."
        )
    before = previous.items if previous else []
    changes = diff(before, frozen)
    retimed = {entry["item_id"] for entry in changes["retimed"]}
    for item in items:
        if item.id in retimed:
            item.calendar_sequence += 1
    version = AgendaVersion(
        convening_id=convening.id,
        number=(previous.number if previous else 0) + 1,
        published_at=utcnow(),
        published_by_id=principal.user.id if principal.user else None,
        items=frozen,
        changes=changes,
    )
    session.add(version)
    session.flush()
    notified = None
    if notify:
        notified = notify_change(session, convening, version, before)
        version.notified_at = utcnow()
    record = {
        "number": version.number,
        "items": len(frozen),
        **{kind: len(changes[kind]) for kind in CHANGE_KINDS},
    }
    if notified is not None:
        record["notified"] = notified
    audit.record(
        session,
        principal.user,
        "agenda.published",
        version,
        changes=record,
        convening_id=convening.id,
        label=f"Agenda version {version.number}",
    )
    return version
