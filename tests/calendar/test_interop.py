"""Calendar files read by two independent parsers (icalendar and ical.js) must agree.

Every kind of .ics the app sends (invitation REQUEST and CANCEL for focal points and
delegates) is built for convenings in awkward zones, then read by icalendar (times placed
both by Python's zone database and by the file's VTIMEZONE) and by ical.js under Node
(times placed by the file's VTIMEZONE only). Instants, UID, SEQUENCE, METHOD, ORGANIZER and
ATTENDEE with PARTSTAT must agree between them and with what the database holds.
"""

from __future__ import annotations

import pytest
from icalendar import Calendar

from coordination.calendar import ics
from coordination.models import Convening, ConveningStatus

from ..mail.helpers import queue_committed, send_outbox
from .helpers import CASE_IDS, CASES, SENDER, TITLE, build_world, calendars_for
from .readers import read_with_icalendar, read_with_icaljs


def _write(tmp_path, calendars) -> dict:
    paths = {}
    for calendar in calendars:
        path = tmp_path / f"{calendar.name}.ics"
        path.write_bytes(calendar.text.encode("utf-8"))
        paths[calendar.name] = path
    return paths


def _essentials(reading: dict) -> dict:
    """What both parsers must agree on, in one comparable shape."""
    (event,) = reading["events"]
    return {
        "method": reading["method"],
        "timezones": sorted(reading["timezones"]),
        "uid": event["uid"],
        "sequence": event["sequence"],
        "summary": event["summary"],
        "status": event["status"],
        "start": (event["dtstart"]["utc"], event["dtstart"]["tzid"]),
        "end": (event["dtend"]["utc"], event["dtend"]["tzid"]),
        "organizer": (event["organizer"]["value"], event["organizer"]["cn"]),
        "attendees": [
            (a["value"], a["cn"], a["partstat"], a["role"], a["rsvp"]) for a in event["attendees"]
        ],
    }


@pytest.mark.parametrize(("case", "zone", "starts_at", "hours"), CASES, ids=CASE_IDS)
def test_both_parsers_read_every_invitation_file_alike_and_right(
    app_context, make, db, tmp_path, case, zone, starts_at, hours
):
    world = build_world(make, db, zone, starts_at, hours)
    stored = db.get(Convening, world.convening.id, populate_existing=True)
    calendars = calendars_for(world)
    paths = _write(tmp_path, calendars)

    by_icaljs = read_with_icaljs(list(paths.values()))

    for calendar in calendars:
        python = _essentials(read_with_icalendar(calendar.text))
        javascript = _essentials(by_icaljs[str(paths[calendar.name])])
        assert python == javascript, calendar.name
        assert python["method"] == calendar.method, calendar.name
        assert python["uid"] == calendar.uid and python["sequence"] == calendar.sequence
        assert python["start"][0] == stored.starts_at, calendar.name
        assert python["end"][0] == stored.ends_at, calendar.name
        assert python["summary"] == TITLE and python["status"] == calendar.status
        assert python["organizer"] == (SENDER, world.host_name)
        attendee = calendar.attendee
        rsvp = "FALSE" if calendar.method == "CANCEL" else "TRUE"
        assert python["attendees"] == [
            (f"mailto:{attendee.email}", attendee.name, attendee.partstat, attendee.role, rsvp)
        ], calendar.name


@pytest.mark.parametrize(("case", "zone", "starts_at", "hours"), CASES, ids=CASE_IDS)
def test_times_carry_the_convening_zone_unless_ambiguous_there(
    app_context, make, db, case, zone, starts_at, hours
):
    world = build_world(make, db, zone, starts_at, hours)
    (calendar, *_) = calendars_for(world)

    reading = read_with_icalendar(calendar.text)

    (event,) = reading["events"]
    zones = {event["dtstart"]["tzid"], event["dtend"]["tzid"]}
    if case.startswith("los-angeles-ambiguous"):
        assert event["dtstart"]["tzid"] is None  # written in UTC: readers disagree on 01:30
    elif zone == "UTC":
        assert zones == {None} and reading["timezones"] == []
    else:
        assert zones == {zone} and reading["timezones"] == [zone]


def test_cancelled_convening_sends_cancel_to_everyone(app_context, make, db, tmp_path):
    zone, starts_at, hours = CASES[0][1:]
    world = build_world(make, db, zone, starts_at, hours, status=ConveningStatus.CANCELLED)
    calendars = calendars_for(world)
    paths = _write(tmp_path, calendars)

    by_icaljs = read_with_icaljs(list(paths.values()))

    for calendar in calendars:
        reading = by_icaljs[str(paths[calendar.name])]
        assert reading["method"] == "CANCEL", calendar.name
        assert reading["events"][0]["status"] == "CANCELLED"
        assert read_with_icalendar(calendar.text)["method"] == "CANCEL"


def test_invitation_email_through_smtp_carries_the_calendar_with_its_method(
    app_context, smtp_app, smtp_server, make, db, tmp_path
):
    zone, starts_at, hours = CASES[1][1:]
    world = build_world(make, db, zone, starts_at, hours)
    request, _, cancel = calendars_for(world)[:3]
    for calendar in (request, cancel):
        queue_committed(
            db,
            [world.invitation.focal_point.email],
            f"Invitation {calendar.method}",
            attachments=[ics.as_attachment(calendar.text, calendar.method)],
        )

    send_outbox(smtp_app)

    received = {m.subject: m for m in smtp_server.wait_for(2)}
    for calendar in (request, cancel):
        message = received[f"Invitation {calendar.method}"]
        method, text = message.calendar()
        assert method == calendar.method
        part = message.parts("text/calendar")[0]
        assert part.get_content_charset() == "utf-8"
        assert str(Calendar.from_ical(text)["METHOD"]) == calendar.method
        attached = message.attachment("invitation.ics").get_content().decode("utf-8")
        assert _essentials(read_with_icalendar(attached)) == _essentials(
            read_with_icalendar(calendar.text)
        )
        path = tmp_path / f"received-{calendar.method}.ics"
        path.write_text(text, encoding="utf-8")
        (event,) = read_with_icaljs([path])[str(path)]["events"]
        assert event["uid"] == calendar.uid and event["dtstart"]["utc"] == starts_at


def test_both_parsers_read_a_request_with_its_reply_address_alike(app_context, make, db, tmp_path):
    zone, starts_at, hours = CASES[0][1:]
    world = build_world(make, db, zone, starts_at, hours)
    focal = world.invitation.focal_point
    reply_to = "rsvp+Zq3_example-token@coordination.example"
    text = ics.itip_message(
        world.convening,
        uid=ics.invitation_uid(world.convening, world.invitation.id),
        sequence=3,
        url="https://coordination.example/answer",
        attendee=ics.Attendee(focal.email, focal.name),
        reply_to=reply_to,
    )
    path = tmp_path / "request-with-reply-address.ics"
    path.write_text(text, encoding="utf-8")

    python = _essentials(read_with_icalendar(text))
    javascript = _essentials(read_with_icaljs([path])[str(path)])

    assert python == javascript
    assert python["method"] == "REQUEST"
    assert python["organizer"] == (f"mailto:{reply_to}", world.host_name)
