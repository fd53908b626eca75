"""Rules for minutes: writing, editing (with revisions), deleting and publishing them.

Each is a service ``(session, principal, ...)`` that raises only the service contract's
errors and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    AgendaItem,
    AudienceKind,
    Convening,
    MinuteEntry,
    MinuteKind,
    MinuteRevision,
    utcnow,
)
from ..principal import Principal
from ..service import InputError, StaleError

MAX_BODY = 20000


@dataclass
class MinuteInput:
    """What a person wrote: the kind, the text, and the agenda item (None for general)."""

    kind: MinuteKind
    body: str
    agenda_item_id: int | None = None


def _agenda_item(session: Session, convening: Convening, item_id: int | None) -> AgendaItem | None:
    if item_id is None:
        return None
    item = session.get(AgendaItem, item_id)
    if item is None or item.convening_id != convening.id:
        raise InputError("Choose an item from this convening's agenda.", "agenda_item_id")
    return item


def _checked(
    session: Session, convening: Convening, data: MinuteInput
) -> tuple[str, AgendaItem | None]:
    body = (data.body or "").strip()
    errors = {}
    if not body:
        errors["body"] = "Write the note or decision."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep it under {MAX_BODY} characters."
    try:
        item = _agenda_item(session, convening, data.agenda_item_id)
    except InputError as error:
        errors.update(error.errors)
        item = None
    if errors:
        raise InputError(errors)
    return body, item


def _describe(entry: MinuteEntry) -> dict[str, object]:
    item = entry.agenda_item
    return {
        "kind": entry.kind.value,
        "agenda_item": item.title if item else None,
        "body": entry.body,
    }


def add_entry(
    session: Session, principal: Principal, convening: Convening, data: MinuteInput
) -> MinuteEntry:
    """Record a note or decision, against an agenda item or as a general note."""
    body, item = _checked(session, convening, data)
    actor = principal.user
    entry = MinuteEntry(
        convening_id=convening.id,
        agenda_item=item,
        kind=data.kind,
        body=body,
        created_by_id=actor.id if actor else None,
    )
    session.add(entry)
    audit.record(
        session,
        actor,
        "minute.created",
        entry,
        changes=_describe(entry),
        convening_id=convening.id,
        label=f"{entry.kind.label} {body[:60]}",
    )
    return entry


def _check_version(entry: MinuteEntry, version: int | None) -> None:
    if version is None or version != entry.version:
        raise StaleError()


def edit_entry(
    session: Session,
    principal: Principal,
    convening: Convening,
    entry: MinuteEntry,
    data: MinuteInput,
    version: int | None,
) -> bool:
    """Change an entry, keeping the text it replaces as a revision; False if nothing changed."""
    _check_version(entry, version)
    if entry.deleted:
        raise InputError("This entry has been deleted.")
    body, item = _checked(session, convening, data)
    before = _describe(entry)
    previous_body = entry.body
    entry.kind = data.kind
    entry.agenda_item = item
    entry.body = body
    changes = audit.changes_between(before, _describe(entry))
    if not changes:
        return False
    actor = principal.user
    if body != previous_body:
        entry.revisions.append(
            MinuteRevision(
                body=previous_body, edited_by_id=actor.id if actor else None, edited_at=utcnow()
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "minute.updated",
        entry,
        changes=changes,
        convening_id=convening.id,
        label=f"{entry.kind.label} {body[:60]}",
    )
    return True


def delete_entry(
    session: Session,
    principal: Principal,
    convening: Convening,
    entry: MinuteEntry,
    version: int | None,
) -> None:
    """Mark an entry deleted: it leaves the minutes but stays for the audit trail."""
    _check_version(entry, version)
    if entry.deleted:
        raise InputError("This entry was already deleted.")
    entry.deleted = True
    session.flush()
    audit.record(
        session,
        principal.user,
        "minute.deleted",
        entry,
        changes={"deleted": [False, True]},
        convening_id=convening.id,
        label=f"{entry.kind.label} {entry.body[:60]}",
    )


def set_published(
    session: Session, principal: Principal, convening: Convening, published: bool
) -> bool:
    """Share the minutes with participants, or withdraw them; False if already so."""
    if (convening.minutes_published_at is not None) == published:
        return False
    before = convening.minutes_published_at
    convening.minutes_published_at = utcnow() if published else None
    session.flush()
    audit.record(
        session,
        principal.user,
        "minutes.published" if published else "minutes.unpublished",
        convening,
        changes={"minutes_published_at": [before, convening.minutes_published_at]},
        convening_id=convening.id,
    )
    return True


def before_item_deleted(session: Session, principal: Principal, item: AgendaItem) -> int:
    """Call before deleting an agenda item: its restricted minutes must not turn general.

    Deleting an item leaves its entries with no item (ON DELETE SET NULL), which would show
    them to everyone invited. Entries of an item meant for everyone may do that; those of an
    item meant for some organisations or the team are marked deleted instead (kept, audited).
    Answers how many were marked.
    """
    if item.audience.kind == AudienceKind.EVERYONE:
        return 0
    entries = session.scalars(
        select(MinuteEntry).where(
            MinuteEntry.agenda_item_id == item.id, MinuteEntry.deleted.is_(False)
        )
    ).all()
    for entry in entries:
        entry.deleted = True
        audit.record(
            session,
            principal.user,
            "minute.deleted",
            entry,
            changes={"deleted": [False, True], "agenda_item": [item.title, None]},
            convening_id=item.convening_id,
            label=f"{entry.kind.label} {entry.body[:60]}",
        )
    return len(entries)


def find_entry(session: Session, convening: Convening, entry_id: int) -> MinuteEntry | None:
    """The convening's entry with this id (deleted or not), or None."""
    return session.scalar(
        select(MinuteEntry).where(
            MinuteEntry.id == entry_id, MinuteEntry.convening_id == convening.id
        )
    )
