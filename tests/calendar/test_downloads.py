"""A convening's calendar downloads: its own event, and the published agenda meant for the viewer.

Every file is read by icalendar and by ical.js (an independent parser that places times only
by the VTIMEZONE in the file); both must put each event at the instant the agenda computes.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from coordination.agenda.timing import compute
from coordination.models import AgendaItem, ConveningStatus
from tests.convenings.helpers import form_data
from tests.minutes import world as worlds

from .readers import read_with_icaljs

BASE = "https://coordination.example.org"


@pytest.fixture
def world(make, db) -> worlds.World:
    return worlds.build(make, db)


def switch(auth, user) -> None:
    auth.sign_out()
    assert auth.sign_in(user).status_code == 302


def download(client, world, name: str) -> bytes:
    response = client.get(f"/convenings/{world.convening.id}/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


def events(body: bytes) -> dict[str, object]:
    """The VEVENTs by UID, as icalendar reads them."""
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def timezones(body: bytes) -> list[str]:
    return [str(zone["TZID"]) for zone in Calendar.from_ical(body).walk("VTIMEZONE")]


def read_with_second_parser(body: bytes, tmp_path) -> dict[str, dict]:
    """The events by UID, as ical.js reads them."""
    path = tmp_path / f"download-{len(list(tmp_path.iterdir()))}.ics"
    path.write_bytes(body)
    parsed = read_with_icaljs([path])[str(path)]
    return {event["uid"]: event for event in parsed["events"]}


def convening_uid(world) -> str:
    return f"convening-{world.convening.id}@coordination.example.org"


def item_uid(item: AgendaItem) -> str:
    return f"agenda-item-{item.id}@coordination.example.org"


def titles(body: bytes) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in events(body).values())


def test_convening_download_has_zone_uid_sequence_and_url(client, auth, world, tmp_path):
    auth.sign_in(world.company_user)

    body = download(client, world, "calendar.ics")

    [(uid, event)] = events(body).items()
    assert uid == convening_uid(world)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["URL"]) == f"{BASE}/convenings/{world.convening.id}"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert timezones(body) == ["Europe/London"]
    assert event.decoded("DTSTART").astimezone(UTC) == worlds.STARTS
    assert event.decoded("DTEND").astimezone(UTC) == worlds.ENDS
    [second] = read_with_second_parser(body, tmp_path).values()
    assert (second["dtstart"]["utc"], second["dtend"]["utc"]) == (worlds.STARTS, worlds.ENDS)
    assert second["dtstart"]["tzid"] == "Europe/London"


def test_agenda_download_without_a_published_agenda_has_the_convening_only(client, auth, world):
    auth.sign_in(world.organiser)

    body = download(client, world, "agenda.ics")

    assert list(events(body)) == [convening_uid(world)]


def test_agenda_items_land_at_the_computed_instants_across_the_clock_change(
    app, client, auth, db, world, tmp_path
):
    worlds.publish(app, db, world)
    auth.sign_in(world.organiser)
    items = sorted(world.items.values(), key=lambda item: item.position)
    schedule = compute(items, worlds.STARTS, worlds.ENDS, "Europe/London")
    expected = {item_uid(timed.item): (timed.starts_at, timed.ends_at) for timed in schedule.items}

    body = download(client, world, "agenda.ics")

    by_icalendar = events(body)
    by_icaljs = read_with_second_parser(body, tmp_path)
    for uid, (starts, ends) in expected.items():
        event = by_icalendar[uid]
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert event.decoded("DTSTART").astimezone(UTC) == starts
        assert event.decoded("DTEND").astimezone(UTC) == ends
        assert (by_icaljs[uid]["dtstart"]["utc"], by_icaljs[uid]["dtend"]["utc"]) == (
            starts,
            ends,
        )
    # The workshop on the second day starts at 09:00 BST, after the clocks went forward.
    workshop = by_icalendar[item_uid(world.items["second_day"])]
    assert workshop.decoded("DTSTART").strftime("%H:%M %Z") == "09:00 BST"
    assert by_icaljs[item_uid(world.items["second_day"])]["dtstart"]["utc"] == (worlds.SECOND_DAY)
    assert timezones(body) == ["Europe/London"]
    assert str(workshop["URL"]) == f"{BASE}/convenings/{world.convening.id}/agenda"


def test_company_agenda_download_has_no_government_or_team_item(
    app, client, auth, db, world, tmp_path
):
    worlds.publish(app, db, world)
    auth.sign_in(world.company_user)

    body = download(client, world, "agenda.ics")

    assert set(events(body)) == {
        convening_uid(world),
        item_uid(world.items["opening"]),
        item_uid(world.items["second_day"]),
    }
    assert b"Classified" not in body
    assert b"debrief" not in body
    assert set(read_with_second_parser(body, tmp_path)) == set(events(body))


def test_agency_agenda_download_has_the_government_item(app, client, auth, db, world):
    worlds.publish(app, db, world)
    auth.sign_in(world.agency_user)

    body = download(client, world, "agenda.ics")

    assert item_uid(world.items["government"]) in events(body)
    assert item_uid(world.items["team"]) not in events(body)


def test_team_agenda_download_is_the_published_version(app, client, auth, db, world):
    worlds.publish(app, db, world)
    worlds.add_item(db, world.convening, "Not yet published", position=9)
    auth.sign_in(world.coordinator)

    body = download(client, world, "agenda.ics")

    assert set(events(body)) == {convening_uid(world)} | {
        item_uid(item) for item in world.items.values()
    }
    assert b"Not yet published" not in body


def test_uids_are_stable_across_downloads(app, client, auth, db, world):
    worlds.publish(app, db, world)
    auth.sign_in(world.agency_user)

    first = events(download(client, world, "agenda.ics"))
    second = events(download(client, world, "agenda.ics"))

    assert list(first) == list(second)
    assert len(first) == 4


def test_sequence_rises_when_the_convening_time_changes(app, client, auth, db, world):
    worlds.publish(app, db, world)
    auth.sign_in(world.organiser)
    before = {
        uid: int(event["SEQUENCE"])
        for uid, event in events(download(client, world, "agenda.ics")).items()
    }

    response = client.post(
        f"/convenings/{world.convening.id}/edit",
        data=form_data(
            title="Madison Valleywood",
            timezone="Europe/London",
            starts_at="2030-03-30T10:00",
            ends_at="2030-03-31T17:00",
            version=str(world.convening.version),
        ),
    )
    assert response.status_code == 302

    after = {
        uid: int(event["SEQUENCE"])
        for uid, event in events(download(client, world, "agenda.ics")).items()
    }
    assert set(before.values()) == {0}
    assert after == {uid: 1 for uid in before}
    single = events(download(client, world, "calendar.ics"))
    assert int(single[convening_uid(world)]["SEQUENCE"]) == 1


def test_item_sequence_adds_the_items_own_when_it_is_retimed(app, client, auth, db, world):
    worlds.publish(app, db, world)
    opening = db.get(AgendaItem, world.items["opening"].id)
    opening.duration_minutes = 60
    db.commit()
    worlds.publish(app, db, world)
    auth.sign_in(world.organiser)

    sequences = {
        uid: int(event["SEQUENCE"])
        for uid, event in events(download(client, world, "agenda.ics")).items()
    }

    assert sequences == {
        convening_uid(world): 0,
        item_uid(world.items["opening"]): 1,  # its end moved
        item_uid(world.items["government"]): 1,
        item_uid(world.items["team"]): 1,
        item_uid(world.items["second_day"]): 0,  # anchored by its fixed start
    }


def test_removed_item_still_in_the_published_version_keeps_sequence_of_convening(
    app, client, auth, db, world
):
    worlds.publish(app, db, world)
    db.delete(db.get(AgendaItem, world.items["opening"].id))
    db.commit()
    auth.sign_in(world.organiser)

    event = events(download(client, world, "agenda.ics"))[item_uid(world.items["opening"])]

    assert int(event["SEQUENCE"]) == 0


@pytest.mark.parametrize("name", ["calendar.ics", "agenda.ics"])
def test_draft_convening_downloads_are_for_the_team_only(client, auth, make, db, name):
    world = worlds.build(make, db, status=ConveningStatus.DRAFT)
    auth.sign_in(world.company_user)

    refused = client.get(f"/convenings/{world.convening.id}/{name}")
    switch(auth, world.coordinator)
    allowed = client.get(f"/convenings/{world.convening.id}/{name}")

    assert refused.status_code == 404
    assert allowed.status_code == 200


@pytest.mark.parametrize("name", ["calendar.ics", "agenda.ics"])
def test_outsider_cannot_download(client, auth, world, name):
    auth.sign_in(world.outsider)

    response = client.get(f"/convenings/{world.convening.id}/{name}")

    assert response.status_code == 404


def test_cancelled_convening_events_say_so(app, client, auth, db, world):
    worlds.publish(app, db, world)
    world.convening.status = ConveningStatus.CANCELLED
    db.commit()
    auth.sign_in(world.company_user)

    statuses = {str(e["STATUS"]) for e in events(download(client, world, "agenda.ics")).values()}

    assert statuses == {"CANCELLED"}


def test_download_instants_are_exact_to_the_minute(app, client, auth, db, world):
    worlds.publish(app, db, world)
    auth.sign_in(world.company_user)

    event = events(download(client, world, "agenda.ics"))[item_uid(world.items["opening"])]

    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
