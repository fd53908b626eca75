"""The real servers the browser tests talk to: an SMTP catcher and the application."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


class Mailbox:
    """Every message the SMTP server accepted, parsed; tests wait for the one they expect."""

    def __init__(self):
        self.messages: list[Received] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self.messages.append(Received(list(envelope.rcpt_tos), message))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()

    def _matching(self, to: str, subject: str | None) -> list[Received]:
        return [
            received
            for received in self.messages
            if to.lower() in (address.lower() for address in received.recipients)
            and (subject is None or subject.lower() in received.subject.lower())
        ]

    def wait_for(self, to: str, subject: str | None = None, timeout: float = 10) -> Received:
        """The latest message to ``to`` (whose subject contains ``subject``), waiting for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (found := self._matching(to, subject)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.recipients, m.subject) for m in self.messages]
                    raise AssertionError(
                        f"no email to {to} (subject containing {subject!r}) within {timeout}s; "
                        f"received: {seen}"
                    )
                self._changed.wait(remaining)
            return found[-1]

    def count_to(self, to: str, subject: str | None = None) -> int:
        with self._changed:
            return len(self._matching(to, subject))


def start_smtp() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox


def server_environment(database_url: str, instance_path: Path, port: int, smtp_port: int):
    """The application's whole configuration, as an operator would give it."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("COORDINATION_")
    }
    environment.update(
        COORDINATION_DATABASE_URL=database_url,
        COORDINATION_INSTANCE_PATH=str(instance_path),
        COORDINATION_SECRET_KEY="e2e-secret-key-not-for-production",
        COORDINATION_BASE_URL=f"http://127.0.0.1:{port}",
        COORDINATION_MAIL_BACKEND="smtp",
        COORDINATION_SMTP_HOST="127.0.0.1",
        COORDINATION_SMTP_PORT=str(smtp_port),
        COORDINATION_SMTP_TIMEOUT="10",
        COORDINATION_MAIL_DELIVER_AFTER_REQUEST="true",
        COORDINATION_ARGON2_TIME_COST="1",
        COORDINATION_ARGON2_MEMORY_COST="1024",
    )
    return environment


def flask_command(environment: dict[str, str], *arguments: str) -> None:
    """Run ``flask --app coordination <arguments>`` as a separate process."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coordination", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


class LiveServer:
    """The application served by gunicorn, as in production, on a local port."""

    def __init__(self, environment: dict[str, str], port: int, log_path: Path):
        self.environment = environment
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "coordination:create_app()",
            ],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the application server exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the application server did not answer /health:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
