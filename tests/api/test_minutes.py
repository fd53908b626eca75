"""Minutes and decisions through the API: the team's working copy, and once published each
organisation's share, as the minutes page shows them."""

from __future__ import annotations

import pytest

from coordination.api.representations import represent
from coordination.minutes import services
from coordination.models import MinuteEntry, MinuteKind
from tests.factories import principal
from tests.minutes import world as worlds
from tests.minutes.world import World


@pytest.fixture
def world(make, db) -> World:
    return worlds.build(make, db)


def url(world: World) -> str:
    return f"/api/v1/convenings/{world.convening.id}/minutes"


def record(
    app, db, world: World, body: str, item: str | None = None, kind=MinuteKind.NOTE
) -> MinuteEntry:
    """An entry written by the coordinator through the minutes' own service."""
    data = services.MinuteInput(
        kind=kind, body=body, agenda_item_id=world.items[item].id if item else None
    )
    with app.test_request_context():
        entry = services.add_entry(db, principal(world.coordinator), world.convening, data)
        db.commit()
    return entry


def publish_minutes(app, db, world: World) -> None:
    with app.test_request_context():
        services.set_published(db, principal(world.organiser), world.convening, True)
        db.commit()


@pytest.fixture
def recorded(app, db, world) -> dict[str, MinuteEntry]:
    return {
        "opening": record(app, db, world, "Platforms agreed to faster takedowns.", "opening"),
        "government": record(
            app, db, world, "Share the threat list weekly.", "government", MinuteKind.DECISION
        ),
        "team": record(app, db, world, "Chase the embassy.", "team"),
        "general": record(app, db, world, "Thanks to the hosts."),
    }


def bodies(body: dict) -> list[str]:
    return [entry["body"] for section in body["sections"] for entry in section["entries"]]


def headings(body: dict) -> list[str | None]:
    return [
        section["agenda_item"]["title"] if section["agenda_item"] else None
        for section in body["sections"]
    ]


def test_minutes_government_only_decision_is_hidden_from_a_company(
    app, db, world, recorded, api_as
):
    publish_minutes(app, db, world)

    as_company = api_as(world.company_user).get(url(world))
    as_agency = api_as(world.agency_user).get(url(world))

    assert as_company.status_code == as_agency.status_code == 200
    assert bodies(as_company.get_json()) == [
        "Platforms agreed to faster takedowns.",
        "Thanks to the hosts.",
    ]
    assert "Classified" not in as_company.get_data(as_text=True)
    assert "threat list" not in as_company.get_data(as_text=True)
    assert headings(as_agency.get_json()) == [
        "Opening remarks",
        "Classified threat briefing",
        None,
    ]
    decision = as_agency.get_json()["sections"][1]["entries"][0]
    assert (decision["kind"], decision["kind_label"]) == ("decision", "Decision")


def test_minutes_before_publishing_show_participants_nothing(world, recorded, api_as):
    body = api_as(world.agency_user).get(url(world)).get_json()

    assert body["published_at"] is None
    assert body["sections"] == []


def test_minutes_show_the_team_the_working_copy(world, recorded, api_as):
    body = api_as(world.coordinator).get(url(world)).get_json()

    assert body["published_at"] is None
    assert headings(body) == [
        "Opening remarks",
        "Classified threat briefing",
        "Team debrief",
        "Counter-narratives workshop",
        None,
    ]
    assert [section["audience"] for section in body["sections"]] == [
        "Everyone invited",
        "Government agency only",
        "The team only",
        "Everyone invited",
        "Everyone invited",
    ]
    first = body["sections"][0]["entries"][0]
    assert first["author"] == "Colin Coordinator"
    assert first["revisions"] == 0


def test_minutes_show_participants_no_authors_or_audiences(app, db, world, recorded, api_as):
    publish_minutes(app, db, world)

    body = api_as(world.company_user).get(url(world)).get_json()

    assert {section["audience"] for section in body["sections"]} == {None}
    entries = [entry for section in body["sections"] for entry in section["entries"]]
    assert {(entry["author"], entry["revisions"]) for entry in entries} == {(None, None)}


def test_minutes_filtered_to_decisions(app, db, world, recorded, api_as):
    body = api_as(world.organiser).get(f"{url(world)}?kind=decision").get_json()

    assert bodies(body) == ["Share the threat list weekly."]


def test_minutes_filter_of_an_unknown_kind_is_refused(world, api_as):
    response = api_as(world.organiser).get(f"{url(world)}?kind=rumour")

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["parameter"] == "kind"


def test_minutes_leave_out_deleted_entries(app, db, world, recorded, api_as):
    entry = recorded["opening"]
    with app.test_request_context():
        services.delete_entry(
            db, principal(world.coordinator), world.convening, entry, entry.version
        )
        db.commit()
    publish_minutes(app, db, world)

    as_team = api_as(world.coordinator).get(url(world)).get_json()
    as_company = api_as(world.company_user).get(url(world)).get_json()

    assert "Platforms agreed to faster takedowns." not in bodies(as_team)
    assert bodies(as_company) == ["Thanks to the hosts."]


def test_minutes_are_not_found_for_an_outsider(app, db, world, recorded, api_as):
    publish_minutes(app, db, world)

    response = api_as(world.outsider).get(url(world))

    assert response.status_code == 404
    assert "takedowns" not in response.get_data(as_text=True)


def test_minutes_entry_representation_follows_the_owners_audience(app, db, world, recorded):
    decision = recorded["government"]
    with app.test_request_context():
        unpublished = represent(db, principal(world.agency_user), decision)
        for_team = represent(db, principal(world.coordinator), decision)
    publish_minutes(app, db, world)
    with app.test_request_context():
        for_agency = represent(db, principal(world.agency_user), decision)
        for_company = represent(db, principal(world.company_user), decision)

    assert unpublished is None and for_company is None
    assert for_team[0] == "minute_entry"
    assert for_team[1]["author"] == "Colin Coordinator"
    assert for_agency[1]["body"] == "Share the threat list weekly."
    assert for_agency[1]["author"] is None


@pytest.mark.parametrize("who", ["coordinator", "agency_user"])
def test_minutes_cost_the_same_queries_whatever_their_length(
    app, db, world, api_as, count_queries, who
):
    api = api_as(getattr(world, who))
    publish_minutes(app, db, world)

    def grow(count: int) -> None:
        for number in range(count):
            for item in ("opening", "government", None):
                record(app, db, world, f"Point {count}-{number}", item)

    grow(1)
    with count_queries() as small:
        assert api.get(url(world)).status_code == 200
    grow(8)

    with count_queries() as large:
        body = api.get(url(world)).get_json()

    assert len(bodies(body)) == 27
    assert large.count == small.count
