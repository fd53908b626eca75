"""Action services: creating one or several, owner checks, editing, status and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordination.actions import services
from coordination.actions.rules import ActionInput, BulkActionError, BulkRow
from coordination.actions.status import update_status
from coordination.db import get_database
from coordination.models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    AgendaItem,
    Audience,
    AuditEvent,
    Convening,
    Delegate,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
    Series,
    User,
)
from coordination.principal import load_principal
from coordination.service import InputError, StaleError
from tests.factories import principal


@dataclass
class World:
    """A series of two convenings; a company and an agency invited to the first."""

    series: Series
    convening: Convening
    later: Convening
    organiser: User
    coordinator: User
    company: Organisation
    agency: Organisation
    uninvited: Organisation
    company_user: User
    agency_user: User
    outsider: User
    item: AgendaItem
    decision: MinuteEntry
    delegate: Delegate


def build(make, db) -> World:
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Colin Coordinator")
    company = make.organisation("Twitter")
    agency = make.organisation("State Department")
    uninvited = make.organisation("Uninvited Ltd")
    series = make.series("Madison Valleywood")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    convening = make.convening(
        "Valley meeting",
        series=series,
        starts_at=starts,
        organisers=(organiser,),
        coordinators=(coordinator,),
    )
    later = make.convening(
        "Washington meeting",
        series=series,
        starts_at=starts + timedelta(days=30),
        organisers=(organiser,),
        coordinators=(coordinator,),
    )
    invitation = make.invitation(convening, company, status=InvitationStatus.ACCEPTED)
    make.invitation(convening, agency, status=InvitationStatus.SENT)
    make.invitation(later, company, status=InvitationStatus.SENT)
    item = AgendaItem(
        convening_id=convening.id,
        position=0,
        title="Counter-narratives",
        duration_minutes=60,
        audience=Audience(),
    )
    db.add(item)
    db.commit()
    decision = MinuteEntry(
        convening_id=convening.id,
        agenda_item_id=item.id,
        kind=MinuteKind.DECISION,
        body="Platforms will pilot counter-messaging.",
    )
    delegate = Delegate(
        invitation=invitation,
        name="Dana Delegate",
        email="dana@example.org",
        email_normalized="dana@example.org",
    )
    db.add_all([decision, delegate])
    db.commit()
    return World(
        series=series,
        convening=convening,
        later=later,
        organiser=organiser,
        coordinator=coordinator,
        company=company,
        agency=agency,
        uninvited=uninvited,
        company_user=make.participant(company, name="Casey Company"),
        agency_user=make.participant(agency, name="Avery Agency"),
        outsider=make.participant(uninvited),
        item=item,
        decision=decision,
        delegate=delegate,
    )


@pytest.fixture
def world(make, db) -> World:
    return build(make, db)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def pilot(world: World, **fields) -> ActionInput:
    values = {
        "title": "Share counter-messaging pilot plan",
        "owner_organisation_id": world.company.id,
        "due_on": date(2030, 5, 1),
    }
    values.update(fields)
    return ActionInput(**values)


def test_create_action_stores_owner_history_and_audit(app_context, db, world):
    action = services.create_action(
        db,
        principal(world.coordinator),
        world.convening,
        pilot(world, decision_id=world.decision.id, owner_delegate_id=world.delegate.id),
    )
    db.commit()

    assert action.owner_organisation_id == world.company.id
    assert action.owner_delegate_id == world.delegate.id
    # The decision names its agenda item, so the action hangs on it too.
    assert action.agenda_item_id == world.item.id
    assert [(u.kind, u.new_status) for u in action.updates] == [
        (ActionUpdateKind.CREATED, ActionStatus.OPEN)
    ]
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "action.created")).one()
    assert event.convening_id == world.convening.id
    assert event.changes["owner_organisation"] == "Twitter"


def test_create_action_for_an_uninvited_organisation_is_refused(app_context, db, world):
    with pytest.raises(InputError) as raised:
        services.create_action(
            db,
            principal(world.coordinator),
            world.convening,
            pilot(world, owner_organisation_id=world.uninvited.id),
        )

    assert set(raised.value.errors) == {"owner_organisation_id"}
    assert count(db, ActionItem) == 0


def test_create_action_for_a_withdrawn_organisation_is_refused(app_context, db, make, world):
    withdrawn = make.organisation("Havas")
    make.invitation(world.convening, withdrawn, status=InvitationStatus.WITHDRAWN)

    with pytest.raises(InputError) as raised:
        services.create_action(
            db,
            principal(world.coordinator),
            world.convening,
            pilot(world, owner_organisation_id=withdrawn.id),
        )

    assert set(raised.value.errors) == {"owner_organisation_id"}


def test_create_action_for_the_host_is_allowed(app_context, db, make, world):
    host = make.organisation("Justice Department")
    world.convening.host_organisation_id = host.id
    db.commit()

    action = services.create_action(
        db,
        principal(world.coordinator),
        world.convening,
        pilot(world, owner_organisation_id=host.id),
    )

    assert action.owner_organisation_id == host.id


def test_create_action_for_a_person_outside_the_convening_is_refused(app_context, db, make, world):
    other = make.convening(organisers=(make.user(),))
    stranger = make.invitation(other, world.uninvited)
    their_delegate = Delegate(
        invitation=stranger,
        name="Elsewhere",
        email="e@example.org",
        email_normalized="e@example.org",
    )
    db.add(their_delegate)
    db.commit()

    for fields in (
        {"owner_user_id": world.company_user.id},  # not on the team
        {"owner_delegate_id": their_delegate.id},  # another convening's delegate
    ):
        with pytest.raises(InputError) as raised:
            services.create_action(
                db, principal(world.coordinator), world.convening, pilot(world, **fields)
            )
        assert set(raised.value.errors) == {"owner_person"}


def test_create_action_owned_by_a_team_member_alone_is_allowed(app_context, db, world):
    action = services.create_action(
        db,
        principal(world.coordinator),
        world.convening,
        pilot(world, owner_organisation_id=None, owner_user_id=world.organiser.id),
    )

    assert (action.owner_organisation_id, action.owner_user_id) == (None, world.organiser.id)


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"owner_organisation_id": None}, "owner_organisation_id"),
        ({"due_on": date(1900, 1, 1)}, "due_on"),
    ],
)
def test_create_action_with_bad_input_is_refused(app_context, db, world, fields, field_name):
    with pytest.raises(InputError) as raised:
        services.create_action(
            db, principal(world.coordinator), world.convening, pilot(world, **fields)
        )

    assert set(raised.value.errors) == {field_name}


def test_decision_of_another_item_or_convening_is_refused(app_context, db, make, world):
    other_item = AgendaItem(
        convening_id=world.convening.id,
        position=1,
        title="Takedowns",
        duration_minutes=30,
        audience=Audience(),
    )
    note = MinuteEntry(convening_id=world.convening.id, kind=MinuteKind.NOTE, body="A note")
    db.add_all([other_item, note])
    db.commit()

    with pytest.raises(InputError) as raised:
        services.create_action(
            db,
            principal(world.coordinator),
            world.convening,
            pilot(world, agenda_item_id=other_item.id, decision_id=world.decision.id),
        )
    assert set(raised.value.errors) == {"decision_id"}
    with pytest.raises(InputError):
        services.create_action(
            db, principal(world.coordinator), world.convening, pilot(world, decision_id=note.id)
        )
    with pytest.raises(InputError) as raised:
        services.create_action(
            db,
            principal(world.coordinator),
            world.later,
            pilot(world, agenda_item_id=world.item.id),
        )
    assert "agenda_item_id" in raised.value.errors


def test_bulk_creation_skips_blank_rows(app_context, db, world):
    rows = [
        BulkRow("Report takedown figures", world.agency.id, date(2030, 6, 1)),
        BulkRow(),
        BulkRow("Share counter-messaging pilot plan", world.company.id),
    ]

    created = services.create_actions(
        db, principal(world.coordinator), world.convening, rows, agenda_item_id=world.item.id
    )
    db.commit()

    assert [action.title for action in created] == [
        "Report takedown figures",
        "Share counter-messaging pilot plan",
    ]
    assert {action.agenda_item_id for action in created} == {world.item.id}
    assert count(db, ActionUpdate) == 2


def test_bulk_creation_with_one_faulty_row_creates_nothing(app_context, db, world):
    rows = [
        BulkRow("Report takedown figures", world.agency.id),
        BulkRow("Embassy report", world.uninvited.id),
        BulkRow("", world.company.id),
        BulkRow("No owner given"),
    ]

    with pytest.raises(BulkActionError) as raised:
        services.create_actions(db, principal(world.coordinator), world.convening, rows)
    db.rollback()

    assert sorted(raised.value.rows) == [1, 2, 3]
    assert set(raised.value.rows[1]) == {"owner_organisation_id"}
    assert set(raised.value.rows[2]) == {"title"}
    assert set(raised.value.rows[3]) == {"owner_organisation_id"}
    assert count(db, ActionItem) == 0


def test_bulk_creation_of_only_blank_rows_is_refused(app_context, db, world):
    with pytest.raises(BulkActionError) as raised:
        services.create_actions(
            db, principal(world.coordinator), world.convening, [BulkRow(), BulkRow()]
        )

    assert "rows" in raised.value.errors


def test_edit_names_the_changed_fields_in_the_history(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()

    changed = services.edit_action(
        db,
        principal(world.organiser),
        action,
        pilot(world, title="Share the pilot plan", owner_organisation_id=world.agency.id),
        action.version,
    )
    db.commit()

    assert changed
    assert action.updates[-1].kind == ActionUpdateKind.EDITED
    assert action.updates[-1].note == "Changed title, owner organisation."
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "action.updated")).one()
    assert event.changes["owner_organisation"] == ["Twitter", "State Department"]


def test_edit_without_changes_writes_nothing(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()

    assert not services.edit_action(
        db, principal(world.organiser), action, pilot(world), action.version
    )
    assert len(action.updates) == 1


def test_edit_from_a_stale_form_is_refused(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()

    with pytest.raises(StaleError):
        services.edit_action(
            db, principal(world.organiser), action, pilot(world), action.version - 1
        )


def test_status_change_writes_history_and_sets_closed_at(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()

    update_status(
        db, principal(world.company_user), action, ActionStatus.IN_PROGRESS, "", action.version
    )
    update_status(
        db, principal(world.company_user), action, ActionStatus.DONE, "Sent.", action.version
    )
    db.commit()
    assert action.closed_at is not None
    assert not action.is_open

    update_status(db, principal(world.coordinator), action, ActionStatus.OPEN, "", action.version)
    db.commit()

    assert action.closed_at is None
    history = [(u.kind, u.old_status, u.new_status, u.note) for u in action.updates[1:]]
    assert history == [
        (ActionUpdateKind.STATUS, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ""),
        (ActionUpdateKind.STATUS, ActionStatus.IN_PROGRESS, ActionStatus.DONE, "Sent."),
        (ActionUpdateKind.STATUS, ActionStatus.DONE, ActionStatus.OPEN, ""),
    ]
    # The participant's updates are signed with their organisation.
    assert action.updates[1].author_organisation_id == world.company.id
    assert action.updates[1].author_name == "Casey Company"


def test_cancelled_to_done_keeps_the_first_closing_time(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    update_status(
        db, principal(world.coordinator), action, ActionStatus.CANCELLED, "", action.version
    )
    closed = action.closed_at

    update_status(db, principal(world.coordinator), action, ActionStatus.DONE, "", action.version)

    assert action.closed_at == closed


def test_note_alone_writes_a_note_entry(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()

    update_status(
        db, principal(world.company_user), action, None, "  Drafting now.  ", action.version
    )
    db.commit()

    assert (action.updates[-1].kind, action.updates[-1].note) == (
        ActionUpdateKind.NOTE,
        "Drafting now.",
    )
    assert action.status == ActionStatus.OPEN
    assert db.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == (
        "action.note_added"
    )


def test_update_with_neither_status_nor_note_is_refused(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))

    with pytest.raises(InputError) as raised:
        update_status(
            db, principal(world.coordinator), action, ActionStatus.OPEN, " ", action.version
        )

    assert set(raised.value.errors) == {"note"}


def test_update_from_a_stale_form_is_refused(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    db.commit()
    seen = action.version
    update_status(db, principal(world.coordinator), action, None, "First", seen)
    db.commit()

    with pytest.raises(StaleError):
        update_status(db, principal(world.company_user), action, ActionStatus.DONE, "", seen)


def test_create_action_outside_any_request_stores_it_and_refuses_by_field(app, db, world):
    with app.app_context(), get_database(app).session() as session:
        actor = load_principal(session, session.get(User, world.coordinator.id))
        convening = session.get(Convening, world.convening.id)
        created_id = services.create_action(session, actor, convening, pilot(world)).id
        session.commit()
        with pytest.raises(InputError) as raised:
            services.create_action(session, actor, convening, pilot(world, title=" "))
        session.rollback()

    stored = db.get(ActionItem, created_id)
    assert (stored.title, stored.owner_organisation_id, stored.created_by_id) == (
        "Share counter-messaging pilot plan",
        world.company.id,
        world.coordinator.id,
    )
    assert count(db, ActionItem) == 1
    assert raised.value.field == "title"
    assert raised.value.errors == {"title": "Give the action a title."}
