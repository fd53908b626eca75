"""The iTIP files themselves: what an invitee's calendar program is told."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from coordination.calendar import ics

from .helpers import CASES, URL, build_world, calendars_for


def _world(make, db, case: int = 0, **fields):
    zone, starts_at, hours = CASES[case][1:]
    return build_world(make, db, zone, starts_at, hours, **fields)


def _event(text: str):
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    return event


def test_request_invites_the_focal_point_with_rsvp(app_context, make, db):
    world = _world(make, db)
    request = calendars_for(world)[0]

    calendar = Calendar.from_ical(request.text)
    event = _event(request.text)

    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["VERSION"]) == "2.0"
    uid = f"convening-{world.convening.id}-invitation-{world.invitation.id}"
    assert str(event["UID"]) == f"{uid}@coordination.example.org"
    assert int(event["SEQUENCE"]) == 3  # convening 2 + invitation 1
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:siobhan@guest.example"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CN"] == "O'Brien, Siobhán"
    assert str(event["ORGANIZER"]) == "mailto:no-reply@coordination.invalid"
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["URL"]) == URL
    assert "Hall 2, North Wing" in str(event["LOCATION"])


def test_cancel_keeps_the_uid_and_raises_the_sequence(app_context, make, db):
    world = _world(make, db)
    request, _, cancel = calendars_for(world)[:3]

    before, after = _event(request.text), _event(cancel.text)

    assert str(Calendar.from_ical(cancel.text)["METHOD"]) == "CANCEL"
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CANCELLED" and after["ATTENDEE"].params["RSVP"] == "FALSE"


def test_each_delegate_has_a_uid_of_their_own_that_never_changes(app_context, make, db):
    world = _world(make, db)
    first, second = world.delegates

    uids = {
        ics.invitation_uid(world.convening, world.invitation.id),
        ics.delegate_uid(world.convening, first.id),
        ics.delegate_uid(world.convening, second.id),
    }

    assert len(uids) == 3
    assert ics.delegate_uid(world.convening, first.id) == ics.delegate_uid(
        world.convening, first.id
    )


def test_ambiguous_local_time_is_written_in_utc(app_context, make, db):
    world = _world(make, db, case=4)  # 01:30 PST, the second 01:30 of 1 November 2026
    request = calendars_for(world)[0]

    assert "DTSTART:20261101T093000Z" in request.text.splitlines()
    assert _event(request.text).decoded("DTSTART") == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_text_with_commas_semicolons_and_quotes_is_escaped(app_context, make, db):
    world = _world(make, db)
    request = calendars_for(world)[0]

    event = _event(request.text)

    assert str(event["SUMMARY"]) == world.convening.title
    assert event["ORGANIZER"].params["CN"] == 'Host, Ltd; "Quoted"'
    assert all(len(line.encode()) <= 75 for line in request.text.split("\r\n"))


def test_attachment_names_the_method_for_the_email_part():
    attachment = ics.as_attachment("BEGIN:VCALENDAR\r\n", "CANCEL")

    assert attachment["content_type"] == "text/calendar"
    assert attachment["params"] == {"method": "CANCEL", "charset": "utf-8"}
    assert attachment["filename"] == "invitation.ics"
