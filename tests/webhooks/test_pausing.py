"""A receiver failing again and again: the subscription pauses, its owner is told, and resumes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from coordination.db import get_database
from coordination.mail import deliver_pending
from coordination.models import Convening, DeliveryStatus, OutboxMessage
from coordination.webhooks.delivery import Worker
from coordination.webhooks.events import announce

from .conftest import HOOKS_SETTINGS, signed_in
from .helpers import deliver, deliveries, subscribe, subscription_row


@pytest.fixture
def pausing_app(make_app, smtp_server):
    """Pauses after three failures in a row; mail goes to the test's SMTP server."""
    return make_app(
        **HOOKS_SETTINGS,
        WEBHOOK_PAUSE_AFTER_FAILURES=3,
        MAIL_BACKEND="smtp",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
    )


def _events(app, convening: Convening, count: int) -> None:
    with app.app_context(), get_database(app).session() as session:
        convening = session.get(Convening, convening.id)
        for _ in range(count):
            announce(session, "convening.changed", convening, convening_id=convening.id)
        session.commit()


def _subscription_id(db) -> int:
    return deliveries(db)[0].subscription_id


def test_subscription_failing_again_and_again_is_paused_and_its_owner_emailed(
    pausing_app, smtp_server, team, receiver, db
):
    receiver.answer(500, 500, 500, 500, 500)
    client = signed_in(pausing_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    _events(pausing_app, team.convening, 5)

    report = deliver(pausing_app)
    with pausing_app.app_context(), get_database(pausing_app).session() as session:
        deliver_pending(session, pausing_app.config)

    subscription = subscription_row(db, _subscription_id(db))
    # Three attempts, then nothing more: the other two wait for the resumption.
    assert report.failed == 3
    assert len(receiver.received) == 3
    assert subscription.paused_at is not None
    assert subscription.consecutive_failures == 3
    (notice,) = smtp_server.wait_for(1)
    assert notice.rcpt_tos == [team.organiser.email]
    assert notice.message["Subject"] == "Webhook paused: deliveries to your receiver kept failing"
    text = notice.text()
    assert receiver.url in text
    assert "3 attempts to deliver to it failed in a row" in text
    assert "The receiver answered 500" in text
    assert f"https://coordination.example.org/webhooks/{subscription.id}" in text
    page = client.get(f"/webhooks/{subscription.id}").get_data(as_text=True)
    assert "Paused" in page
    assert "Paused after 3 failed attempts in a row." in page
    assert ">Resume</button>" in page


def test_owner_is_told_once_when_two_workers_fail_at_the_same_time(pausing_app, team, receiver, db):
    receiver.answer(*[500] * 20)
    subscribe(signed_in(pausing_app, team.organiser), team.convening, receiver.url)
    _events(pausing_app, team.convening, 8)
    start = threading.Barrier(2)

    def work(name: str) -> None:
        with pausing_app.app_context(), get_database(pausing_app).session() as session:
            start.wait()
            Worker(session, pausing_app.config, name).run()

    workers = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    subscription = subscription_row(db, _subscription_id(db))
    assert subscription.paused_at is not None
    # At most one attempt each was under way when the third failure paused it.
    assert 3 <= len(receiver.received) <= 4
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_resumed_subscription_sends_what_waited(pausing_app, team, receiver, db):
    receiver.answer(500, 500, 500)
    client = signed_in(pausing_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    _events(pausing_app, team.convening, 3)
    deliver(pausing_app)
    subscription_id = _subscription_id(db)
    # Events while paused are queued, not sent.
    _events(pausing_app, team.convening, 2)
    assert deliver(pausing_app).delivered == 0

    resumed = client.post(f"/webhooks/{subscription_id}/resume")
    report = deliver(pausing_app)

    assert resumed.status_code == 302
    assert report.delivered == 5
    assert len(receiver.wait_for(3 + 5)) == 8
    assert {d.status for d in deliveries(db)} == {DeliveryStatus.DELIVERED}
    subscription = subscription_row(db, subscription_id)
    assert subscription.paused_at is None
    assert subscription.consecutive_failures == 0


def test_success_between_failures_starts_the_count_again(pausing_app, team, receiver, db):
    receiver.answer(500, 500, 200, 500, 500)
    subscribe(signed_in(pausing_app, team.organiser), team.convening, receiver.url)
    _events(pausing_app, team.convening, 5)

    report = deliver(pausing_app)

    subscription = subscription_row(db, _subscription_id(db))
    assert (report.delivered, report.failed) == (1, 4)
    assert subscription.paused_at is None
    assert subscription.consecutive_failures == 2
