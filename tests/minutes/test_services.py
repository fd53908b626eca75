"""Minutes services: checking input, revisions, deleting, publishing, concurrency."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.db import get_database
from coordination.minutes import services
from coordination.minutes.services import MinuteInput
from coordination.models import (
    AuditEvent,
    Convening,
    MinuteEntry,
    MinuteKind,
    MinuteRevision,
    User,
)
from coordination.principal import load_principal
from coordination.service import InputError, StaleError
from tests.factories import principal

from .world import add_item


def note(body: str = "Agreed to meet again.", item_id: int | None = None, kind=MinuteKind.NOTE):
    return MinuteInput(kind=kind, body=body, agenda_item_id=item_id)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_add_entry_against_item_is_stored_and_audited(app_context, db, world):
    item = world.items["opening"]

    entry = services.add_entry(
        db,
        principal(world.coordinator),
        world.convening,
        note("  **Decided**  ", item.id, MinuteKind.DECISION),
    )
    db.commit()

    assert (entry.body, entry.kind, entry.agenda_item_id) == (
        "**Decided**",
        MinuteKind.DECISION,
        item.id,
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "minute.created")).one()
    assert event.convening_id == world.convening.id
    assert event.changes["agenda_item"] == "Opening remarks"


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * (services.MAX_BODY + 1)])
def test_add_entry_with_bad_body_is_refused(app_context, db, world, body):
    with pytest.raises(InputError) as raised:
        services.add_entry(db, principal(world.coordinator), world.convening, note(body))

    assert set(raised.value.errors) == {"body"}


def test_add_entry_against_another_convenings_item_is_refused(app_context, db, make, world):
    other = make.convening(organisers=(world.organiser,))
    foreign = add_item(db, other, "Elsewhere", position=0)

    with pytest.raises(InputError) as raised:
        services.add_entry(
            db, principal(world.coordinator), world.convening, note(item_id=foreign.id)
        )

    assert raised.value.errors == {"agenda_item_id": "Choose an item from this convening's agenda."}


def test_edit_keeps_the_replaced_text_as_a_revision(app_context, db, world):
    entry = services.add_entry(
        db, principal(world.coordinator), world.convening, note("First text")
    )
    db.commit()

    changed = services.edit_entry(
        db, principal(world.organiser), world.convening, entry, note("Second text"), entry.version
    )
    db.commit()

    assert changed is True
    assert entry.body == "Second text"
    [revision] = entry.revisions
    assert (revision.body, revision.edited_by_id) == ("First text", world.organiser.id)


def test_edit_changing_only_the_kind_keeps_no_revision(app_context, db, world):
    entry = services.add_entry(db, principal(world.coordinator), world.convening, note("Same"))
    db.commit()

    services.edit_entry(
        db,
        principal(world.coordinator),
        world.convening,
        entry,
        note("Same", kind=MinuteKind.DECISION),
        entry.version,
    )
    db.commit()

    assert entry.kind == MinuteKind.DECISION
    assert count(db, MinuteRevision) == 0


def test_edit_with_nothing_changed_answers_false_and_records_nothing(app_context, db, world):
    entry = services.add_entry(db, principal(world.coordinator), world.convening, note("Same"))
    db.commit()
    events = count(db, AuditEvent)

    changed = services.edit_entry(
        db, principal(world.coordinator), world.convening, entry, note("Same"), entry.version
    )

    assert changed is False
    assert count(db, AuditEvent) == events


def test_edit_with_an_old_version_is_refused(app_context, db, world):
    entry = services.add_entry(db, principal(world.coordinator), world.convening, note("First"))
    db.commit()
    seen = entry.version
    services.edit_entry(
        db, principal(world.organiser), world.convening, entry, note("Theirs"), seen
    )
    db.commit()

    with pytest.raises(StaleError):
        services.edit_entry(
            db, principal(world.coordinator), world.convening, entry, note("Mine"), seen
        )


def test_delete_marks_the_entry_deleted_and_keeps_it(app_context, db, world):
    entry = services.add_entry(db, principal(world.coordinator), world.convening, note())
    db.commit()

    services.delete_entry(db, principal(world.organiser), world.convening, entry, entry.version)
    db.commit()

    assert db.get(MinuteEntry, entry.id).deleted is True
    assert db.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == (
        "minute.deleted"
    )


def test_set_published_twice_changes_once(app_context, db, world):
    first = services.set_published(db, principal(world.organiser), world.convening, True)
    second = services.set_published(db, principal(world.organiser), world.convening, True)
    db.commit()

    assert (first, second) == (True, False)
    assert world.convening.minutes_published_at is not None
    assert count(db, AuditEvent) == 1


def test_before_item_deleted_keeps_restricted_minutes_from_turning_general(app_context, db, world):
    government = world.items["government"]
    opening = world.items["opening"]
    secret = services.add_entry(
        db, principal(world.coordinator), world.convening, note("G", government.id)
    )
    shared = services.add_entry(
        db, principal(world.coordinator), world.convening, note("O", opening.id)
    )
    db.commit()

    marked = services.before_item_deleted(db, principal(world.organiser), government)
    marked_everyone = services.before_item_deleted(db, principal(world.organiser), opening)
    db.delete(government)
    db.commit()

    assert (marked, marked_everyone) == (1, 0)
    assert (secret.deleted, shared.deleted) == (True, False)


def test_add_entry_needs_no_request(app, world):
    # Any front may call the service: here only an application context and a plain session.
    item_id = world.items["opening"].id
    with app.app_context(), get_database(app).session() as session:
        coordinator = session.get(User, world.coordinator.id)
        convening = session.get(Convening, world.convening.id)
        acting = load_principal(session, coordinator)
        entry = services.add_entry(
            session, acting, convening, note("Agreed.", item_id, MinuteKind.DECISION)
        )
        session.commit()
        with pytest.raises(InputError) as refused:
            services.add_entry(session, acting, convening, note("  "))
        session.rollback()

        stored = session.scalars(select(MinuteEntry)).all()
        assert [(e.id, e.body, e.kind, e.agenda_item_id) for e in stored] == [
            (entry.id, "Agreed.", MinuteKind.DECISION, item_id)
        ]
        assert stored[0].created_by_id == coordinator.id
    assert refused.value.field == "body"
    assert refused.value.errors == {"body": "Write the note or decision."}
