"""Which changes become deliveries: committed ones only, and only what each owner may see."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from coordination.convenings import services as convening_services
from coordination.convenings import status as convening_status
from coordination.db import get_database
from coordination.models import (
    Convening,
    ConveningStatus,
    DeliveryStatus,
    TeamMembership,
    User,
    WebhookDelivery,
    WebhookEvent,
)
from coordination.principal import load_principal
from coordination.service import InputError
from coordination.view_helpers import run_service
from coordination.webhooks.delivery import OWNER_MAY_NOT

from .conftest import signed_in
from .helpers import change_status, deliver, deliveries, payload, subscribe


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _rename(app, convening: Convening, user: User, title: str) -> None:
    """An organiser's edit, through the convening's service, committed."""
    with app.app_context(), get_database(app).session() as session:
        convening = session.get(Convening, convening.id)
        actor = load_principal(session, session.get(User, user.id))
        data = convening_services.input_from(convening, title=title)
        convening_services.update_convening(session, actor, convening, data, convening.version)
        session.commit()


def _leave_team(db, convening: Convening, user: User) -> None:
    db.execute(
        delete(TeamMembership).where(
            TeamMembership.convening_id == convening.id, TeamMembership.user_id == user.id
        )
    )
    db.commit()


def test_change_its_service_refuses_after_recording_queues_nothing(hooks_app, team, receiver, db):
    subscribe(signed_in(hooks_app, team.organiser), team.convening, receiver.url)
    queued_before_refusal = []

    def publish_then_refuse(session):
        convening = session.get(Convening, team.convening.id)
        actor = load_principal(session, session.get(User, team.organiser.id))
        convening_status.change_status(session, actor, convening, ConveningStatus.PUBLISHED)
        queued_before_refusal.append(
            session.scalar(select(func.count()).select_from(WebhookDelivery))
        )
        raise InputError("Refused once the change was recorded.")

    with hooks_app.test_request_context(method="POST"):
        outcome = run_service(publish_then_refuse)
    report = deliver(hooks_app)

    assert not outcome.ok
    assert queued_before_refusal == [1]
    assert _count(db, WebhookDelivery) == 0
    assert _count(db, WebhookEvent) == 0
    assert report.delivered + report.failed == 0
    assert receiver.received == []


def test_refused_form_queues_nothing(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)

    # A version from before someone else's change: refused as stale.
    refused = change_status(client, team.convening, "published", version=99)
    deliver(hooks_app)

    assert refused.status_code == 302
    assert _count(db, WebhookDelivery) == 0
    assert receiver.received == []


def test_event_of_a_draft_is_not_delivered_to_an_owner_who_left_its_team(
    hooks_app, team, receiver, db
):
    subscribe(signed_in(hooks_app, team.organiser), team.convening, f"{receiver.url}?organiser")
    subscribe(signed_in(hooks_app, team.admin), None, f"{receiver.url}?admin")
    _leave_team(db, team.convening, team.organiser)

    _rename(hooks_app, team.convening, team.other_organiser, "Renamed while a draft")
    deliver(hooks_app)

    (arrived,) = receiver.wait_for(1)
    assert arrived.path == "/hooks?admin"
    assert payload(arrived)["resource"]["title"] == "Renamed while a draft"
    assert len(deliveries(db)) == 1


def test_event_of_another_convening_is_not_delivered(hooks_app, team, receiver, make, db):
    subscribe(signed_in(hooks_app, team.organiser), team.convening, receiver.url)
    other = make.convening("Another convening", organisers=(team.organiser,), venue_name="Hall")

    _rename(hooks_app, other, team.organiser, "Another, renamed")
    deliver(hooks_app)

    assert _count(db, WebhookDelivery) == 0
    assert receiver.received == []


def test_event_not_subscribed_to_is_not_delivered(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url, ["convening.cancelled"])

    change_status(client, team.convening, "published")
    deliver(hooks_app)

    assert _count(db, WebhookDelivery) == 0
    assert receiver.received == []


def test_delivery_queued_before_its_owner_left_the_team_is_not_sent(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    _leave_team(db, team.convening, team.organiser)

    report = deliver(hooks_app)

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == OWNER_MAY_NOT


def test_installation_wide_subscription_hears_of_every_convening(
    hooks_app, team, receiver, make, db
):
    subscribe(signed_in(hooks_app, team.admin), None, receiver.url)
    other = make.convening("Another convening", organisers=(team.organiser,), venue_name="Hall")

    _rename(hooks_app, team.convening, team.organiser, "First, renamed")
    _rename(hooks_app, other, team.organiser, "Second, renamed")
    deliver(hooks_app)

    arrived = receiver.wait_for(2)
    assert sorted(payload(a)["resource"]["title"] for a in arrived) == [
        "First, renamed",
        "Second, renamed",
    ]
    assert sorted(payload(a)["convening_id"] for a in arrived) == sorted(
        [team.convening.id, other.id]
    )


def test_each_subscription_gets_its_own_delivery_of_one_event(hooks_app, team, receiver, db):
    subscribe(signed_in(hooks_app, team.organiser), team.convening, f"{receiver.url}?one")
    subscribe(signed_in(hooks_app, team.other_organiser), team.convening, f"{receiver.url}?two")

    _rename(hooks_app, team.convening, team.organiser, "Renamed once")
    deliver(hooks_app)

    arrived = receiver.wait_for(2)
    assert sorted(a.path for a in arrived) == ["/hooks?one", "/hooks?two"]
    assert len({payload(a)["id"] for a in arrived}) == 1
    assert len({a.headers["Coordination-Delivery"] for a in arrived}) == 2
    assert _count(db, WebhookEvent) == 1
