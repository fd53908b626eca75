"""Account rules enforced in the services, whatever a request says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.admin import services
from coordination.admin.services import AccountInput
from coordination.db import get_database
from coordination.models import AuditEvent, Contact, OutboxMessage, User
from coordination.principal import Principal, load_principal
from coordination.service import InputError, NotPermitted


@contextmanager
def service_session(app) -> Iterator[Session]:
    """A write session inside a request context, as a view would have."""
    with app.test_request_context(), get_database(app).session() as session:
        yield session


@pytest.fixture
def organiser(make):
    user = make.user(name="Olu Organiser")
    make.convening(organisers=(user,))
    return user


def _load(session: Session, user: User) -> User:
    return session.get(User, user.id)


def _acting(session: Session, user: User) -> Principal:
    return load_principal(session, _load(session, user))


def test_organiser_cannot_create_an_administrator(app, organiser, db):
    with service_session(app) as session, pytest.raises(NotPermitted):
        services.create_account(
            session,
            _acting(session, organiser),
            AccountInput(name="Boss", email="boss@example.org", is_admin=True),
        )

    assert db.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    "action",
    [
        lambda session, target, actor: services.update_account(
            session, actor, target, AccountInput(name="Renamed", email=target.email)
        ),
        lambda session, target, actor: services.deactivate_account(session, actor, target),
        lambda session, target, actor: services.reactivate_account(session, actor, target),
        lambda session, target, actor: services.end_sessions(session, actor, target),
        lambda session, target, actor: services.resend_setup_link(session, actor, target),
    ],
    ids=["update", "deactivate", "reactivate", "end_sessions", "resend"],
)
def test_organiser_cannot_touch_an_administrator_in_the_services(app, organiser, make, db, action):
    admin = make.user(name="Ada Admin", is_admin=True, password="")

    with service_session(app) as session, pytest.raises(NotPermitted):
        action(session, _load(session, admin), _acting(session, organiser))

    db.refresh(admin)
    assert admin.name == "Ada Admin" and admin.active


def test_organiser_cannot_grant_administrator_rights_on_edit(app, organiser, make, db):
    person = make.user()

    with service_session(app) as session, pytest.raises(NotPermitted):
        services.update_account(
            session,
            _acting(session, organiser),
            _load(session, person),
            AccountInput(name=person.name, email=person.email, is_admin=True),
        )

    db.refresh(person)
    assert not person.is_admin


def test_create_account_links_an_existing_contact_with_the_same_email(app, make, db):
    admin = make.user(is_admin=True)
    organisation = make.organisation()
    listed = make.contact(organisation, name="Listed", email="Listed@Example.org")

    with service_session(app) as session:
        user = services.create_account(
            session,
            _acting(session, admin),
            AccountInput(
                name="Listed Person",
                email="listed@example.org",
                organisation_id=organisation.id,
                title="Director",
            ),
        )
        session.commit()

    db.expire_all()
    assert db.get(User, user.id).contact_id == listed.id
    assert db.scalar(select(func.count()).select_from(Contact)) == 1
    assert db.get(Contact, listed.id).title == "Director"


def test_create_account_records_the_creation_in_the_audit_trail(app, make, db):
    admin = make.user(is_admin=True)

    with service_session(app) as session:
        user = services.create_account(
            session,
            _acting(session, admin),
            AccountInput(name="Audited", email="audited@example.org"),
        )
        session.commit()

    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert (event.actor_id, event.object_id) == (admin.id, user.id)
    assert event.changes["email"] == "audited@example.org"


def test_update_account_without_changes_records_nothing(app, make, db):
    admin = make.user(is_admin=True)
    person = make.user(name="Same")

    with service_session(app) as session:
        services.update_account(
            session,
            _acting(session, admin),
            _load(session, person),
            AccountInput(name="Same", email=person.email),
        )
        session.commit()

    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_deactivating_oneself_is_refused(app, make):
    admin = make.user(is_admin=True)

    with service_session(app) as session, pytest.raises(InputError, match="your own account"):
        services.deactivate_account(session, _acting(session, admin), _load(session, admin))


def test_create_account_refuses_an_email_taken_in_another_case(app, make, db):
    admin = make.user(is_admin=True)
    make.user(email="taken@example.org")

    with service_session(app) as session, pytest.raises(InputError) as refused:
        services.create_account(
            session, _acting(session, admin), AccountInput(name="Copy", email="TAKEN@EXAMPLE.ORG")
        )

    assert str(refused.value) == "An account with this email address already exists."
    assert refused.value.field == "email"


def test_create_account_outside_any_request_stores_it_and_refuses_by_field(app, make, db):
    admin_id = make.user(is_admin=True).id

    with app.app_context(), get_database(app).session() as session:
        actor = load_principal(session, session.get(User, admin_id))
        created_id = services.create_account(
            session, actor, AccountInput(name="Out Side", email="outside@example.org")
        ).id
        session.commit()
        with pytest.raises(InputError) as refused:
            services.create_account(session, actor, AccountInput(name=" ", email="x@example.org"))
        session.rollback()

    stored = db.get(User, created_id)
    assert (stored.name, stored.email, stored.is_admin, stored.password_hash) == (
        "Out Side",
        "outside@example.org",
        False,
        None,
    )
    assert db.scalar(select(func.count()).select_from(User)) == 2
    assert db.scalar(select(OutboxMessage.recipients)) == ["outside@example.org"]
    assert refused.value.field == "name"
    assert refused.value.errors == {"name": "Enter the person's name."}
