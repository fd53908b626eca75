"""Rules for building the draft agenda: add, edit, duplicate and delete items.

Each is a service ``(session, principal, ...)`` that raises only the service contract's
errors and never commits. Checking input lives in ``validation``, the order in ``ordering``,
publishing in ``versions``. Every change is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from ..audiences import apply_audience
from ..minutes.services import before_item_deleted
from ..models import (
    AgendaItem,
    AgendaPresenter,
    Audience,
    AudienceOrganisation,
    Convening,
    Delegate,
    Organisation,
    utcnow,
)
from ..principal import Principal
from ..service import InputError, StaleError
from .ordering import move_item, ordered_items, renumber, reorder
from .presenters import live_audience_label, presenters_text
from .validation import ItemInput, Resolved, resolve

__all__ = [
    "ItemInput",
    "create_item",
    "delete_item",
    "describe",
    "duplicate_item",
    "input_from",
    "move_item",
    "reorder",
    "update_item",
]


def describe(item: AgendaItem) -> dict[str, Any]:
    """The audited fields as people read them."""
    return {
        "kind": item.kind.label,
        "title": item.title,
        "description": item.description,
        "duration_minutes": item.duration_minutes,
        "fixed_start": item.fixed_start.isoformat() if item.fixed_start else None,
        "presenters": presenters_text(item),
        "audience": live_audience_label(item.audience),
    }


def input_from(item: AgendaItem) -> ItemInput:
    """The input that would recreate the item as it is (for the edit form)."""
    zone = item.convening.zone
    return ItemInput(
        title=item.title,
        duration_minutes=item.duration_minutes,
        kind=item.kind.value,
        description=item.description,
        fixed_start_local=(
            item.fixed_start.astimezone(zone).replace(tzinfo=None) if item.fixed_start else None
        ),
        presenter_organisation_ids=[
            p.organisation_id for p in item.presenters if p.organisation_id is not None
        ],
        presenter_delegate_ids=[p.delegate_id for p in item.presenters if p.delegate_id],
        presenters_text=item.presenters_text,
        audience_kind=item.audience.kind.value,
        audience_kinds=list(item.audience.organisation_kinds or []),
        audience_organisation_ids=sorted(item.audience.organisation_ids),
    )


def _apply(session: Session, item: AgendaItem, values: Resolved) -> None:
    item.kind = values.kind
    item.title = values.title
    item.description = values.description
    item.duration_minutes = values.duration_minutes
    item.fixed_start = values.fixed_start
    item.presenters_text = values.presenters_text
    wanted = [("organisation", org_id) for org_id in values.presenter_organisation_ids] + [
        ("delegate", delegate_id) for delegate_id in values.presenter_delegate_ids
    ]
    current = {
        ("delegate", p.delegate_id) if p.delegate_id else ("organisation", p.organisation_id): p
        for p in item.presenters
    }
    presenters = []
    for key in wanted:
        presenter = current.get(key)
        if presenter is None:
            kind, object_id = key
            if kind == "delegate":
                presenter = AgendaPresenter(delegate=session.get(Delegate, object_id))
            else:
                presenter = AgendaPresenter(organisation=session.get(Organisation, object_id))
        presenters.append(presenter)
    item.presenters = presenters

    if item.audience is None:
        item.audience = Audience()
    apply_audience(
        session,
        item.audience,
        values.audience_kind,
        values.audience_kinds,
        values.audience_organisation_ids,
    )


def _index_for(items: list[AgendaItem], before_id: int | None, after_id: int | None) -> int:
    anchor_id = before_id if before_id is not None else after_id
    if anchor_id is None:
        return len(items)
    for index, item in enumerate(items):
        if item.id == anchor_id:
            return index if before_id is not None else index + 1
    raise InputError(
        "The item you chose to insert next to is no longer on the agenda; reload the agenda."
    )


def create_item(
    session: Session,
    principal: Principal,
    convening: Convening,
    data: ItemInput,
    *,
    before_id: int | None = None,
    after_id: int | None = None,
) -> AgendaItem:
    """Add an item at the end, or before or after another item."""
    values = resolve(session, convening, data)
    items = ordered_items(session, convening)
    index = _index_for(items, before_id, after_id)
    item = AgendaItem(convening=convening, position=index, presenters=[])
    _apply(session, item, values)
    items.insert(index, item)
    session.add(item)
    renumber(items)
    session.flush()
    audit.record(
        session,
        principal.user,
        "agenda_item.created",
        item,
        changes={**describe(item), "position": index + 1},
        convening_id=convening.id,
    )
    return item


def update_item(
    session: Session,
    principal: Principal,
    item: AgendaItem,
    data: ItemInput,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Save an edit made on the given version of the item; answer the fields changed."""
    if expected_version != item.version:
        raise StaleError()
    values = resolve(session, item.convening, data, item)
    before = describe(item)
    _apply(session, item, values)
    session.flush()
    changes = audit.changes_between(before, describe(item))
    if changes:
        # Presenters and the audience are rows of their own: touching the item raises its
        # version with any change, so an edit based on the one before is refused as stale.
        item.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            principal.user,
            "agenda_item.updated",
            item,
            changes=changes,
            convening_id=item.convening_id,
        )
    return changes


def duplicate_item(session: Session, principal: Principal, item: AgendaItem) -> AgendaItem:
    """A copy placed just after the item; it follows the original, so no fixed start."""
    items = ordered_items(session, item.convening)
    audience = item.audience
    copy = AgendaItem(
        convening=item.convening,
        position=item.position + 1,
        kind=item.kind,
        title=item.title,
        description=item.description,
        duration_minutes=item.duration_minutes,
        fixed_start=None,
        presenters_text=item.presenters_text,
        audience=Audience(
            kind=audience.kind,
            organisation_kinds=list(audience.organisation_kinds or []),
            organisation_links=[
                AudienceOrganisation(organisation=link.organisation)
                for link in audience.organisation_links
            ],
        ),
        presenters=[
            AgendaPresenter(organisation=p.organisation, delegate=p.delegate)
            for p in item.presenters
        ],
    )
    index = items.index(item) + 1
    items.insert(index, copy)
    session.add(copy)
    renumber(items)
    session.flush()
    audit.record(
        session,
        principal.user,
        "agenda_item.duplicated",
        copy,
        changes={**describe(copy), "copied_from": f"{item.title} (#{item.id})"},
        convening_id=item.convening_id,
    )
    return copy


def delete_item(
    session: Session, principal: Principal, item: AgendaItem, expected_version: int | None
) -> None:
    """Remove an item from the draft; published versions keep their copy."""
    if expected_version != item.version:
        raise StaleError()
    convening = item.convening
    values = describe(item)
    items = [other for other in ordered_items(session, convening) if other.id != item.id]
    audit.record(
        session,
        principal.user,
        "agenda_item.deleted",
        item,
        changes=values,
        convening_id=convening.id,
    )
    before_item_deleted(session, principal, item)
    session.delete(item)
    session.flush()
    renumber(items)
    session.flush()
