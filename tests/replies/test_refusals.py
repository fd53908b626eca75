"""Replies that change nothing: out of date, for another address, too late, or refused."""

from __future__ import annotations

import smtplib
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coordination.models import (
    AuditEvent,
    Convening,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    QuarantinedReply,
)

from . import clients
from .receiver import Receiver, send_invitation, wire


def _status(db, sent) -> InvitationStatus:
    db.expire_all()
    return db.get(Invitation, sent.invitation.id).status


def _quarantined(db) -> list[QuarantinedReply]:
    return list(db.scalars(select(QuarantinedReply).order_by(QuarantinedReply.id)))


def _answered_from_calendar(db) -> int:
    return len(
        list(
            db.scalars(
                select(AuditEvent).where(AuditEvent.action == "invitation.answered_from_calendar")
            )
        )
    )


def test_reply_with_older_sequence_changes_nothing(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    convening = db.get(Convening, sent.convening.id)
    convening.calendar_sequence += 1  # the time changed and everyone was told
    db.commit()

    receiver.deliver(sent.request.reply_to, clients.outlook(sent.request, "DECLINED"))

    assert _status(db, sent) == InvitationStatus.SENT
    [entry] = _quarantined(db)
    assert "older version" in entry.reason


def test_reply_with_wrong_token_is_quarantined(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.google(sent.request)

    receiver.deliver("rsvp+not-a-token-we-gave@coordination.example", message)

    assert _status(db, sent) == InvitationStatus.SENT
    [entry] = _quarantined(db)
    assert entry.reason == "The reply address is not one we gave out."
    assert entry.message_id == message["Message-ID"]
    assert entry.subject == message["Subject"]
    assert entry.sender == "someone@example.org"
    assert _answered_from_calendar(db) == 0


def test_reply_with_token_of_another_convening_is_quarantined(make, db, reply_app, receiver):
    ours = send_invitation(make, reply_app, title="Ours")
    theirs = send_invitation(make, reply_app, title="Theirs")

    receiver.deliver(ours.request.reply_to, clients.outlook(theirs.request, "DECLINED"))

    assert _status(db, ours) == InvitationStatus.SENT
    assert _status(db, theirs) == InvitationStatus.SENT
    [entry] = _quarantined(db)
    assert entry.reason == "The reply is about another convening than its address."


def test_reply_that_is_not_icalendar_is_quarantined(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.outlook(sent.request)
    message.get_payload()[1].set_content("not a calendar", subtype="calendar")

    receiver.deliver(sent.request.reply_to, message)

    assert _status(db, sent) == InvitationStatus.SENT
    [entry] = _quarantined(db)
    assert entry.reason.startswith("The calendar could not be read")


def test_reply_after_deadline_changes_nothing_and_tells_sender(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    convening = db.get(Convening, sent.convening.id)
    convening.rsvp_deadline = datetime.now(UTC) - timedelta(hours=1)
    db.commit()

    receiver.deliver(sent.request.reply_to, clients.outlook(sent.request, "ACCEPTED"))

    assert _status(db, sent) == InvitationStatus.SENT
    told = db.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("%was not recorded%"))
    ).one()
    assert told.recipients == [sent.request.attendee]
    assert "deadline for answers has passed" in told.text_body
    assert (
        f"https://coordination.example.org/rsvp/invitations/{sent.invitation.id}" in told.text_body
    )


def test_reply_to_withdrawn_invitation_changes_nothing(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    invitation = db.get(Invitation, sent.invitation.id)
    invitation.status = InvitationStatus.WITHDRAWN
    db.commit()

    receiver.deliver(sent.request.reply_to, clients.apple(sent.request, "ACCEPTED"))

    assert _status(db, sent) == InvitationStatus.WITHDRAWN
    told = db.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("%was not recorded%"))
    ).one()
    assert "withdrawn" in told.text_body


def test_recipient_outside_our_domain_is_refused_at_rcpt(receiver):
    with receiver.connect() as client:
        client.mail("someone@example.org")
        elsewhere = client.rcpt("rsvp+abc@elsewhere.example")
        bare = client.rcpt("rsvp@coordination.example")

    assert elsewhere[0] == 550
    assert bare[0] == 550


def test_oversized_message_is_refused(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.outlook(sent.request, "DECLINED")
    message.get_payload()[0].set_content("padding line\n" * 20_000)

    with receiver.connect() as client:
        client.mail("someone@example.org")
        client.rcpt(sent.request.reply_to)
        code, _ = client.data(wire(message))

    assert code == 552
    assert _status(db, sent) == InvitationStatus.SENT


def test_message_cut_off_midway_changes_nothing(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    whole = wire(clients.outlook(sent.request, "DECLINED"))

    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as raw:
        reader = raw.makefile("rb")
        reader.readline()
        for command in (b"LHLO test", b"MAIL FROM:<someone@example.org>"):
            raw.sendall(command + b"\r\n")
            while reader.readline()[3:4] == b"-":
                pass
        raw.sendall(f"RCPT TO:<{sent.request.reply_to}>\r\n".encode())
        assert reader.readline().startswith(b"250")
        raw.sendall(b"DATA\r\n")
        assert reader.readline().startswith(b"354")
        raw.sendall(whole[: len(whole) // 2])

    # A later delivery on another connection is answered, so the cut one was dealt with.
    receiver.deliver("rsvp+unknown@coordination.example", clients.google(sent.request))
    assert _status(db, sent) == InvitationStatus.SENT
    assert len(_quarantined(db)) == 1


def test_several_connections_are_served_at_once(make, db, reply_app, receiver):
    first = send_invitation(make, reply_app, title="First")
    second = send_invitation(make, reply_app, title="Second")

    with receiver.connect() as one, receiver.connect() as two:
        one.mail("a@example.org")
        two.mail("b@example.org")
        one.rcpt(first.request.reply_to)
        two.rcpt(second.request.reply_to)
        assert two.data(wire(clients.outlook(second.request, "DECLINED")))[0] == 250
        assert one.data(wire(clients.outlook(first.request, "ACCEPTED")))[0] == 250

    assert _status(db, first) == InvitationStatus.ACCEPTED
    assert _status(db, second) == InvitationStatus.DECLINED


@pytest.fixture
def strict_receiver(database_url, migrated_app, tmp_path):
    running = Receiver(database_url, tmp_path, REPLY_PER_MINUTE="2")
    yield running
    running.stop()


def test_flood_from_one_peer_is_told_to_wait(app, strict_receiver):
    message = clients.google(
        clients.Request("rsvp+x@coordination.example", "uid", 0, "a@example.org", "S")
    )
    for _ in range(2):
        strict_receiver.deliver("rsvp+unknown@coordination.example", message)

    with strict_receiver.connect() as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("a@example.org", ["rsvp+unknown@coordination.example"], wire(message))

    assert refused.value.smtp_code == 451


def test_quarantined_reply_is_listed_for_administrators(
    make, db, reply_app, receiver, client, auth
):
    sent = send_invitation(make, reply_app)
    message = clients.google(sent.request)
    receiver.deliver("rsvp+not-a-token-we-gave@coordination.example", message)
    admin = make.user(name="Ada Admin", is_admin=True)

    auth.sign_in(admin)
    page = client.get("/admin/replies").get_data(as_text=True)

    assert "The reply address is not one we gave out." in page
    assert message["Message-ID"] in page.replace("&lt;", "<").replace("&gt;", ">")
