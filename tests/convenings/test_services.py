"""Rules for convenings: times and zones, validation, edits, status, clones and series."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coordination.convenings import series as series_services
from coordination.convenings import services, status
from coordination.convenings.services import ConveningInput
from coordination.db import get_database
from coordination.models import (
    AuditEvent,
    Convening,
    ConveningStatus,
    InvitationStatus,
    Series,
    TeamRole,
    User,
    utcnow,
)
from coordination.principal import load_principal
from coordination.service import InputError, StaleError
from tests.factories import principal

from .helpers import count_convenings, utc


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def entry(**changes) -> ConveningInput:
    base = ConveningInput(
        title="Madison Valleywood",
        timezone="America/Los_Angeles",
        starts_local=datetime(2030, 1, 15, 10, 0),
        ends_local=datetime(2030, 1, 15, 16, 0),
        sensitivity="Official",
        venue_name="Great Hall",
    )
    return replace(base, **changes)


def errors_of(call) -> dict[str, str]:
    with pytest.raises(InputError) as raised:
        call()
    return raised.value.errors


def test_create_winter_los_angeles_morning_is_stored_as_18_utc(ctx, db, make):
    organiser = make.user()

    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    assert convening.starts_at == utc(2030, 1, 15, 18, 0)
    assert convening.ends_at == utc(2030, 1, 16, 0, 0)
    assert convening.local_start.strftime("%H:%M") == "10:00"


def test_create_summer_los_angeles_morning_is_stored_as_17_utc(ctx, db, make):
    organiser = make.user()

    convening = services.create_convening(
        db,
        principal(organiser),
        entry(starts_local=datetime(2030, 7, 15, 10), ends_local=datetime(2030, 7, 15, 12)),
    )

    assert convening.starts_at == utc(2030, 7, 15, 17, 0)


def test_create_makes_a_draft_with_its_creator_as_organiser(ctx, db, make):
    organiser = make.user()

    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    assert convening.status == ConveningStatus.DRAFT
    assert [(m.user_id, m.role) for m in convening.team] == [(organiser.id, TeamRole.ORGANISER)]
    event = db.scalar(select(AuditEvent).where(AuditEvent.convening_id == convening.id))
    assert event.action == "convening.created"
    assert event.changes["title"] == "Madison Valleywood"


def test_create_with_time_skipped_by_dst_is_refused(ctx, db, make):
    organiser = make.user()

    errors = errors_of(
        lambda: services.create_convening(
            db, principal(organiser), entry(starts_local=datetime(2030, 3, 10, 2, 30))
        )
    )

    assert "does not exist in America/Los_Angeles" in errors["starts_at"]
    assert count_convenings(db) == 0


def test_create_with_unknown_zone_is_refused(ctx, db, make):
    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(timezone="Mars/Olympus")
        )
    )

    assert errors == {
        "timezone": "Unknown time zone 'Mars/Olympus'. Use a name like Europe/London."
    }


def test_create_with_end_before_start_is_refused(ctx, db, make):
    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(ends_local=datetime(2030, 1, 15, 9, 0))
        )
    )

    assert errors == {"ends_at": "The end must be after the start."}


def test_create_with_rsvp_deadline_after_end_is_refused(ctx, db, make):
    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(rsvp_local=datetime(2030, 1, 16, 9, 0))
        )
    )

    assert errors == {"rsvp_deadline": "The RSVP deadline must be before the end."}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_create_with_remote_link_not_on_the_web_is_refused(ctx, db, make, url):
    errors = errors_of(
        lambda: services.create_convening(db, principal(make.user()), entry(remote_url=url))
    )

    assert list(errors) == ["remote_url"]


def test_create_with_unconfigured_sensitivity_is_refused(ctx, db, make):
    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(sensitivity="Top Secret")
        )
    )

    assert list(errors) == ["sensitivity"]


def test_create_with_archived_host_is_refused(ctx, db, make):
    host = make.organisation(archived_at=utcnow())

    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(host_organisation_id=host.id)
        )
    )

    assert list(errors) == ["host_organisation_id"]


def test_create_reports_every_problem_at_once(ctx, db, make):
    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(title=" ", ends_local=None, remote_url="nope")
        )
    )

    assert set(errors) == {"title", "ends_at", "remote_url"}


def test_create_with_new_series_name_matching_an_existing_one_joins_it(ctx, db, make):
    existing = make.series("Madison Valleywood")

    convening = services.create_convening(
        db, principal(make.user()), entry(new_series_name="madison valleywood")
    )

    assert convening.series_id == existing.id
    assert len(db.scalars(select(Series)).all()) == 1


def test_create_with_new_series_name_starts_the_series(ctx, db, make):
    convening = services.create_convening(
        db, principal(make.user()), entry(new_series_name="Outreach")
    )
    db.commit()

    assert convening.series.name == "Outreach"


def test_create_choosing_a_series_and_naming_a_new_one_is_refused(ctx, db, make):
    existing = make.series()

    errors = errors_of(
        lambda: services.create_convening(
            db, principal(make.user()), entry(series_id=existing.id, new_series_name="Other")
        )
    )

    assert list(errors) == ["new_series_name"]


def test_update_records_fields_before_and_after(ctx, db, make):
    organiser = make.user()
    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    changes = services.update_convening(
        db,
        principal(organiser),
        convening,
        entry(title="Valleywood II", starts_local=datetime(2030, 1, 15, 11, 0)),
        convening.version,
    )
    db.commit()

    assert changes["title"] == ["Madison Valleywood", "Valleywood II"]
    assert changes["starts_at"] == ["2030-01-15T18:00:00+00:00", "2030-01-15T19:00:00+00:00"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.updated"))
    assert event.changes["title"] == ["Madison Valleywood", "Valleywood II"]


def test_update_with_new_zone_reinterprets_the_wall_clock_times(ctx, db, make):
    organiser = make.user()
    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    services.update_convening(
        db, principal(organiser), convening, entry(timezone="Europe/London"), convening.version
    )

    assert convening.starts_at == utc(2030, 1, 15, 10, 0)


def test_update_with_stale_version_is_refused_and_changes_nothing(ctx, db, make):
    organiser = make.user()
    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    with pytest.raises(StaleError):
        services.update_convening(
            db, principal(organiser), convening, entry(title="Changed"), convening.version - 1
        )

    assert convening.title == "Madison Valleywood"


def test_update_without_changes_records_nothing(ctx, db, make):
    organiser = make.user()
    convening = services.create_convening(db, principal(organiser), entry())
    db.commit()

    changes = services.update_convening(
        db, principal(organiser), convening, entry(), convening.version
    )

    assert changes == {}
    assert db.scalars(select(AuditEvent.action)).all() == ["convening.created"]


def test_update_with_browser_line_endings_leaves_the_summary_unchanged(ctx, db, make):
    organiser = make.user()
    convening = services.create_convening(db, principal(organiser), entry(summary="One\nTwo"))
    db.commit()

    changes = services.update_convening(
        db, principal(organiser), convening, entry(summary="One\r\nTwo\r\n"), convening.version
    )

    assert changes == {}
    assert convening.summary == "One\nTwo"


def test_update_keeps_a_sensitivity_label_dropped_from_the_configuration(ctx, db, make):
    organiser = make.user()
    convening = make.convening(organisers=(organiser,), sensitivity="Restricted")

    services.update_convening(
        db,
        principal(organiser),
        convening,
        services.input_from(convening, title="Renamed"),
        convening.version,
    )

    assert (convening.title, convening.sensitivity) == ("Renamed", "Restricted")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ConveningStatus.DRAFT, ConveningStatus.PUBLISHED),
        (ConveningStatus.DRAFT, ConveningStatus.CANCELLED),
        (ConveningStatus.PUBLISHED, ConveningStatus.CONCLUDED),
        (ConveningStatus.PUBLISHED, ConveningStatus.CANCELLED),
        (ConveningStatus.PUBLISHED, ConveningStatus.DRAFT),
        (ConveningStatus.CANCELLED, ConveningStatus.DRAFT),
    ],
)
def test_change_status_allowed_moves_succeed_and_are_audited(ctx, db, make, start, target):
    organiser = make.user()
    convening = make.convening(
        status=start,
        organisers=(organiser,),
        venue_name="Hall",
        starts_at=utcnow() - timedelta(hours=1),
    )

    status.change_status(db, principal(organiser), convening, target)
    db.commit()

    assert convening.status == target
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.status_changed"))
    assert event.changes == {"status": [start.value, target.value]}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ConveningStatus.DRAFT, ConveningStatus.CONCLUDED),
        (ConveningStatus.CONCLUDED, ConveningStatus.PUBLISHED),
        (ConveningStatus.CONCLUDED, ConveningStatus.DRAFT),
        (ConveningStatus.CANCELLED, ConveningStatus.PUBLISHED),
        (ConveningStatus.PUBLISHED, ConveningStatus.PUBLISHED),
    ],
)
def test_change_status_other_moves_are_refused(ctx, db, make, start, target):
    organiser = make.user()
    convening = make.convening(
        status=start, organisers=(organiser,), starts_at=utcnow() - timedelta(hours=1)
    )

    errors = errors_of(lambda: status.change_status(db, principal(organiser), convening, target))

    assert "cannot become" in errors["status"]
    assert convening.status == start


def test_publish_without_venue_or_remote_link_is_refused(ctx, db, make):
    organiser = make.user()
    convening = make.convening(status=ConveningStatus.DRAFT, organisers=(organiser,))

    errors = errors_of(
        lambda: status.change_status(db, principal(organiser), convening, ConveningStatus.PUBLISHED)
    )

    assert errors == {"status": "Add a venue or a remote link before publishing."}


def test_conclude_before_it_begins_is_refused(ctx, db, make):
    organiser = make.user()
    convening = make.convening(organisers=(organiser,))

    errors = errors_of(
        lambda: status.change_status(db, principal(organiser), convening, ConveningStatus.CONCLUDED)
    )

    assert "only once it has begun" in errors["status"]


def test_unpublish_after_invitations_are_sent_is_refused(ctx, db, make):
    organiser = make.user()
    convening = make.convening(organisers=(organiser,))
    make.invitation(convening, make.organisation(), status=InvitationStatus.SENT)

    errors = errors_of(
        lambda: status.change_status(db, principal(organiser), convening, ConveningStatus.DRAFT)
    )

    assert "Invitations have been sent" in errors["status"]


def test_change_status_with_stale_version_is_refused(ctx, db, make):
    organiser = make.user()
    convening = make.convening(status=ConveningStatus.DRAFT, organisers=(organiser,))

    with pytest.raises(StaleError):
        status.change_status(
            db, principal(organiser), convening, ConveningStatus.CANCELLED, convening.version + 1
        )


def test_clone_copies_fields_series_and_team_as_a_draft(ctx, db, make):
    organiser, coordinator = make.user(), make.user()
    host, series = make.organisation(), make.series()
    source = make.convening(
        "Valleywood",
        organisers=(organiser,),
        coordinators=(coordinator,),
        host_organisation=host,
        series=series,
        venue_name="Great Hall",
        codename="MV",
        timezone="America/Los_Angeles",
    )

    copy = services.clone_convening(
        db,
        principal(organiser),
        source,
        title="Valleywood",
        starts_local=datetime(2030, 2, 1, 9),
        ends_local=datetime(2030, 2, 1, 12),
    )
    db.commit()

    assert copy.id != source.id
    assert (copy.title, copy.codename, copy.venue_name) == ("Valleywood", "MV", "Great Hall")
    assert (copy.host_organisation_id, copy.series_id) == (host.id, series.id)
    assert copy.status == ConveningStatus.DRAFT
    assert copy.starts_at == utc(2030, 2, 1, 17)
    assert sorted((m.user_id, m.role.value) for m in copy.team) == sorted(
        [(organiser.id, "organiser"), (coordinator.id, "coordinator")]
    )
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.cloned"))
    assert event.convening_id == copy.id
    assert event.changes["cloned_from"] == f"Valleywood (#{source.id})"


def test_clone_with_series_name_groups_the_original_and_the_copy(ctx, db, make):
    organiser = make.user()
    source = make.convening(organisers=(organiser,), venue_name="Hall")

    copy = services.clone_convening(
        db,
        principal(organiser),
        source,
        title="Second",
        starts_local=datetime(2030, 2, 1, 9),
        ends_local=datetime(2030, 2, 1, 12),
        new_series_name="Outreach",
    )
    db.commit()

    assert source.series.name == copy.series.name == "Outreach"


def test_clone_with_end_before_start_is_refused(ctx, db, make):
    organiser = make.user()
    source = make.convening(organisers=(organiser,))

    errors = errors_of(
        lambda: services.clone_convening(
            db,
            principal(organiser),
            source,
            title="Copy",
            starts_local=datetime(2030, 2, 1, 9),
            ends_local=datetime(2030, 2, 1, 8),
        )
    )

    assert errors == {"ends_at": "The end must be after the start."}
    assert count_convenings(db) == 1


def test_create_series_with_a_taken_name_is_refused(ctx, db, make):
    make.series("Outreach")

    errors = errors_of(
        lambda: series_services.create_series(db, principal(make.user()), "OUTREACH")
    )

    assert errors == {"name": "A series named OUTREACH already exists."}


def test_create_series_is_audited(ctx, db, make):
    admin = make.user(is_admin=True)

    series = series_services.create_series(db, principal(admin), "  Outreach ", "West coast visits")
    db.commit()

    assert series.name == "Outreach"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "series.created"))
    assert event.object_id == series.id


def test_stored_instants_are_aware_utc(ctx, db, make):
    convening = services.create_convening(db, principal(make.user()), entry())
    db.commit()
    db.expire_all()

    stored = db.get(Convening, convening.id)

    assert stored.starts_at.tzinfo is not None
    assert stored.starts_at.utcoffset() == timedelta(0)
    assert stored.starts_at == datetime(2030, 1, 15, 18, tzinfo=UTC)


def test_create_convening_outside_any_request_stores_it_and_refuses_by_field(app, db, make):
    organiser_id = make.user().id

    with app.app_context(), get_database(app).session() as session:
        actor = load_principal(session, session.get(User, organiser_id))
        created = services.create_convening(session, actor, entry(title="Without a request"))
        session.commit()
        with pytest.raises(InputError) as raised:
            services.create_convening(session, actor, entry(title="  "))
        session.rollback()

    stored = db.scalars(select(Convening)).one()
    assert (stored.id, stored.title, stored.status) == (
        created.id,
        "Without a request",
        ConveningStatus.DRAFT,
    )
    assert [(m.user_id, m.role) for m in stored.team] == [(organiser_id, TeamRole.ORGANISER)]
    assert raised.value.field == "title"
    assert raised.value.errors == {"title": "Enter a title."}
