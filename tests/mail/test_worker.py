"""`flask mail send` once and as a worker, delivery after a request, failures for admins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from coordination.models import OutboxMessage, utcnow

from .helpers import queue_committed, reload, send_outbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_mail_send_sends_what_is_due_and_prints_the_counts(smtp_app, smtp_server, db):
    smtp_server.refuse("nobody@example.org")
    queue_committed(db, ["ana@example.org"])
    queue_committed(db, ["ben@example.org"])
    queue_committed(db, ["nobody@example.org"])

    result = smtp_app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 1 failed"
    assert sorted(m.rcpt_tos[0] for m in smtp_server.wait_for(2)) == [
        "ana@example.org",
        "ben@example.org",
    ]


def _start_worker(database_url: str, smtp_server, tmp_path: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "COORDINATION_DATABASE_URL": database_url,
        "COORDINATION_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "COORDINATION_SECRET_KEY": "worker-test-secret",
        "COORDINATION_BASE_URL": "https://coordination.example.org",
        "COORDINATION_MAIL_BACKEND": "smtp",
        "COORDINATION_SMTP_HOST": smtp_server.host,
        "COORDINATION_SMTP_PORT": str(smtp_server.port),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "coordination", "mail", "send"]
    return subprocess.Popen(
        [*command, "--worker", "--interval", "0.2"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_worker_keeps_sending_until_stopped_by_a_signal(
    app, smtp_server, db, database_url, tmp_path, stop_signal
):
    queue_committed(db, ["ana@example.org"], "Before")
    worker = _start_worker(database_url, smtp_server, tmp_path)
    try:
        smtp_server.wait_for(1, timeout=30)
        queue_committed(db, ["ben@example.org"], "While running")
        arrived = smtp_server.wait_for(2, timeout=30)
        time.sleep(0.3)
        worker.send_signal(stop_signal)
        output, errors = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, errors
    assert [m.subject for m in arrived] == ["Before", "While running"]
    assert output.count("1 sent, 0 failed") == 2
    assert output.strip().endswith("Mail worker stopped.")
    assert len(smtp_server.messages) == 2


def test_development_delivery_after_a_request_goes_through_the_claims(
    make_app, smtp_server, make, db
):
    make.user(email="ana@example.org")
    held = queue_committed(db, ["held@example.org"], "Claimed by another sender")
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == held.id)
        .values(claimed_by="other-worker", claimed_at=utcnow())
    )
    db.commit()
    app = make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        MAIL_DELIVER_AFTER_REQUEST=True,
    )

    response = app.test_client().post("/account/forgot", data={"email": "ana@example.org"})

    assert response.status_code == 200
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ana@example.org"]]
    reset = db.scalars(select(OutboxMessage).where(OutboxMessage.id != held.id)).one()
    assert reset.sent_at is not None and reset.claimed_by
    assert reload(db, held).sent_at is None and reload(db, held).claimed_by == "other-worker"


def test_outbox_page_shows_failures_and_claims_to_administrators(
    smtp_app, smtp_server, db, make, client, auth
):
    smtp_server.refuse("nobody@example.org", "550 5.1.1 <nobody@example.org> No such user")
    smtp_server.refuse("busy@example.org", "451 4.3.0 Mailbox busy")
    queue_committed(db, ["nobody@example.org"], "Refused for good")
    queue_committed(db, ["busy@example.org"], "Refused for now")
    send_outbox(smtp_app)
    sending = queue_committed(db, ["ana@example.org"], "On its way")
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == sending.id)
        .values(claimed_by="host-1:4242:abc123", claimed_at=utcnow() - timedelta(seconds=5))
    )
    db.commit()
    admin = make.user(is_admin=True)
    auth.sign_in(admin)

    page = client.get("/admin/outbox").get_data(as_text=True)
    failed_only = client.get("/admin/outbox", query_string={"status": "failed"})
    pending_only = client.get("/admin/outbox", query_string={"status": "pending"})

    assert "550 5.1.1 &lt;nobody@example.org&gt; No such user" in page
    assert "451 4.3.0 Mailbox busy" in page
    assert "Gave up" in page and "Next try" in page
    assert "Sending" in page and "host-1:4242:abc123" in page
    failed_text = failed_only.get_data(as_text=True)
    assert "Refused for good" in failed_text and "Refused for now" in failed_text
    assert "On its way" not in failed_text
    assert "On its way" in pending_only.get_data(as_text=True)


def test_outbox_page_is_refused_to_non_administrators(smtp_app, db, make, client, auth):
    queue_committed(db, ["nobody@example.org"], "Private subject")
    auth.sign_in(make.user())

    response = client.get("/admin/outbox")

    assert response.status_code == 403
    assert "Private subject" not in response.get_data(as_text=True)
