"""iCalendar files: iTIP invitations (REQUEST, CANCEL) with the convening's own time zone.

Each attendee's event keeps one UID for the life of the convening; SEQUENCE rises whenever the
convening's time, place or status changes (the convening's sequence) or something changes for
that attendee alone (their own sequence), so calendar programs replace the earlier copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from ..models import Convening, ConveningStatus, utcnow

PRODUCT_ID = "-//coordination//convenings//EN"

PARTSTAT_NEEDS_ACTION = "NEEDS-ACTION"
PARTSTAT_ACCEPTED = "ACCEPTED"
PARTSTAT_TENTATIVE = "TENTATIVE"
PARTSTAT_DECLINED = "DECLINED"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    partstat: str = PARTSTAT_NEEDS_ACTION
    role: str = "REQ-PARTICIPANT"


def _domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "coordination.invalid"


def invitation_uid(convening: Convening, invitation_id: int) -> str:
    """The UID of the focal point's event: fixed for this convening and invitation."""
    return f"convening-{convening.id}-invitation-{invitation_id}@{_domain()}"


def delegate_uid(convening: Convening, delegate_id: int) -> str:
    """The UID of a delegate's event: fixed for this convening and delegate."""
    return f"convening-{convening.id}-delegate-{delegate_id}@{_domain()}"


def convening_uid(convening: Convening) -> str:
    """The UID of the convening's own event, in downloads and feeds."""
    return f"convening-{convening.id}@{_domain()}"


def _organizer(convening: Convening, reply_to: str | None = None) -> vCalAddress:
    name, address = parseaddr(current_app.config["MAIL_SENDER"])
    # A reply address names the one invitation or delegate a calendar's answer is about.
    address = reply_to or address
    organizer = vCalAddress(f"mailto:{address}")
    host = convening.host_organisation.name if convening.host_organisation else None
    organizer.params["cn"] = vText(host or name or "coordination")
    return organizer


def _location(convening: Convening) -> str:
    parts = [convening.venue_name, convening.venue_room, convening.venue_address]
    place = ", ".join(part for part in parts if part)
    if convening.remote_url:
        place = f"{place} (remote: {convening.remote_url})" if place else convening.remote_url
    return place


def _written_time(local: datetime) -> datetime:
    """The time as the file writes it: in the convening's zone, or in UTC if ambiguous there.

    Readers place a wall-clock time that happens twice (clocks going back) differently:
    RFC 5545 says the first, ical.js takes the second. Every reader agrees on UTC.
    """
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return local.astimezone(UTC)
    return local


def build_event(
    convening: Convening,
    *,
    uid: str,
    sequence: int,
    url: str,
    attendees: tuple[Attendee, ...] = (),
    cancelled: bool = False,
    stamp: datetime | None = None,
    reply_to: str | None = None,
) -> Event:
    """One VEVENT for the convening, with times in its zone (TZID)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or utcnow())
    event.add("sequence", sequence)
    event.add("summary", convening.title)
    event.add("dtstart", _written_time(convening.local_start))
    event.add("dtend", _written_time(convening.local_end))
    event.add("url", url)
    description = convening.summary.strip()
    event.add("description", f"{description}\n\n{url}" if description else url)
    location = _location(convening)
    if location:
        event.add("location", location)
    event.add("organizer", _organizer(convening, reply_to))
    for attendee in attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.name)
        address.params["partstat"] = vText(attendee.partstat)
        address.params["role"] = vText(attendee.role)
        address.params["rsvp"] = vText("FALSE" if cancelled else "TRUE")
        event.add("attendee", address, encode=0)
    cancelled = cancelled or convening.status == ConveningStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def build_calendar(events: list[Event], method: str | None = None) -> Calendar:
    """A VCALENDAR holding the events and a VTIMEZONE for each zone they use.

    The zone rules cover a few years either side of the events, which keeps files small
    while letting calendar programs place every instant correctly.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    years = [event.decoded("dtstart").year for event in events if "dtstart" in event] or [
        utcnow().year
    ]
    calendar.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 3, 1, 1)
    )
    return calendar


def itip_message(
    convening: Convening,
    *,
    uid: str,
    sequence: int,
    url: str,
    attendee: Attendee,
    cancel: bool = False,
    reply_to: str | None = None,
) -> str:
    """An iTIP REQUEST (or CANCEL) for one attendee, as text ready to attach to an email."""
    method = "CANCEL" if cancel or convening.status == ConveningStatus.CANCELLED else "REQUEST"
    event = build_event(
        convening,
        uid=uid,
        sequence=sequence,
        url=url,
        attendees=(attendee,),
        cancelled=method == "CANCEL",
        reply_to=reply_to if method == "REQUEST" else None,
    )
    return build_calendar([event], method=method).to_ical().decode("utf-8")


def as_attachment(ics_text: str, method: str, filename: str = "invitation.ics") -> dict:
    """An outbox attachment for the calendar text (text/calendar with its METHOD)."""
    return {
        "filename": filename,
        "content_type": "text/calendar",
        "params": {"method": method, "charset": "utf-8"},
        "content": ics_text,
    }
