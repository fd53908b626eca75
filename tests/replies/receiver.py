"""The calendar reply receiver as a real process, and the invitations it answers."""

from __future__ import annotations

import email.policy
import os
import smtplib
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from coordination.db import get_database
from coordination.invitations.answering import delegates
from coordination.invitations.manage import sending
from coordination.models import (
    Convening,
    Delegate,
    Invitation,
    InvitationStatus,
    OutboxMessage,
)
from tests import factories

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REPLY_ADDRESS = "rsvp@coordination.example"
BASE_URL = "https://coordination.example.org"


def wire(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=email.policy.SMTP)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """``flask --app coordination mail receive`` on a free local port, on the test database."""

    def __init__(self, database_url: str, instance_path: Path, **settings: str):
        self.port = free_port()
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("COORDINATION_")
        }
        environment.update(
            COORDINATION_DATABASE_URL=database_url,
            COORDINATION_INSTANCE_PATH=str(instance_path),
            COORDINATION_SECRET_KEY="replies-secret-key-not-for-production",
            COORDINATION_BASE_URL=BASE_URL,
            COORDINATION_REPLY_ADDRESS=REPLY_ADDRESS,
            **{f"COORDINATION_{name}": value for name, value in settings.items()},
        )
        self.log_path = instance_path / f"receiver-{self.port}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "coordination",
                    "mail",
                    "receive",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the receiver exited:\n{self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the receiver did not start listening")

    def connect(self) -> smtplib.LMTP:
        client = smtplib.LMTP("127.0.0.1", self.port, timeout=20)
        client.ehlo_or_helo_if_needed()
        return client

    def deliver(self, recipient: str, message: EmailMessage, sender: str = "") -> None:
        """Deliver as a mail server does (lines ending CRLF), expecting it accepted."""
        with self.connect() as client:
            refused = client.sendmail(sender or "someone@example.org", [recipient], wire(message))
        assert refused == {}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Request:
    """The calendar request an invitee received: where to reply and what it was about."""

    reply_to: str
    uid: str
    sequence: int
    attendee: str
    summary: str


def request_in(message: OutboxMessage) -> Request:
    """Read the REQUEST attached to an email as a calendar program does."""
    calendar = Calendar.from_ical(message.attachments[0]["content"])
    event = next(iter(calendar.walk("VEVENT")))
    return Request(
        reply_to=str(event["organizer"]).removeprefix("mailto:"),
        uid=str(event["uid"]),
        sequence=int(event["sequence"]),
        attendee=str(event["attendee"]).removeprefix("mailto:"),
        summary=str(event["summary"]),
    )


@dataclass
class Sent:
    convening: Convening
    invitation: Invitation
    request: Request


def send_invitation(make, reply_app, *, title: str = "Madison Valleywood", **convening) -> Sent:
    """An invitation sent by its organiser through the application, as the focal point got it."""
    db = make.session
    organiser = make.user(name="Olivia Organiser")
    convening_row = make.convening(title, organisers=(organiser,), **convening)
    organisation = make.organisation(f"Apple for {title}")
    contact = make.contact(organisation, name="Fiona Focal")
    invitation = make.invitation(
        convening_row, organisation, status=InvitationStatus.DRAFT, focal_point=contact
    )
    with reply_app.app_context(), get_database(reply_app).session() as session:
        actor = session.get(type(organiser), organiser.id)
        sending.send_invitations(
            session,
            factories.principal(actor),
            session.get(Convening, convening_row.id),
            [invitation.id],
        )
        session.commit()
    db.expire_all()
    message = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.convening_id == convening_row.id)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return Sent(convening_row, invitation, request_in(message))


def name_delegate(make, reply_app, sent: Sent, name: str, email: str) -> tuple[Delegate, Request]:
    """A delegate named by the focal point (after accepting), with the request they received."""
    db = make.session
    with reply_app.app_context(), get_database(reply_app).session() as session:
        invitation = session.get(Invitation, sent.invitation.id)
        invitation.status = InvitationStatus.ACCEPTED
        principal = factories.principal(None)
        principal.link_grants = {invitation.id: invitation.token_hash}
        delegate = delegates.add(
            session, principal, invitation, delegates.DelegateInput(name=name, email=email)
        )
        session.commit()
        delegate_id = delegate.id
    db.expire_all()
    # The delegate's confirmation is the last email queued.
    message = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.recipients == [email]
    return db.get(Delegate, delegate_id), request_in(message)
