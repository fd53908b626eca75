"""`flask webhooks deliver`: once, and as a worker until stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from coordination.models import DeliveryStatus

from .conftest import signed_in
from .helpers import change_status, deliveries, subscribe

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_deliver_once_sends_what_is_due_and_prints_the_counts(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")

    result = hooks_app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 delivered, 0 failed"
    assert len(receiver.wait_for(1)) == 1


def test_worker_keeps_delivering_until_stopped(
    hooks_app, team, receiver, db, database_url, tmp_path
):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    environment = {
        **os.environ,
        "COORDINATION_DATABASE_URL": database_url,
        "COORDINATION_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "COORDINATION_SECRET_KEY": "worker-test-secret",
        "COORDINATION_BASE_URL": "https://coordination.example.org",
        "COORDINATION_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "coordination", "webhooks", "deliver"]
    worker = subprocess.Popen(
        [*command, "--interval", "0.2"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Changed while the worker runs: it picks the delivery up on its next round.
        change_status(client, team.convening, "published")
        receiver.wait_for(1, timeout=30)
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, errors
    assert "1 delivered, 0 failed" in output
    assert output.strip().endswith("Webhook worker stopped.")
    assert [d.status for d in deliveries(db)] == [DeliveryStatus.DELIVERED]
