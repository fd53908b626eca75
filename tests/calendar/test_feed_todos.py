"""Actions as to-dos (VTODO) in the personal feed: only one's own and one's organisation's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from coordination.models import (
    ActionPriority,
    ActionStatus,
    ConveningStatus,
    Delegate,
    InvitationStatus,
)

from .readers import read_todos_with_icalendar, read_with_icaljs
from .test_feed import make_feed

HOST = "coordination.example.org"
TODAY = date.today()
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class World:
    organiser: object
    apple_user: object
    twitter_user: object
    delegate_user: object
    convening: object
    actions: dict


@pytest.fixture
def world(make, db) -> World:
    organiser = make.user(name="Olivia Organiser")
    apple = make.organisation("Apple")
    twitter = make.organisation("Twitter")
    apple_user = make.participant(apple, name="Ana Apple")
    twitter_user = make.participant(twitter, name="Tom Twitter")
    delegate_user = make.user(email="delegate@example.org", name="Dee Delegate")
    convening = make.convening("Madison Valleywood", organisers=(organiser,))
    draft = make.convening("Draft gathering", status=ConveningStatus.DRAFT, organisers=(organiser,))
    make.invitation(convening, apple)
    twitter_invitation = make.invitation(convening, twitter, status=InvitationStatus.ACCEPTED)
    make.invitation(draft, apple)
    # Twitter names a person without a contact record as its delegate.
    db.add(
        Delegate(
            invitation=twitter_invitation,
            name="Dee Delegate",
            email="delegate@example.org",
            email_normalized="delegate@example.org",
        )
    )
    db.commit()
    actions = {
        "open": make.action(
            convening,
            "Counter-messaging pilot",
            owner_organisation=apple,
            priority=ActionPriority.HIGH,
            due_on=TODAY + timedelta(days=5),
            description="Share the pilot's first results.",
        ),
        "progress": make.action(
            convening,
            "Takedown figures",
            owner_organisation=apple,
            status=ActionStatus.IN_PROGRESS,
            priority=ActionPriority.URGENT,
        ),
        "blocked": make.action(
            convening,
            "Studio contacts",
            owner_organisation=apple,
            status=ActionStatus.BLOCKED,
            priority=ActionPriority.LOW,
            due_on=TODAY - timedelta(days=2),
        ),
        "done": make.action(
            convening,
            "Send the report",
            owner_organisation=apple,
            status=ActionStatus.DONE,
            closed_at=NOW - timedelta(days=2),
        ),
        "cancelled": make.action(
            convening,
            "Abandoned idea",
            owner_organisation=apple,
            status=ActionStatus.CANCELLED,
            closed_at=NOW - timedelta(days=1),
        ),
        "long_done": make.action(
            convening,
            "Finished long ago",
            owner_organisation=apple,
            status=ActionStatus.DONE,
            closed_at=NOW - timedelta(days=90),
            updated_at=NOW - timedelta(days=90),
        ),
        "personal": make.action(convening, "Call the embassy", owner_user=apple_user),
        "twitter": make.action(convening, "Twitter's own action", owner_organisation=twitter),
        "draft": make.action(draft, "Draft convening action", owner_organisation=apple),
        "carried": make.action(
            convening,
            "Carried away",
            owner_organisation=apple,
            carried_over_at=NOW - timedelta(days=1),
        ),
    }
    return World(organiser, apple_user, twitter_user, delegate_user, convening, actions)


def uid(action) -> str:
    return f"action-{action.id}@{HOST}"


def todos_by_uid(body: bytes) -> dict[str, dict]:
    return {todo["uid"]: todo for todo in read_todos_with_icalendar(body.decode())}


def test_feed_lists_the_organisations_and_own_actions_only(client, auth, world):
    path = make_feed(client, auth, world.apple_user)

    todos = todos_by_uid(client.get(path).data)

    expected = ["open", "progress", "blocked", "done", "cancelled", "personal"]
    assert set(todos) == {uid(world.actions[name]) for name in expected}
    body = client.get(path).data
    assert b"Twitter's own action" not in body
    assert b"Draft convening action" not in body
    assert b"Finished long ago" not in body
    assert b"Carried away" not in body


def test_todo_carries_due_date_status_priority_and_url(client, auth, world):
    path = make_feed(client, auth, world.apple_user)

    todos = todos_by_uid(client.get(path).data)

    pilot = todos[uid(world.actions["open"])]
    assert pilot["summary"] == "Counter-messaging pilot"
    assert pilot["due"] == TODAY + timedelta(days=5)
    assert pilot["due_is_date"]
    assert pilot["status"] == "NEEDS-ACTION"
    assert pilot["priority"] == 3
    assert pilot["url"] == f"https://{HOST}/actions/{world.actions['open'].id}"
    assert "Share the pilot's first results." in pilot["description"]
    assert "Convening: Madison Valleywood" in pilot["description"]
    assert pilot["completed"] is None
    assert todos[uid(world.actions["progress"])]["status"] == "IN-PROCESS"
    assert todos[uid(world.actions["progress"])]["priority"] == 1
    assert todos[uid(world.actions["progress"])]["due"] is None
    blocked = todos[uid(world.actions["blocked"])]
    assert (blocked["status"], blocked["priority"]) == ("IN-PROCESS", 9)
    assert blocked["description"].startswith("Blocked:")
    done = todos[uid(world.actions["done"])]
    assert done["status"] == "COMPLETED"
    assert done["completed"] == NOW - timedelta(days=2)
    assert todos[uid(world.actions["cancelled"])]["status"] == "CANCELLED"
    assert todos[uid(world.actions["personal"])]["priority"] == 5


def test_blocked_is_kept_in_an_extension_property(client, auth, world):
    path = make_feed(client, auth, world.apple_user)

    body = client.get(path).data.decode()

    assert "X-COORDINATION-STATUS:blocked" in body
    assert "VALUE=DATE" in body


def test_icaljs_reads_the_same_todos(client, auth, world, tmp_path):
    path = make_feed(client, auth, world.apple_user)
    body = client.get(path).data
    file = tmp_path / "feed.ics"
    file.write_bytes(body)

    parsed = read_with_icaljs([file])[str(file)]

    by_uid = {todo["uid"]: todo for todo in parsed["todos"]}
    assert set(by_uid) == set(todos_by_uid(body))
    pilot = by_uid[uid(world.actions["open"])]
    assert pilot["due"] == {"value": (TODAY + timedelta(days=5)).isoformat(), "isDate": True}
    assert (pilot["status"], pilot["priority"]) == ("NEEDS-ACTION", 3)
    assert pilot["url"] == f"https://{HOST}/actions/{world.actions['open'].id}"
    done = by_uid[uid(world.actions["done"])]
    assert datetime.fromisoformat(done["completed"]) == NOW - timedelta(days=2)


def test_other_organisation_sees_only_its_own(client, auth, world):
    path = make_feed(client, auth, world.twitter_user)

    assert set(todos_by_uid(client.get(path).data)) == {uid(world.actions["twitter"])}


def test_a_named_delegate_gets_their_organisations_actions(client, auth, world):
    path = make_feed(client, auth, world.delegate_user)

    assert set(todos_by_uid(client.get(path).data)) == {uid(world.actions["twitter"])}


def test_team_member_owning_nothing_gets_no_todos(client, auth, world):
    path = make_feed(client, auth, world.organiser)

    assert todos_by_uid(client.get(path).data) == {}


def test_uid_stays_the_same_when_the_action_changes(client, auth, db, world):
    path = make_feed(client, auth, world.apple_user)
    before = todos_by_uid(client.get(path).data)
    action = world.actions["open"]
    action.title = "Counter-messaging pilot, phase two"
    action.status = ActionStatus.IN_PROGRESS
    db.commit()

    after = todos_by_uid(client.get(path).data)

    assert set(after) == set(before)
    assert after[uid(action)]["summary"] == "Counter-messaging pilot, phase two"
    assert after[uid(action)]["status"] == "IN-PROCESS"


def test_feed_query_count_does_not_grow_with_actions(client, auth, make, world, count_queries):
    path = make_feed(client, auth, world.apple_user)
    apple = world.actions["open"].owner_organisation

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    few = queries()
    for number in range(20):
        make.action(world.convening, f"More {number}", owner_organisation=apple, commit=False)
    make.commit()

    assert queries() == few
