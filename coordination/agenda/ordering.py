"""The order of the draft agenda: positions, moving one item, and a whole new order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import AgendaItem, Convening
from ..principal import Principal
from ..service import InputError, StaleError


def ordered_items(session: Session, convening: Convening) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.convening_id == convening.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def renumber(items: list[AgendaItem]) -> None:
    """Positions 0, 1, 2...; only items whose position changes are written."""
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index


def move_item(session: Session, principal: Principal, item: AgendaItem, direction: str) -> bool:
    """Swap the item with the one above or below; False when it is already at that end."""
    if direction not in ("up", "down"):
        raise InputError("Choose to move the item up or down.", "direction")
    items = ordered_items(session, item.convening)
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    renumber(items)
    session.flush()
    audit.record(
        session,
        principal.user,
        "agenda_item.moved",
        item,
        changes={"position": [index + 1, target + 1]},
        convening_id=item.convening_id,
    )
    return True


def reorder(
    session: Session, principal: Principal, convening: Convening, item_ids: list[int]
) -> bool:
    """Put the items in the given order, which must name each item exactly once."""
    items = ordered_items(session, convening)
    by_id = {item.id: item for item in items}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(by_id):
        raise StaleError("The agenda has changed since you loaded it; reload it and reorder again.")
    ordered = [by_id[item_id] for item_id in item_ids]
    if ordered == items:
        return False
    renumber(ordered)
    session.flush()
    audit.record(
        session,
        principal.user,
        "agenda.reordered",
        convening,
        changes={
            "order": [
                " · ".join(item.title for item in items),
                " · ".join(item.title for item in ordered),
            ]
        },
        convening_id=convening.id,
        label=f"Agenda of {convening.title}",
    )
    return True
