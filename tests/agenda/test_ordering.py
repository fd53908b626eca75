"""The order of the draft agenda: moving one item, or sending a whole new order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.agenda import ordering
from coordination.models import AuditEvent
from coordination.service import StaleError
from tests.factories import principal

from .helpers import add_item, audit_actions, titles


def test_move_up_and_down_swaps_neighbours(app_context, db, setting):
    first = add_item(db, setting.convening, "One")
    add_item(db, setting.convening, "Two")
    last = add_item(db, setting.convening, "Three")

    assert ordering.move_item(db, principal(setting.organiser), last, "up")
    assert ordering.move_item(db, principal(setting.organiser), first, "down")
    db.commit()

    assert titles(db, setting.convening) == ["Three", "One", "Two"]
    assert audit_actions(db, setting.convening) == ["agenda_item.moved", "agenda_item.moved"]


def test_move_beyond_either_end_changes_nothing(app_context, db, setting):
    first = add_item(db, setting.convening, "One")
    last = add_item(db, setting.convening, "Two")

    assert not ordering.move_item(db, principal(setting.organiser), first, "up")
    assert not ordering.move_item(db, principal(setting.organiser), last, "down")

    assert titles(db, setting.convening) == ["One", "Two"]
    assert audit_actions(db, setting.convening) == []


def test_reorder_puts_items_in_the_given_order(app_context, db, setting):
    one, two, three = (add_item(db, setting.convening, t) for t in ("One", "Two", "Three"))

    assert ordering.reorder(
        db, principal(setting.organiser), setting.convening, [three.id, one.id, two.id]
    )
    db.commit()

    assert titles(db, setting.convening) == ["Three", "One", "Two"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda.reordered"))
    assert event.changes == {"order": ["One · Two · Three", "Three · One · Two"]}


@pytest.mark.parametrize("shape", ["missing", "duplicated", "foreign"])
def test_reorder_not_naming_each_item_once_is_refused(app_context, db, make, setting, shape):
    one, two = add_item(db, setting.convening, "One"), add_item(db, setting.convening, "Two")
    foreign = add_item(db, make.convening(), "Elsewhere")
    order = {
        "missing": [two.id],
        "duplicated": [two.id, two.id, one.id],
        "foreign": [two.id, foreign.id],
    }[shape]

    with pytest.raises(StaleError):
        ordering.reorder(db, principal(setting.organiser), setting.convening, order)

    assert titles(db, setting.convening) == ["One", "Two"]
