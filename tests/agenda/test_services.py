"""Rules for building the draft agenda: input checks, insertion, duplication, deletion, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select

from coordination.agenda import services
from coordination.agenda.services import ItemInput
from coordination.db import get_database
from coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaPresenter,
    AudienceKind,
    AuditEvent,
    Convening,
    InvitationStatus,
    OrganisationKind,
    User,
)
from coordination.principal import load_principal
from coordination.service import InputError, StaleError
from tests.factories import principal

from .helpers import add_delegate, add_item, audit_actions, titles, utc


def entry(**changes) -> ItemInput:
    return replace(ItemInput(title="Opening remarks", duration_minutes=30), **changes)


def errors_of(call) -> dict[str, str]:
    with pytest.raises(InputError) as raised:
        call()
    return raised.value.errors


def count_items(db) -> int:
    return db.scalar(select(func.count(AgendaItem.id)))


def test_create_appends_an_item_with_its_audience_and_presenters(app_context, db, setting):
    delegate = add_delegate(db, setting.agency_invitation, "Nick Rasmussen", "nr@state.example")

    item = services.create_item(
        db,
        principal(setting.organiser),
        setting.convening,
        entry(
            kind="briefing",
            title="  Threat   briefing ",
            presenter_organisation_ids=[setting.agency.id],
            presenter_delegate_ids=[delegate.id],
            presenters_text="NCTC director",
            audience_kind="kinds",
            audience_kinds=[OrganisationKind.GOVERNMENT_AGENCY.value],
        ),
    )
    db.commit()

    assert item.title == "Threat briefing"
    assert item.kind is AgendaItemKind.BRIEFING
    assert item.audience.kind is AudienceKind.KINDS
    assert item.audience.organisation_kinds == ["government_agency"]
    assert services.describe(item)["presenters"] == (
        "State Department; Nick Rasmussen (State Department); NCTC director"
    )
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda_item.created"))
    assert event.convening_id == setting.convening.id
    assert event.changes["title"] == "Threat briefing"
    assert event.changes["audience"] == "Only: Government agency"


def test_create_inserts_before_and_after_another_item(app_context, db, setting):
    first = add_item(db, setting.convening, "First")
    add_item(db, setting.convening, "Last")

    services.create_item(
        db,
        principal(setting.organiser),
        setting.convening,
        entry(title="Second"),
        after_id=first.id,
    )
    services.create_item(
        db,
        principal(setting.organiser),
        setting.convening,
        entry(title="Zeroth"),
        before_id=first.id,
    )
    db.commit()

    assert titles(db, setting.convening) == ["Zeroth", "First", "Second", "Last"]


def test_create_next_to_an_item_of_another_convening_is_refused(app_context, db, make, setting):
    other = make.convening(organisers=(setting.organiser,))
    foreign = add_item(db, other, "Elsewhere")

    errors = errors_of(
        lambda: services.create_item(
            db, principal(setting.organiser), setting.convening, entry(), before_id=foreign.id
        )
    )

    assert "no longer on the agenda" in errors[""]
    assert titles(db, setting.convening) == []


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "The duration must be at least 1 minute."),
        (-15, "The duration must be at least 1 minute."),
        (None, "Enter the duration in whole minutes, such as 45."),
        (24 * 60 * 7 + 1, "The duration can be at most a week (10080 minutes)."),
    ],
)
def test_create_with_bad_duration_is_refused(app_context, db, setting, minutes, message):
    errors = errors_of(
        lambda: services.create_item(
            db, principal(setting.organiser), setting.convening, entry(duration_minutes=minutes)
        )
    )

    assert errors == {"duration_minutes": message}
    assert count_items(db) == 0


def test_create_with_a_week_long_item_is_accepted(app_context, db, setting):
    item = services.create_item(
        db, principal(setting.organiser), setting.convening, entry(duration_minutes=24 * 60 * 7)
    )

    assert item.duration_minutes == 10080


@pytest.mark.parametrize(
    "local",
    [
        datetime(2030, 1, 15, 8, 59),  # a minute before the convening starts
        datetime(2030, 1, 15, 17, 0),  # the moment it ends
        datetime(2030, 2, 1, 10, 0),
    ],
)
def test_create_with_fixed_start_outside_the_convening_is_refused(app_context, db, setting, local):
    errors = errors_of(
        lambda: services.create_item(
            db, principal(setting.organiser), setting.convening, entry(fixed_start_local=local)
        )
    )

    assert errors["fixed_start"] == (
        "A fixed start must lie within the convening, from Tue 15 Jan 2030, 09:00 EST "
        "to Tue 15 Jan 2030, 17:00 EST."
    )
    assert count_items(db) == 0


def test_create_with_fixed_start_is_stored_in_utc(app_context, db, setting):
    item = services.create_item(
        db,
        principal(setting.organiser),
        setting.convening,
        entry(fixed_start_local=datetime(2030, 1, 15, 13, 30)),
    )

    assert item.fixed_start == utc(2030, 1, 15, 18, 30)


def test_create_with_fixed_start_skipped_by_the_clocks_is_refused(app_context, db, make):
    organiser = make.user()
    convening = make.convening(starts_at=utc(2030, 3, 10, 5, 0), hours=6, organisers=(organiser,))

    errors = errors_of(
        lambda: services.create_item(
            db, organiser, convening, entry(fixed_start_local=datetime(2030, 3, 10, 2, 30))
        )
    )

    assert "does not exist in America/New_York" in errors["fixed_start"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"audience_kind": "embassies"}, "audience_kind", "Choose who the item is for"),
        ({"audience_kind": "kinds"}, "audience_kinds", "Choose at least one kind"),
        (
            {"audience_kind": "kinds", "audience_kinds": ["aliens"]},
            "audience_kinds",
            "Choose kinds of organisation from the list.",
        ),
        ({"audience_kind": "organisations"}, "audience_organisations", "at least one"),
        ({"kind": "party"}, "kind", "Choose a kind of item"),
        ({"title": "  "}, "title", "Enter a title."),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        ({"presenters_text": "x" * 501}, "presenters_text", "500 characters or fewer"),
    ],
)
def test_create_with_bad_input_is_refused(app_context, db, setting, changes, field, message):
    errors = errors_of(
        lambda: services.create_item(
            db, principal(setting.organiser), setting.convening, entry(**changes)
        )
    )

    assert message in errors[field]
    assert count_items(db) == 0


def test_create_for_an_organisation_not_invited_is_refused(app_context, db, make, setting):
    stranger = make.organisation("Not Invited Ltd")
    withdrawn = make.organisation("Withdrawn Ltd")
    make.invitation(setting.convening, withdrawn, status=InvitationStatus.WITHDRAWN)

    for organisation in (stranger, withdrawn):
        errors = errors_of(
            lambda org=organisation: services.create_item(
                db,
                principal(setting.organiser),
                setting.convening,
                entry(
                    audience_kind="organisations",
                    audience_organisation_ids=[org.id],
                    presenter_organisation_ids=[org.id],
                ),
            )
        )
        assert errors["audience_organisations"] == "Choose organisations among those invited."
        assert errors["presenter_organisations"] == (
            "Choose presenting organisations among those invited and the host."
        )
    assert count_items(db) == 0


def test_host_organisation_presents_without_being_invited(app_context, db, make, setting):
    host = make.organisation("Hosting Department")
    setting.convening.host_organisation = host
    db.commit()

    item = services.create_item(
        db,
        principal(setting.organiser),
        setting.convening,
        entry(presenter_organisation_ids=[host.id]),
    )

    assert [presenter.organisation_id for presenter in item.presenters] == [host.id]


def test_create_with_a_delegate_of_another_convening_is_refused(app_context, db, make, setting):
    other = make.convening()
    invitation = make.invitation(other, setting.company)
    stranger = add_delegate(db, invitation, "Elsewhere", "elsewhere@apple.example")

    errors = errors_of(
        lambda: services.create_item(
            db,
            principal(setting.organiser),
            setting.convening,
            entry(presenter_delegate_ids=[stranger.id]),
        )
    )

    assert "confirmed delegates of this convening" in errors["presenter_delegates"]


def test_update_changes_fields_and_audits_before_and_after(app_context, db, setting):
    item = add_item(db, setting.convening, "Opening", 30)
    data = services.input_from(item)

    changes = services.update_item(
        db,
        principal(setting.organiser),
        item,
        replace(
            data,
            title="Welcome",
            audience_kind="organisations",
            audience_organisation_ids=[setting.company.id],
        ),
        item.version,
    )
    db.commit()

    assert changes == {
        "title": ["Opening", "Welcome"],
        "audience": ["Everyone invited", "Only: Apple"],
    }
    assert audit_actions(db, setting.convening) == ["agenda_item.updated"]
    db.expire_all()
    assert db.get(AgendaItem, item.id).audience.organisation_ids == {setting.company.id}


def test_update_made_on_an_old_version_is_refused(app_context, db, setting):
    item = add_item(db, setting.convening, "Opening", 30)

    with pytest.raises(StaleError):
        services.update_item(
            db,
            principal(setting.organiser),
            item,
            replace(services.input_from(item), title="Changed"),
            item.version - 1,
        )

    db.expire_all()
    assert db.get(AgendaItem, item.id).title == "Opening"


def test_update_keeps_a_presenter_whose_invitation_was_since_withdrawn(app_context, db, setting):
    item = add_item(db, setting.convening, "Panel")
    db.add(AgendaPresenter(agenda_item_id=item.id, organisation_id=setting.company.id))
    setting.company_invitation.status = InvitationStatus.WITHDRAWN
    db.commit()
    db.expire_all()
    item = db.get(AgendaItem, item.id)

    services.update_item(
        db,
        principal(setting.organiser),
        item,
        replace(services.input_from(item), title="Panel discussion"),
        item.version,
    )

    assert services.describe(item)["presenters"] == "Apple"


def test_duplicate_places_a_copy_after_the_original_without_fixed_start(app_context, db, setting):
    original = add_item(
        db,
        setting.convening,
        "Breakout",
        45,
        fixed_start=utc(2030, 1, 15, 15, 0),
        audience=AudienceKind.ORGANISATIONS,
        organisations=(setting.agency,),
    )
    add_item(db, setting.convening, "Close")

    copy = services.duplicate_item(db, principal(setting.organiser), original)
    db.commit()

    assert titles(db, setting.convening) == ["Breakout", "Breakout", "Close"]
    assert copy.fixed_start is None
    assert copy.duration_minutes == 45
    assert copy.audience.id != original.audience.id
    assert copy.audience.organisation_ids == {setting.agency.id}
    assert audit_actions(db, setting.convening) == ["agenda_item.duplicated"]


def test_delete_removes_the_item_and_closes_the_gap(app_context, db, setting):
    add_item(db, setting.convening, "One")
    doomed = add_item(db, setting.convening, "Two")
    add_item(db, setting.convening, "Three")

    services.delete_item(db, principal(setting.organiser), doomed, doomed.version)
    db.commit()

    assert titles(db, setting.convening) == ["One", "Three"]
    positions = db.scalars(select(AgendaItem.position).order_by(AgendaItem.position)).all()
    assert positions == [0, 1]
    assert audit_actions(db, setting.convening) == ["agenda_item.deleted"]


def test_create_item_needs_no_request(app, setting):
    # Any front may call the service: here only an application context and a plain session.
    with app.app_context(), get_database(app).session() as session:
        organiser = session.get(User, setting.organiser.id)
        convening = session.get(Convening, setting.convening.id)
        acting = load_principal(session, organiser)
        item = services.create_item(session, acting, convening, entry(duration_minutes=45))
        session.commit()
        with pytest.raises(InputError) as refused:
            services.create_item(session, acting, convening, entry(title=" "))
        session.rollback()

        stored = session.scalars(select(AgendaItem)).all()
        assert [(i.id, i.title, i.duration_minutes, i.position) for i in stored] == [
            (item.id, "Opening remarks", 45, 0)
        ]
        assert audit_actions(session, convening) == ["agenda_item.created"]
    assert refused.value.field == "title"
    assert refused.value.errors == {"title": "Enter a title."}
