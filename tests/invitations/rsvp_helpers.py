"""Helpers shared by the tests of answering: an invitation with a link, delegates, mail."""

from __future__ import annotations

import html
import itertools
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from coordination.invitations import links
from coordination.models import (
    AttendanceMode,
    AuditEvent,
    Contact,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OutboxMessage,
    User,
)

_numbers = itertools.count(1)


@dataclass
class Invited:
    """An organisation invited to a convening, with its focal point's link."""

    organiser: User
    convening: Convening
    organisation: Organisation
    focal_point: Contact
    invitation: Invitation
    token: str

    @property
    def answer_url(self) -> str:
        return f"/rsvp/invitations/{self.invitation.id}"


def invite(
    make,
    *,
    status: InvitationStatus = InvitationStatus.SENT,
    seat_quota: int = 3,
    rsvp_deadline: datetime | None = None,
    starts_at: datetime | None = None,
    convening: Convening | None = None,
    organiser: User | None = None,
    organisation_name: str | None = None,
) -> Invited:
    """A sent invitation whose link is issued (the raw token is returned, as in the email)."""
    if convening is None:
        organiser = organiser or make.user(name="Olivia Organiser")
        convening = make.convening(
            "Madison Valleywood",
            organisers=(organiser,),
            codename="MV",
            venue_name="Robert F. Kennedy Building",
            summary="Counter-messaging with **platforms**.",
            rsvp_deadline=rsvp_deadline,
            starts_at=starts_at,
        )
    organisation = make.organisation(organisation_name or f"Apple {next(_numbers)}")
    focal_point = make.contact(organisation, name="Fiona Focal")
    invitation = make.invitation(
        convening,
        organisation,
        status=status,
        seat_quota=seat_quota,
        focal_point=focal_point,
        commit=False,
    )
    token = links.issue_link(invitation)
    make.session.commit()
    return Invited(organiser, convening, organisation, focal_point, invitation, token)


def open_link(client, invited: Invited):
    """Follow the emailed link as a browser does on first visit."""
    return client.get(f"/rsvp/{invited.token}")


def delegate_data(**overrides) -> dict[str, str]:
    """A valid delegate form, as a browser posts it."""
    number = next(_numbers)
    data = {
        "name": f"Delegate {number}",
        "email": f"delegate{number}@example.org",
        "title": "Head of Policy",
        "attendance": AttendanceMode.IN_PERSON.value,
        "accessibility_needs": "",
        "dietary_needs": "",
    }
    data.update(overrides)
    return data


def add_delegate(session, invitation: Invitation, name: str = "", **fields) -> Delegate:
    """A confirmed delegate written straight to the database."""
    number = next(_numbers)
    email = fields.pop("email", f"named{number}@example.org")
    delegate = Delegate(
        invitation_id=invitation.id,
        name=name or f"Named {number}",
        email=email,
        email_normalized=email.lower(),
        **fields,
    )
    session.add(delegate)
    session.commit()
    return delegate


def delegates_of(db, invitation: Invitation, status=DelegateStatus.CONFIRMED) -> list[Delegate]:
    db.expire_all()
    return list(
        db.scalars(
            select(Delegate)
            .where(Delegate.invitation_id == invitation.id, Delegate.status == status)
            .order_by(Delegate.id)
        )
    )


def reload(db, invitation: Invitation) -> Invitation:
    db.expire_all()
    return db.get(Invitation, invitation.id)


def messages_to(db, address: str) -> list[OutboxMessage]:
    db.expire_all()
    return [
        message
        for message in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        if address in message.recipients
    ]


def all_messages(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def calendar_of(message: OutboxMessage) -> Calendar:
    """The message's .ics attachment, parsed."""
    (attachment,) = [a for a in message.attachments if a["content_type"] == "text/calendar"]
    return Calendar.from_ical(attachment["content"])


def event_of(message: OutboxMessage):
    (event,) = calendar_of(message).walk("VEVENT")
    return event


def audit_events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def fire_at_once(clients, url: str, forms: list[dict]) -> list[tuple[int, str]]:
    """Post each form from its own browser at the same moment; answer (status, page text)."""
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, str] | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def post(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[index].post(url, data=forms[index])
            results[index] = (response.status_code, text_of(response))
        except BaseException as error:  # reported by the main thread below
            errors.append(error)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert all(result is not None for result in results)
    return results


def past(**delta) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(**delta)


def future(**delta) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(**delta)
