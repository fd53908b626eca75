"""Helpers shared by the tests of the organisers' invitation pages and emails."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import func, select

from coordination.models import (
    AuditEvent,
    Contact,
    Convening,
    Invitation,
    InvitationStatus,
    OutboxMessage,
)

LINK = re.compile(r"https?://\S+/rsvp/[A-Za-z0-9_\-]+")
START = datetime(2030, 1, 15, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles (PST)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def outbox(db, batch: str | None = None) -> list[OutboxMessage]:
    """The queued messages, oldest first (of one batch if given)."""
    db.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if batch is not None:
        query = query.where(OutboxMessage.batch == batch)
    return list(db.scalars(query))


def outbox_count(db) -> int:
    return db.scalar(select(func.count(OutboxMessage.id)))


def reload(db, invitation: Invitation) -> Invitation:
    db.expire_all()
    return db.get(Invitation, invitation.id)


def calendar_of(message: OutboxMessage) -> tuple[str, Calendar]:
    """The METHOD parameter of the message's calendar attachment and the parsed calendar."""
    (attachment,) = [a for a in message.attachments if a["content_type"] == "text/calendar"]
    return attachment["params"]["method"], Calendar.from_ical(attachment["content"])


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def link_in(text: str) -> str:
    """The one answer link in an email body."""
    (link,) = set(LINK.findall(text))
    return link


def token_of(link: str) -> str:
    return urlsplit(link).path.rsplit("/", 1)[1]


def audit_actions(db, convening_id: int) -> list[str]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.convening_id == convening_id)
            .order_by(AuditEvent.id)
        )
    )


def edit_form(convening: Convening, **changes) -> dict[str, str]:
    """The convening's edit form as a browser posts it, with some fields changed."""
    data = {
        "title": convening.title,
        "codename": convening.codename or "",
        "summary": convening.summary or "",
        "host_organisation_id": "",
        "venue_name": convening.venue_name or "",
        "venue_address": convening.venue_address or "",
        "venue_room": convening.venue_room or "",
        "remote_url": convening.remote_url or "",
        "timezone": convening.timezone,
        "starts_at": convening.local_start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": convening.local_end.strftime("%Y-%m-%dT%H:%M"),
        "rsvp_deadline": "",
        "sensitivity": convening.sensitivity,
        "series_id": "",
        "new_series_name": "",
        "version": str(convening.version),
    }
    data.update(changes)
    return data


def error_beside(page: str, field: str) -> str:
    """The inline error text shown beside a field."""
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


class Scene:
    """A published convening in Los Angeles time, its organiser (signed in), and organisations."""

    def __init__(self, make, auth, **convening_fields):
        self.make = make
        self.organiser = make.user(name="Olive Organiser")
        fields = {
            "timezone": "America/Los_Angeles",
            "starts_at": START,
            "hours": 6,
            "venue_name": "Robert F. Kennedy Building",
            "venue_room": "Great Hall",
            "codename": "Madison Valleywood",
            **convening_fields,
        }
        self.convening = make.convening(
            "Countering online propaganda", organisers=(self.organiser,), **fields
        )
        auth.sign_in(self.organiser)

    def organisation(self, name: str, *, with_email: bool = True, **fields):
        """An organisation and one contact (with an address unless with_email is False)."""
        organisation = self.make.organisation(name, **fields)
        if with_email:
            slug = name.lower().replace(" ", "-")
            contact = self.make.contact(
                organisation, name=f"Focal {name}", email=f"focal@{slug}.example.org"
            )
        else:
            contact = Contact(organisation=organisation, name=f"Focal {name}")
            self.make.session.add(contact)
            self.make.session.commit()
        return organisation, contact

    def invitation(
        self, name: str, status: InvitationStatus = InvitationStatus.DRAFT, **fields
    ) -> Invitation:
        """An invitation whose focal point has an email address (unless with_email=False)."""
        organisation, contact = self.organisation(name, with_email=fields.pop("with_email", True))
        return self.make.invitation(
            self.convening, organisation, status=status, focal_point=contact, **fields
        )


def send_and_read_token(client, db, scene: Scene, invitation: Invitation) -> str:
    """Send the invitation through the organisers' page; answer the raw token emailed."""
    client.post(
        f"/convenings/{scene.convening.id}/invitations/send",
        data={"invitation": [str(invitation.id)]},
    )
    return token_of(link_in(outbox(db)[-1].text_body))
