"""Convenings in awkward zones, with an invited organisation and two delegates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from coordination.calendar import ics
from coordination.models import Convening, ConveningStatus, Delegate, Invitation

SENDER = "mailto:no-reply@coordination.invalid"
TITLE = 'Dialogue: Mädison, Valleywood; round "2"\\n'
URL = "https://coordination.example.org/rsvp/example"


def _at(zone: str, *wall_clock: int) -> datetime:
    return datetime(*wall_clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


# (id, zone, UTC start, hours): each crosses or touches something calendar programs get wrong.
CASES = [
    ("london-across-dst-start", "Europe/London", _at("Europe/London", 2026, 3, 28, 22), 14),
    (
        "los-angeles-across-dst-end",
        "America/Los_Angeles",
        _at("America/Los_Angeles", 2026, 10, 31, 20),
        30,
    ),
    ("kolkata-half-hour-offset", "Asia/Kolkata", _at("Asia/Kolkata", 2026, 7, 15, 9, 30), 8),
    # 01:30 happens twice in Los Angeles on 1 November 2026: first PDT, then PST.
    (
        "los-angeles-ambiguous-first",
        "America/Los_Angeles",
        datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
        2,
    ),
    (
        "los-angeles-ambiguous-second",
        "America/Los_Angeles",
        datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        2,
    ),
    ("auckland-across-dst-end", "Pacific/Auckland", _at("Pacific/Auckland", 2026, 4, 4, 18), 20),
    (
        "lord-howe-half-hour-dst",
        "Australia/Lord_Howe",
        _at("Australia/Lord_Howe", 2026, 10, 3, 20),
        12,
    ),
    ("utc", "UTC", datetime(2027, 1, 12, 9, tzinfo=UTC), 3),
]
CASE_IDS = [case[0] for case in CASES]


@dataclass
class World:
    convening: Convening
    invitation: Invitation
    delegates: list[Delegate]
    host_name: str


def build_world(make, db, zone: str, starts_at: datetime, hours: float, **fields) -> World:
    host = make.organisation('Host, Ltd; "Quoted"')
    guest = make.organisation()
    focal_point = make.contact(guest, name="O'Brien, Siobhán", email="siobhan@guest.example")
    convening = make.convening(
        TITLE,
        timezone=zone,
        starts_at=starts_at,
        hours=hours,
        host_organisation=host,
        venue_name="Hall 2, North Wing",
        **fields,
    )
    convening.calendar_sequence = 2
    invitation = make.invitation(convening, guest, focal_point=focal_point, commit=False)
    invitation.calendar_sequence = 1
    delegates = [
        Delegate(
            invitation=invitation,
            name="Ana Núñez",
            email="ana@guest.example",
            email_normalized="ana@guest.example",
            is_head=True,
            calendar_sequence=0,
        ),
        Delegate(
            invitation=invitation,
            name="Ben; Chu",
            email="ben@guest.example",
            email_normalized="ben@guest.example",
            calendar_sequence=3,
        ),
    ]
    db.add_all(delegates)
    db.commit()
    return World(convening, invitation, delegates, host.name)


@dataclass
class Expected:
    name: str
    text: str
    method: str
    uid: str
    sequence: int
    attendee: ics.Attendee
    status: str


def calendars_for(world: World) -> list[Expected]:
    """Every kind of .ics the app sends, for this world (needs an application context)."""
    convening, invitation = world.convening, world.invitation
    focal = invitation.focal_point
    made = []

    def add(name, uid, sequence, attendee, cancel=False):
        text = ics.itip_message(
            convening, uid=uid, sequence=sequence, url=URL, attendee=attendee, cancel=cancel
        )
        cancelled = cancel or convening.status == ConveningStatus.CANCELLED
        method = "CANCEL" if cancelled else "REQUEST"
        status = "CANCELLED" if cancelled else "CONFIRMED"
        made.append(Expected(name, text, method, uid, sequence, attendee, status))

    focal_uid = ics.invitation_uid(convening, invitation.id)
    focal_sequence = convening.calendar_sequence + invitation.calendar_sequence
    add("focal-point-request", focal_uid, focal_sequence, ics.Attendee(focal.email, focal.name))
    add(
        "focal-point-accepted",
        focal_uid,
        focal_sequence,
        ics.Attendee(focal.email, focal.name, ics.PARTSTAT_ACCEPTED),
    )
    add(
        "focal-point-cancel",
        focal_uid,
        focal_sequence + 1,
        ics.Attendee(focal.email, focal.name, ics.PARTSTAT_DECLINED),
        cancel=True,
    )
    for delegate in world.delegates:
        uid = ics.delegate_uid(convening, delegate.id)
        sequence = convening.calendar_sequence + delegate.calendar_sequence
        attendee = ics.Attendee(delegate.email, delegate.name, ics.PARTSTAT_ACCEPTED)
        add(f"delegate-{delegate.id}-request", uid, sequence, attendee)
        add(f"delegate-{delegate.id}-cancel", uid, sequence + 1, attendee, cancel=True)
    return made
