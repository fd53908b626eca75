"""Personal calendar feeds: a secret address per person, their convenings and agenda items.

The feed respects audiences and drafts exactly as the pages do, and a reset address stops
the old one working.
"""

from __future__ import annotations

import html
import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from coordination.models import AuditEvent, ConveningStatus, InvitationStatus, User
from coordination.tokens import hash_token
from tests.minutes import world as worlds

from .readers import read_with_icaljs

BASE = "https://coordination.example.org"
FEED_URL = re.compile(re.escape(BASE) + r"/calendar/feed/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
def world(make, db) -> worlds.World:
    return worlds.build(make, db)


def make_feed(client, auth, user) -> str:
    """Sign in, make the feed address, sign out; answer the path shown (once)."""
    auth.sign_in(user)
    response = client.post("/calendar/feed")
    assert response.status_code == 302
    page = html.unescape(client.get("/calendar/feed").get_data(as_text=True))
    auth.sign_out()
    [token] = set(FEED_URL.findall(page))
    return f"/calendar/feed/{token}.ics"


def uids(body: bytes) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT")}


def convening_uid(convening) -> str:
    return f"convening-{convening.id}@coordination.example.org"


def item_uid(item) -> str:
    return f"agenda-item-{item.id}@coordination.example.org"


def test_settings_page_shows_the_address_once_and_keeps_only_its_hash(client, auth, db, world):
    auth.sign_in(world.company_user)
    assert "no calendar feed yet" in client.get("/calendar/feed").get_data(as_text=True)

    client.post("/calendar/feed")

    page = html.unescape(client.get("/calendar/feed").get_data(as_text=True))
    [token] = set(FEED_URL.findall(page))
    assert f"webcal://coordination.example.org/calendar/feed/{token}.ics" in page
    assert "shown only this once" in page
    db.expire_all()
    stored = db.get(User, world.company_user.id).calendar_feed_token_hash
    assert stored == hash_token(token)
    assert token not in stored
    again = client.get("/calendar/feed").get_data(as_text=True)
    assert token not in again
    assert "You have a calendar feed" in again
    assert db.scalar(select(AuditEvent.action)) == "user.calendar_feed_created"


def test_feed_lists_the_convening_and_parses_with_both_parsers(
    app, client, auth, db, world, tmp_path
):
    worlds.publish(app, db, world)
    path = make_feed(client, auth, world.agency_user)

    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert uids(response.data) == {
        convening_uid(world.convening),
        item_uid(world.items["opening"]),
        item_uid(world.items["government"]),
        item_uid(world.items["second_day"]),
    }
    file = tmp_path / "feed.ics"
    file.write_bytes(response.data)
    parsed = read_with_icaljs([file])[str(file)]
    assert {event["uid"] for event in parsed["events"]} == uids(response.data)
    assert parsed["timezones"] == ["Europe/London"]
    second_day = next(
        e for e in parsed["events"] if e["uid"] == item_uid(world.items["second_day"])
    )
    assert second_day["dtstart"]["utc"] == worlds.SECOND_DAY


def test_company_feed_has_no_government_only_item(app, client, auth, db, world):
    worlds.publish(app, db, world)
    path = make_feed(client, auth, world.company_user)

    body = client.get(path).data

    assert uids(body) == {
        convening_uid(world.convening),
        item_uid(world.items["opening"]),
        item_uid(world.items["second_day"]),
    }
    assert b"Classified" not in body
    assert b"debrief" not in body


def test_team_feed_has_every_published_item(app, client, auth, db, world):
    worlds.publish(app, db, world)
    path = make_feed(client, auth, world.coordinator)

    body = client.get(path).data

    assert uids(body) == {convening_uid(world.convening)} | {
        item_uid(item) for item in world.items.values()
    }


def test_draft_convenings_are_absent_from_a_participants_feed(client, auth, make, db, world):
    draft = make.convening(
        "Draft gathering", status=ConveningStatus.DRAFT, organisers=(world.organiser,)
    )
    make.invitation(draft, world.company, status=InvitationStatus.SENT)
    participant_path = make_feed(client, auth, world.company_user)
    organiser_path = make_feed(client, auth, world.organiser)

    participant = uids(client.get(participant_path).data)
    organiser = uids(client.get(organiser_path).data)

    assert convening_uid(draft) not in participant
    assert convening_uid(world.convening) in participant
    assert convening_uid(draft) in organiser


def test_feed_leaves_out_convenings_the_person_is_not_part_of(client, auth, make, db, world):
    other = make.convening("Elsewhere", organisers=(make.user(),))
    path = make_feed(client, auth, world.company_user)

    assert uids(client.get(path).data) == {convening_uid(world.convening)}
    assert convening_uid(other) not in uids(client.get(path).data)


def test_reset_stops_the_old_address_working(client, auth, db, world):
    old = make_feed(client, auth, world.company_user)

    new = make_feed(client, auth, world.company_user)

    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    db.expire_all()
    actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["user.calendar_feed_created", "user.calendar_feed_reset"]


def test_turning_the_feed_off_stops_the_address_working(client, auth, db, world):
    path = make_feed(client, auth, world.company_user)
    auth.sign_in(world.company_user)

    client.post("/calendar/feed/off")

    assert client.get(path).status_code == 404
    db.expire_all()
    assert db.get(User, world.company_user.id).calendar_feed_token_hash is None


@pytest.mark.parametrize("token", ["x" * 43, "short", "not a token", "A" * 200, "%2e%2e%2fetc"])
def test_unknown_token_is_not_found_without_detail(client, world, token):
    response = client.get(f"/calendar/feed/{token}.ics")

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.data


def test_an_inactive_persons_feed_is_not_found(client, auth, db, world):
    path = make_feed(client, auth, world.company_user)
    user = db.get(User, world.company_user.id)
    user.active = False
    db.commit()

    assert client.get(path).status_code == 404


def test_feed_settings_need_signing_in(client, world):
    response = client.get("/calendar/feed")

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]
