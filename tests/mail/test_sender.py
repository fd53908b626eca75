"""The sender: claims, exactly-once delivery with concurrent senders, leases, retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coordination.db import get_database
from coordination.mail import CLAIM_LEASE, MAX_ATTEMPTS, queue, retry_delay
from coordination.models import OutboxMessage, utcnow

from .helpers import closed_port, make_due, queue_committed, reload, send_outbox


def test_retry_delay_doubles_from_one_minute_up_to_an_hour():
    delays = [retry_delay(attempt) for attempt in range(1, 10)]

    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_sender_delivers_committed_messages_and_records_them(smtp_app, smtp_server, db):
    first = queue_committed(db, ["ana@example.org"], "First")
    second = queue_committed(db, ["ben@example.org"], "Second")

    report = send_outbox(smtp_app)

    arrived = smtp_server.wait_for(2)
    assert report == (2, 0)
    assert sorted((m.subject, *m.rcpt_tos) for m in arrived) == [
        ("First", "ana@example.org"),
        ("Second", "ben@example.org"),
    ]
    for message in (reload(db, first), reload(db, second)):
        assert message.sent_at is not None and message.attempts == 1
        assert message.claimed_by and message.claimed_at is None and message.last_error is None
    assert send_outbox(smtp_app) == (0, 0)
    assert len(smtp_server.messages) == 2


def test_rolled_back_change_sends_nothing(smtp_app, smtp_server, db):
    with get_database(smtp_app).session() as session:
        queue(session, ["ana@example.org"], "Never sent", "Body")
        session.flush()
        session.rollback()

    report = send_outbox(smtp_app)

    assert report == (0, 0)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp_server.messages == []


@pytest.mark.parametrize("run", range(2))
def test_two_senders_at_once_send_each_of_twenty_messages_exactly_once(
    smtp_app, smtp_server, db, run
):
    for number in range(20):
        queue(db, [f"person{number}@example.org"], f"Message {number}", "Body")
    db.commit()
    smtp_server.delay = 0.02  # each message takes a moment, so the senders overlap
    start = threading.Barrier(2)
    reports, errors = [], []

    def sender():
        try:
            with get_database(smtp_app).session() as session:
                start.wait()
                reports.append(send_outbox_in(session))
        except Exception as error:  # reported below, not swallowed
            errors.append(error)

    def send_outbox_in(session: Session):
        from coordination.mail import deliver_pending

        return deliver_pending(session, smtp_app.config)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    subjects = sorted(received.subject for received in smtp_server.messages)
    assert subjects == sorted(f"Message {number}" for number in range(20))
    assert sum(report.sent for report in reports) == 20
    rows = db.scalars(select(OutboxMessage)).all()
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
    # Both senders really worked at the same time: each sent some of the messages.
    assert len({row.claimed_by for row in rows}) == 2


def test_claim_is_committed_before_the_server_is_contacted(
    smtp_app, smtp_server, db, inspection_engine
):
    message = queue_committed(db, ["ana@example.org"])
    seen = []

    def look_at_the_row(_envelope):
        with Session(inspection_engine) as other:
            row = other.get(OutboxMessage, message.id)
            seen.append((row.claimed_by, row.claimed_at, row.sent_at))

    smtp_server.on_data = look_at_the_row

    send_outbox(smtp_app, worker="worker-a")

    claimed_by, claimed_at, sent_at = seen[0]
    assert claimed_by == "worker-a" and claimed_at is not None and sent_at is None


def test_message_claimed_by_a_live_sender_is_left_to_it(smtp_app, smtp_server, db):
    message = queue_committed(db, ["ana@example.org"])
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_by="other-worker", claimed_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()

    report = send_outbox(smtp_app)

    assert report == (0, 0)
    assert smtp_server.messages == []
    assert reload(db, message).claimed_by == "other-worker"


def test_claim_of_a_crashed_sender_expires_after_the_lease(smtp_app, smtp_server, db):
    message = queue_committed(db, ["ana@example.org"])
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_by="crashed", claimed_at=utcnow() - CLAIM_LEASE - timedelta(minutes=1))
    )
    db.commit()

    report = send_outbox(smtp_app, worker="rescuer")

    assert report == (1, 0)
    assert len(smtp_server.wait_for(1)) == 1
    stored = reload(db, message)
    assert stored.sent_at is not None and stored.claimed_by == "rescuer"


def test_temporary_refusal_is_retried_after_a_wait(smtp_app, smtp_server, db):
    smtp_server.refuse("later@example.org", "451 4.3.0 Mailbox busy, try again later")
    message = queue_committed(db, ["later@example.org"])
    before = utcnow()

    assert send_outbox(smtp_app) == (0, 1)
    stored = reload(db, message)
    assert stored.attempts == 1 and stored.sent_at is None and stored.failed_at is None
    assert "451 4.3.0 Mailbox busy, try again later" in stored.last_error
    assert stored.claimed_by is None and stored.claimed_at is None
    wait = stored.next_attempt_at - before
    assert timedelta(seconds=55) < wait < timedelta(seconds=65)

    assert send_outbox(smtp_app) == (0, 0)  # not before its time
    assert reload(db, message).attempts == 1

    smtp_server.refusals.clear()
    make_due(db, message)
    assert send_outbox(smtp_app) == (1, 0)
    stored = reload(db, message)
    assert stored.sent_at is not None and stored.attempts == 2 and stored.last_error is None
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["later@example.org"]]


def test_permanent_refusal_gives_up_at_once(smtp_app, smtp_server, db):
    smtp_server.refuse("nobody@example.org", "550 5.1.1 No such user here")
    message = queue_committed(db, ["nobody@example.org"])

    assert send_outbox(smtp_app) == (0, 1)

    stored = reload(db, message)
    assert stored.failed_at is not None and stored.attempts == 1
    assert "nobody@example.org: 550 5.1.1 No such user here" in stored.last_error
    make_due(db, message)
    assert send_outbox(smtp_app) == (0, 0)
    assert smtp_server.messages == []


def test_unreachable_server_backs_off_then_gives_up_after_max_attempts(make_app, db):
    app = make_app(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())
    message = queue_committed(db, ["ana@example.org"])
    waits = []

    for _ in range(MAX_ATTEMPTS):
        make_due(db, message)
        before = utcnow()
        assert send_outbox(app) == (0, 1)
        stored = reload(db, message)
        waits.append(round((stored.next_attempt_at - before).total_seconds() / 60))

    assert waits[:-1] == [1, 2, 4, 8, 16, 32, 60]
    assert stored.attempts == MAX_ATTEMPTS and stored.failed_at is not None
    assert "ConnectionRefusedError" in stored.last_error
    make_due(db, message)
    assert send_outbox(app) == (0, 0)


def test_partly_refused_message_is_not_sent_again_to_the_others(smtp_app, smtp_server, db):
    smtp_server.refuse("gone@example.org", "550 5.1.1 No such user here")
    message = queue_committed(db, ["ana@example.org", "gone@example.org"])

    assert send_outbox(smtp_app) == (1, 0)
    make_due(db, message)
    assert send_outbox(smtp_app) == (0, 0)

    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["ana@example.org"]]
    stored = reload(db, message)
    assert stored.sent_at is not None
    assert "gone@example.org: 550 5.1.1 No such user here" in stored.last_error


def test_limit_stops_the_round_early(smtp_app, smtp_server, db):
    for number in range(3):
        queue(db, [f"person{number}@example.org"], f"Message {number}", "Body")
    db.commit()

    assert send_outbox(smtp_app, limit=2) == (2, 0)
    assert send_outbox(smtp_app) == (1, 0)
    assert len(smtp_server.wait_for(3)) == 3
