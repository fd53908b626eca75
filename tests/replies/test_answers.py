"""A calendar program's Accept, Tentative or Decline answers the invitation."""

from __future__ import annotations

from sqlalchemy import select

from coordination.models import (
    AuditEvent,
    CalendarProposal,
    Convening,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    QuarantinedReply,
)

from . import clients
from .receiver import name_delegate, send_invitation


def _status(db, sent) -> InvitationStatus:
    db.expire_all()
    return db.get(Invitation, sent.invitation.id).status


def _calendar_events(db, sent) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "invitation.answered_from_calendar",
                AuditEvent.convening_id == sent.convening.id,
            )
        )
    )


def test_request_names_reply_address_unique_to_invitation(make, reply_app):
    first = send_invitation(make, reply_app, title="First")
    second = send_invitation(make, reply_app, title="Second")

    assert first.request.reply_to.startswith("rsvp+")
    assert first.request.reply_to.endswith("@coordination.example")
    assert first.request.reply_to != second.request.reply_to


def test_outlook_accept_answers_invitation(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.outlook(sent.request, "ACCEPTED", comment="Two of us will come.")

    receiver.deliver(sent.request.reply_to, message)

    assert _status(db, sent) == InvitationStatus.ACCEPTED
    [event] = _calendar_events(db, sent)
    assert event.changes["message_id"] == message["Message-ID"]
    assert event.changes["comment"] == "Two of us will come."
    assert event.changes["status"] == ["sent", "accepted"]


def test_google_accept_answers_invitation_with_address_as_name(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)

    receiver.deliver(sent.request.reply_to, clients.google(sent.request))

    assert _status(db, sent) == InvitationStatus.ACCEPTED


def test_apple_lower_case_decline_declines_invitation(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)

    receiver.deliver(sent.request.reply_to, clients.apple(sent.request, "declined"))

    assert _status(db, sent) == InvitationStatus.DECLINED


def test_thunderbird_tentative_answers_tentatively(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)

    receiver.deliver(sent.request.reply_to, clients.thunderbird(sent.request))

    assert _status(db, sent) == InvitationStatus.TENTATIVE


def test_forwarded_reply_answers_invitation(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    inner = clients.outlook(sent.request, "TENTATIVE")

    receiver.deliver(sent.request.reply_to, clients.forwarded(inner, sent.request))

    assert _status(db, sent) == InvitationStatus.TENTATIVE


def test_delegate_decline_cancels_that_delegate(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    delegate, request = name_delegate(make, reply_app, sent, "Dana Delegate", "dana@example.org")

    message = clients.apple(request, "DECLINED")
    receiver.deliver(request.reply_to, message)

    db.expire_all()
    assert db.get(type(delegate), delegate.id).status == DelegateStatus.CANCELLED
    assert _status(db, sent) == InvitationStatus.ACCEPTED
    [event] = _calendar_events(db, sent)
    assert event.changes["message_id"] == message["Message-ID"]


def test_counter_proposal_is_kept_not_applied(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.outlook(
        sent.request, "TENTATIVE", method="COUNTER", comment="Could we start an hour later?"
    )

    receiver.deliver(sent.request.reply_to, message)

    assert _status(db, sent) == InvitationStatus.SENT
    [proposal] = db.scalars(select(CalendarProposal))
    assert proposal.kind == "COUNTER"
    assert "an hour later" in proposal.detail
    assert list(db.scalars(select(QuarantinedReply))) == []


def test_counter_proposal_shows_on_rsvp_board(make, db, reply_app, receiver, client, auth):
    sent = send_invitation(make, reply_app)
    message = clients.outlook(
        sent.request, "TENTATIVE", method="COUNTER", comment="Could we start an hour later?"
    )
    receiver.deliver(sent.request.reply_to, message)
    organiser = db.get(Convening, sent.convening.id).team[0].user

    auth.sign_in(organiser)
    page = client.get(f"/convenings/{sent.convening.id}/rsvp").get_data(as_text=True)

    assert "From their calendar, not applied: proposes another time" in page
    assert "Could we start an hour later?" in page


def test_delegation_is_kept_not_applied(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    message = clients.google(
        sent.request,
        "DELEGATED",
        extra_event_lines=("COMMENT:Our head of policy will answer.",),
    )
    text = message.get_body(preferencelist=("calendar",)).get_content()
    delegated = text.replace(
        ";X-NUM-GUESTS=0", ';X-NUM-GUESTS=0;DELEGATED-TO="mailto:policy@example.org"'
    )
    message.get_body(preferencelist=("calendar",)).set_content(
        delegated, subtype="calendar", params={"method": "REPLY"}
    )

    receiver.deliver(sent.request.reply_to, message)

    assert _status(db, sent) == InvitationStatus.SENT
    [proposal] = db.scalars(select(CalendarProposal))
    assert proposal.kind == "DELEGATED"
    assert "policy@example.org" in proposal.detail


def test_delegate_accept_keeps_delegate_confirmed(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)
    delegate, request = name_delegate(make, reply_app, sent, "Dana Delegate", "dana@example.org")

    receiver.deliver(request.reply_to, clients.outlook(request, "Accepted", name="Dana Delegate"))

    db.expire_all()
    assert db.get(type(delegate), delegate.id).status == DelegateStatus.CONFIRMED
    assert list(db.scalars(select(QuarantinedReply))) == []


def test_reply_from_another_attendee_is_quarantined(make, db, reply_app, receiver):
    sent = send_invitation(make, reply_app)

    message = clients.outlook(sent.request, "DECLINED", attendee="intruder@example.net")
    receiver.deliver(sent.request.reply_to, message)

    assert _status(db, sent) == InvitationStatus.SENT
    [entry] = db.scalars(select(QuarantinedReply))
    assert "ATTENDEE" in entry.reason
