"""What a receiver gets: signed deliveries, retried after failures, each sent once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from coordination.db import get_database
from coordination.models import (
    ConveningStatus,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    utcnow,
)
from coordination.webhooks.delivery import Worker, retry_delay
from coordination.webhooks.events import announce

from .conftest import signed_in
from .helpers import (
    change_status,
    deliver,
    deliveries,
    issued_secret,
    payload,
    subscribe,
    subscription_row,
    verify,
)


def test_delivery_signature_verifies_with_the_documented_recipe_and_the_secret_shown_once(
    hooks_app, team, receiver, db
):
    client = signed_in(hooks_app, team.organiser)
    subscribed = subscribe(client, team.convening, receiver.url, ["convening.changed"])
    secret = issued_secret(subscribed)
    assert subscribed.status_code == 201
    assert secret.startswith("whsec_") and len(secret) >= 6 + 43
    assert subscribed.headers["Cache-Control"] == "no-store"

    change_status(client, team.convening, "published")
    report = deliver(hooks_app)

    (arrived,) = receiver.wait_for(1)
    assert report.delivered == 1
    assert arrived.headers["Coordination-Event"] == "convening.changed"
    assert arrived.headers["Coordination-Delivery"] == deliveries(db)[0].public_id
    assert arrived.headers["Content-Type"] == "application/json"
    assert verify(secret, arrived.headers["Coordination-Signature"], arrived.body)
    assert not verify(secret, arrived.headers["Coordination-Signature"], arrived.body + b" ")
    assert not verify("whsec_guessed", arrived.headers["Coordination-Signature"], arrived.body)
    body = payload(arrived)
    assert body["type"] == "convening.changed"
    assert body["id"].startswith("evt_")
    assert body["convening_id"] == team.convening.id
    assert body["kind"] == "convening"
    assert body["resource"]["title"] == "Madison Valleywood"
    assert body["resource"]["status"] == "published"
    # Shown once: the page never shows it again, to its owner or anyone else.
    assert issued_secret(client.get(f"/convenings/{team.convening.id}/webhooks")) is None
    subscription_page = client.get(f"/webhooks/{deliveries(db)[0].subscription_id}")
    assert secret not in subscription_page.get_data(as_text=True)


def test_signature_of_an_old_delivery_is_refused_by_the_recipe(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    secret = issued_secret(subscribe(client, team.convening, receiver.url))
    change_status(client, team.convening, "published")
    deliver(hooks_app)
    (arrived,) = receiver.wait_for(1)

    header = arrived.headers["Coordination-Signature"]
    timestamp = int(header.split(",")[0].removeprefix("t="))
    replayed = header.replace(f"t={timestamp}", f"t={timestamp - 600}")

    assert verify(secret, header, arrived.body)
    assert not verify(secret, replayed, arrived.body)


def test_failed_delivery_is_retried_after_a_back_off_and_then_succeeds(
    hooks_app, team, receiver, db
):
    receiver.answer(500, 503)
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")

    first = deliver(hooks_app)
    (failed,) = deliveries(db)
    assert (first.delivered, first.failed) == (0, 1)
    assert failed.status == DeliveryStatus.PENDING
    assert failed.response_status == 500
    assert "500" in failed.last_error
    assert failed.next_attempt_at - failed.last_attempt_at == timedelta(seconds=1)
    # Not due yet: a second round straight away sends nothing.
    assert deliver(hooks_app).failed == 0
    assert len(receiver.received) == 1

    _make_due(db)
    deliver(hooks_app)
    (again,) = deliveries(db)
    assert again.attempts == 2
    assert again.response_status == 503
    assert again.next_attempt_at - again.last_attempt_at == timedelta(seconds=2)

    _make_due(db)
    third = deliver(hooks_app)
    (delivered,) = deliveries(db)
    arrivals = receiver.wait_for(3)
    assert third.delivered == 1
    assert delivered.status == DeliveryStatus.DELIVERED
    assert delivered.attempts == 3
    assert delivered.response_status == 200
    assert delivered.last_error is None
    assert subscription_row(db, delivered.subscription_id).consecutive_failures == 0
    # The same event and delivery every time: the receiver can drop what it already has.
    assert {a.headers["Coordination-Delivery"] for a in arrivals} == {delivered.public_id}
    assert len({payload(a)["id"] for a in arrivals}) == 1


def _make_due(db) -> None:
    """As if the back-off's time had come."""
    db.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()


def test_retry_waits_double_up_to_the_longest(app):
    config = {"WEBHOOK_RETRY_SECONDS": 60, "WEBHOOK_RETRY_MAX_SECONDS": 3600}

    waits = [retry_delay(config, attempts).total_seconds() for attempts in range(1, 9)]

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(config, 10_000).total_seconds() == 3600


def test_delivery_gives_up_after_the_most_attempts(make_app, team, receiver, db):
    from .conftest import HOOKS_SETTINGS

    app = make_app(**{**HOOKS_SETTINGS, "WEBHOOK_MAX_ATTEMPTS": 2})
    receiver.answer(500, 500)
    client = signed_in(app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")

    deliver(app)
    _make_due(db)
    deliver(app)
    _make_due(db)
    deliver(app)

    (delivery,) = deliveries(db)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert len(receiver.received) == 2


def test_two_workers_racing_deliver_each_event_exactly_once(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    events = 40
    with hooks_app.app_context(), get_database(hooks_app).session() as session:
        convening = session.get(type(team.convening), team.convening.id)
        for _ in range(events):
            announce(session, "convening.changed", convening, convening_id=convening.id)
        session.commit()
    start = threading.Barrier(2)
    reports = {}

    def work(name: str) -> None:
        with hooks_app.app_context(), get_database(hooks_app).session() as session:
            start.wait()
            reports[name] = Worker(session, hooks_app.config, name).run()

    workers = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    arrived = receiver.wait_for(events)
    sent_ids = [a.headers["Coordination-Delivery"] for a in arrived]
    assert len(sent_ids) == events
    assert len(set(sent_ids)) == events
    assert sum(report.delivered for report in reports.values()) == events
    assert all(report.delivered for report in reports.values()), "one worker did all the work"
    assert {d.status for d in deliveries(db)} == {DeliveryStatus.DELIVERED}
    assert {d.attempts for d in deliveries(db)} == {1}


def test_event_reaches_a_subscription_through_one_row_only(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    (delivery,) = deliveries(db)

    duplicate = WebhookDelivery(
        public_id="dlv_copy",
        subscription_id=delivery.subscription_id,
        event_id=delivery.event_id,
        body=delivery.body,
    )
    db.add(duplicate)
    try:
        db.flush()
        raised = False
    except Exception:  # the database's unique constraint, whichever the engine
        raised = True
    db.rollback()

    assert raised
    assert len(deliveries(db)) == 1


def test_cancelling_the_convening_is_its_own_event(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url, ["convening.cancelled"])

    change_status(client, team.convening, "published")
    db.expire_all()
    change_status(client, team.convening, "cancelled")
    deliver(hooks_app)

    (arrived,) = receiver.wait_for(1)
    assert arrived.headers["Coordination-Event"] == "convening.cancelled"
    assert payload(arrived)["resource"]["status"] == ConveningStatus.CANCELLED.value
    assert db.scalar(select(func.count()).select_from(WebhookEvent)) == 1
