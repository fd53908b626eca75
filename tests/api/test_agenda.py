"""The agenda through the API: each caller's share of the published agenda, and the team's
working items changed and published through the agenda's services."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.api.representations import represent
from coordination.api.schemas import AgendaItemKindName as ItemKindName
from coordination.api.schemas import OrganisationKindName
from coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaPresenter,
    AgendaVersion,
    AudienceKind,
    AudienceOrganisation,
    AuditEvent,
    Invitation,
    OrganisationKind,
)
from tests.agenda.helpers import add_delegate
from tests.factories import principal
from tests.minutes import world as worlds
from tests.minutes.world import World, add_item, publish


@pytest.fixture
def world(make, db) -> World:
    return worlds.build(make, db)


def agenda_url(world: World) -> str:
    return f"/api/v1/convenings/{world.convening.id}/agenda"


def items_url(world: World) -> str:
    return f"/api/v1/convenings/{world.convening.id}/agenda/items"


def item_url(item: AgendaItem) -> str:
    return f"/api/v1/agenda-items/{item.id}"


def titles(body: dict) -> list[str]:
    return [item["title"] for item in body["items"]]


def item_count(db, world: World) -> int:
    db.expire_all()
    return db.scalar(
        select(func.count(AgendaItem.id)).where(AgendaItem.convening_id == world.convening.id)
    )


def version_count(db, world: World) -> int:
    return db.scalar(
        select(func.count(AgendaVersion.id)).where(AgendaVersion.convening_id == world.convening.id)
    )


# The published agenda.


def test_agenda_government_only_item_is_hidden_from_a_company_and_shown_to_an_agency(
    app, db, world, api_as
):
    publish(app, db, world)

    as_company = api_as(world.company_user).get(agenda_url(world))
    as_agency = api_as(world.agency_user).get(agenda_url(world))

    assert as_company.status_code == as_agency.status_code == 200
    assert titles(as_company.get_json()) == ["Opening remarks", "Counter-narratives workshop"]
    assert titles(as_agency.get_json()) == [
        "Opening remarks",
        "Classified threat briefing",
        "Counter-narratives workshop",
    ]
    assert "Classified" not in as_company.get_data(as_text=True)
    assert {item["audience"] for item in as_agency.get_json()["items"]} == {None}


def test_agenda_government_only_item_is_not_found_by_id_for_a_company(app, db, world, api_as):
    publish(app, db, world)
    government = world.items["government"]

    hidden = api_as(world.company_user).get(item_url(government))
    missing = api_as(world.company_user).get("/api/v1/agenda-items/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["detail"] == missing.get_json()["detail"]
    assert "Classified" not in hidden.get_data(as_text=True)


def test_agenda_times_are_in_utc_and_in_the_convenings_zone(app, db, world, api_as):
    publish(app, db, world)

    body = api_as(world.company_user).get(agenda_url(world)).get_json()

    assert body["timezone"] == "Europe/London"
    opening, workshop = body["items"]
    assert opening["starts_at"] == "2030-03-30T09:00:00Z"
    assert opening["local_start"] == "2030-03-30T09:00:00Z"
    # After the clocks change: 08:00 UTC is 09:00 British Summer Time.
    assert workshop["starts_at"] == "2030-03-31T08:00:00Z"
    assert workshop["local_start"] == "2030-03-31T09:00:00+01:00"
    assert workshop["local_end"] == "2030-03-31T10:30:00+01:00"
    assert workshop["kind"] == "session" and workshop["kind_label"] == "Session"


def test_agenda_shows_the_team_every_item_with_who_it_is_for(app, db, world, api_as):
    publish(app, db, world)

    body = api_as(world.coordinator).get(agenda_url(world)).get_json()

    assert body["version"] == 1
    assert [(item["title"], item["audience"]) for item in body["items"]] == [
        ("Opening remarks", "Everyone invited"),
        ("Classified threat briefing", "Only: Government agency"),
        ("Team debrief", "The team only"),
        ("Counter-narratives workshop", "Everyone invited"),
    ]


def test_agenda_previewed_as_an_organisation_shows_its_share_only(app, db, world, api_as, make):
    publish(app, db, world)
    api = api_as(world.organiser)

    preview = api.get(f"{agenda_url(world)}?as_organisation_id={world.company.id}").get_json()
    stranger = make.organisation("Not invited")
    refused = api.get(f"{agenda_url(world)}?as_organisation_id={stranger.id}")

    assert titles(preview) == ["Opening remarks", "Counter-narratives workshop"]
    assert {item["audience"] for item in preview["items"]} == {None}
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["parameter"] == "as_organisation_id"


def test_agenda_preview_is_ignored_for_a_participant(app, db, world, api_as):
    publish(app, db, world)

    body = (
        api_as(world.company_user)
        .get(f"{agenda_url(world)}?as_organisation_id={world.agency.id}")
        .get_json()
    )

    assert "Classified threat briefing" not in titles(body)


def test_agenda_before_publishing_is_empty_for_everyone(world, api_as):
    for user in (world.company_user, world.organiser):
        body = api_as(user).get(agenda_url(world)).get_json()
        assert (body["version"], body["published_at"], body["items"]) == (None, None, [])


def test_agenda_is_not_found_for_an_outsider(app, db, world, api_as):
    publish(app, db, world)

    response = api_as(world.outsider).get(agenda_url(world))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_agenda_keeps_unpublished_changes_from_participants(app, db, world, api_as):
    publish(app, db, world)
    organiser = api_as(world.organiser)
    opening = world.items["opening"]

    changed = organiser.patch(item_url(opening), json={"title": "Welcome"})
    before = titles(api_as(world.company_user).get(agenda_url(world)).get_json())
    published = organiser.post(f"{agenda_url(world)}/publish", json={})
    after = titles(api_as(world.company_user).get(agenda_url(world)).get_json())

    assert changed.status_code == 200
    assert before[0] == "Opening remarks"
    assert published.status_code == 201
    assert published.get_json()["version"] == 2
    assert after[0] == "Welcome"


def test_agenda_representation_follows_the_owners_audience(app, db, world):
    version = publish(app, db, world)

    with app.test_request_context():
        as_company = represent(db, principal(world.company_user), version)
        as_agency = represent(db, principal(world.agency_user), version)
        as_outsider = represent(db, principal(world.outsider), version)
        item_for_agency = represent(db, principal(world.agency_user), world.items["government"])
        item_for_team = represent(db, principal(world.organiser), world.items["government"])

    assert as_company[0] == "agenda"
    assert "Classified threat briefing" not in titles(as_company[1])
    assert "Classified threat briefing" in titles(as_agency[1])
    assert as_outsider is None
    # Working items are drafts until published: the team's alone.
    assert item_for_agency is None
    assert item_for_team[0] == "agenda_item"
    assert item_for_team[1]["title"] == "Classified threat briefing"


# The team's working items.


def test_agenda_items_list_the_working_agenda_for_the_team(world, api_as):
    response = api_as(world.coordinator).get(items_url(world))

    body = response.get_json()
    assert response.status_code == 200
    assert titles(body) == [
        "Opening remarks",
        "Classified threat briefing",
        "Team debrief",
        "Counter-narratives workshop",
    ]
    assert [item["position"] for item in body["items"]] == [1, 2, 3, 4]
    assert body["published_version"] is None and body["unpublished_changes"] is True
    briefing = body["items"][1]
    assert briefing["starts_at"] == "2030-03-30T09:45:00Z"
    assert briefing["audience"]["kind"] == "kinds"
    assert briefing["audience"]["organisation_kinds"] == ["government_agency"]
    assert briefing["version"] == 1


def test_agenda_items_are_refused_to_a_participant(world, api_as):
    listed = api_as(world.agency_user).get(items_url(world))
    one = api_as(world.agency_user).get(item_url(world.items["opening"]))

    assert listed.status_code == 403
    # A working item is a draft: outside the team it is not found at all.
    assert one.status_code == 404


def test_agenda_item_read_answers_its_etag(world, api_as):
    response = api_as(world.coordinator).get(item_url(world.items["second_day"]))

    body = response.get_json()
    assert response.headers["ETag"] == f'"agenda_item-{body["id"]}-1"'
    assert body["fixed_start"] == "2030-03-31T08:00:00Z"
    assert body["local_start"] == "2030-03-31T09:00:00+01:00"


def test_agenda_item_created_after_another_takes_its_place(db, world, api_as):
    opening = world.items["opening"]

    response = api_as(world.organiser).post(
        items_url(world),
        json={
            "title": "  Coffee   break ",
            "duration_minutes": 15,
            "kind": "break",
            "after_id": opening.id,
            "presenter_organisation_ids": [world.company.id],
        },
    )

    body = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/agenda-items/{body['id']}"
    assert response.headers["ETag"] == f'"agenda_item-{body["id"]}-{body["version"]}"'
    assert (body["title"], body["position"], body["kind"]) == ("Coffee break", 2, "break")
    assert body["starts_at"] == "2030-03-30T09:45:00Z"
    assert body["presenters"]["organisations"] == [{"id": world.company.id, "name": "Acme Social"}]
    db.expire_all()
    assert db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "AgendaItem", AuditEvent.object_id == body["id"]
        )
    ).all() == ["agenda_item.created"]


def test_agenda_item_creation_refuses_bad_fields_and_writes_nothing(db, world, api_as, make):
    before = item_count(db, world)
    stranger = make.organisation("Not invited")

    response = api_as(world.organiser).post(
        items_url(world),
        json={
            "title": " ",
            "duration_minutes": 0,
            "fixed_start_local": "2031-01-01T09:00:00",
            "audience_kind": "organisations",
            "audience_organisation_ids": [stranger.id],
        },
    )

    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.get_json()["errors"]}
    assert pointers == {
        "#/title",
        "#/duration_minutes",
        "#/fixed_start_local",
        "#/audience_organisation_ids",
    }
    assert item_count(db, world) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", "30"),
        ("kind", "keynote"),
        ("audience_kinds", ["martians"]),
        ("presenter_organisation_ids", [0]),
        ("colour", "red"),
    ],
)
def test_agenda_item_body_of_the_wrong_shape_is_refused(db, world, api_as, field, value):
    before = item_count(db, world)
    body = {"title": "Panel", "duration_minutes": 30, field: value}

    response = api_as(world.organiser).post(items_url(world), json=body)

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"].startswith(f"#/{field}")
    assert item_count(db, world) == before


def test_agenda_item_update_changes_only_the_fields_sent(db, world, api_as):
    opening = world.items["opening"]
    api = api_as(world.organiser)
    etag = api.get(item_url(opening)).headers["ETag"]

    response = api.patch(
        item_url(opening),
        json={"audience_kind": "kinds", "audience_kinds": ["government_agency", "embassy"]},
        headers={"If-Match": etag},
    )

    body = response.get_json()
    assert response.status_code == 200
    assert body["title"] == "Opening remarks" and body["duration_minutes"] == 45
    assert body["audience"]["label"] == "Only: Embassy / foreign mission, Government agency"
    assert response.headers["ETag"] != etag


def test_agenda_item_update_can_let_a_fixed_item_follow_on(db, world, api_as):
    workshop = world.items["second_day"]

    body = (
        api_as(world.organiser)
        .patch(item_url(workshop), json={"fixed_start_local": None})
        .get_json()
    )

    assert body["fixed_start"] is None
    assert body["starts_at"] == "2030-03-30T11:15:00Z"


def test_agenda_item_update_with_a_stale_etag_is_refused(db, world, api_as):
    opening = world.items["opening"]
    api = api_as(world.organiser)
    etag = api.get(item_url(opening)).headers["ETag"]
    first = api.patch(item_url(opening), json={"title": "First"}, headers={"If-Match": etag})
    assert first.status_code == 200

    stale = api.patch(item_url(opening), json={"title": "Second"}, headers={"If-Match": etag})

    assert stale.status_code == 412
    db.expire_all()
    assert db.get(AgendaItem, opening.id).title == "First"


def test_agenda_item_update_refusal_names_the_api_field(db, world, api_as, make):
    opening = world.items["opening"]

    response = api_as(world.organiser).patch(
        item_url(opening),
        json={"presenter_organisation_ids": [make.organisation("Not invited").id]},
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "#/presenter_organisation_ids"
    db.expire_all()
    assert db.get(AgendaItem, opening.id).presenters == []


def test_agenda_item_null_for_a_field_that_cannot_be_empty_is_refused(db, world, api_as):
    response = api_as(world.organiser).patch(
        item_url(world.items["opening"]), json={"audience_kinds": None}
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "#/audience_kinds"


def test_agenda_item_update_is_refused_to_a_coordinator(db, world, api_as):
    opening = world.items["opening"]

    response = api_as(world.coordinator).patch(item_url(opening), json={"title": "Taken"})

    assert response.status_code == 403
    db.expire_all()
    assert db.get(AgendaItem, opening.id).title == "Opening remarks"


def test_agenda_item_delete_needs_the_etag_last_read(db, world, api_as):
    debrief = world.items["team"]
    url = item_url(debrief)
    api = api_as(world.organiser)
    etag = api.get(url).headers["ETag"]

    blind = api.delete(url)
    kept = item_count(db, world)
    deleted = api.delete(url, headers={"If-Match": etag})

    assert blind.status_code == 428
    assert kept == 4
    assert deleted.status_code == 204
    assert item_count(db, world) == 3
    assert api.get(url).status_code == 404


def test_agenda_item_delete_with_a_stale_etag_is_refused(db, world, api_as):
    debrief = world.items["team"]
    api = api_as(world.organiser)
    etag = api.get(item_url(debrief)).headers["ETag"]
    api.patch(item_url(debrief), json={"duration_minutes": 20})

    response = api.delete(item_url(debrief), headers={"If-Match": etag})

    assert response.status_code == 412
    assert item_count(db, world) == 4


def test_agenda_read_token_cannot_change_anything(db, world, api_as):
    api = api_as(world.organiser, scope="read")
    opening = world.items["opening"]
    etag = api.get(item_url(opening)).headers["ETag"]

    answers = [
        api.post(items_url(world), json={"title": "Panel", "duration_minutes": 30}),
        api.patch(item_url(opening), json={"title": "Taken"}),
        api.delete(item_url(opening), headers={"If-Match": etag}),
        api.post(f"{agenda_url(world)}/publish", json={}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert item_count(db, world) == 4
    assert db.get(AgendaItem, opening.id).title == "Opening remarks"
    assert version_count(db, world) == 0


def test_agenda_publish_freezes_the_next_version_once(db, world, api_as):
    api = api_as(world.organiser)

    first = api.post(f"{agenda_url(world)}/publish", json={"notify": True})
    again = api.post(f"{agenda_url(world)}/publish", json={})

    assert first.status_code == 201
    assert first.headers["Location"] == agenda_url(world)
    assert first.get_json()["version"] == 1
    assert len(first.get_json()["items"]) == 4
    assert again.status_code == 422
    assert "Nothing has changed" in again.get_json()["detail"]
    assert version_count(db, world) == 1
    assert db.scalar(select(AgendaVersion.notified_at)) is not None


def test_agenda_publish_is_refused_to_a_coordinator(db, world, api_as):
    response = api_as(world.coordinator).post(f"{agenda_url(world)}/publish", json={})

    assert response.status_code == 403
    assert version_count(db, world) == 0


# Query counts: the same whatever the agenda's length.


def grow_agenda(db, world: World, count: int) -> None:
    """More items, with presenters (organisations and delegates) and organisation audiences."""
    invitation = db.scalar(
        select(Invitation).where(
            Invitation.convening_id == world.convening.id,
            Invitation.organisation_id == world.company.id,
        )
    )
    delegate = add_delegate(db, invitation, f"Delegate {count}", f"delegate{count}@example.org")
    for number in range(count):
        item = add_item(
            db,
            world.convening,
            f"Extra {count}-{number}",
            position=10 + number,
            audience=AudienceKind.ORGANISATIONS,
        )
        item.audience.organisation_links.append(
            AudienceOrganisation(organisation_id=world.agency.id)
        )
        item.presenters = [
            AgendaPresenter(organisation_id=world.company.id),
            AgendaPresenter(delegate_id=delegate.id),
        ]
    db.commit()


def counted(count_queries, call) -> int:
    with count_queries() as counter:
        response = call()
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("who", ["organiser", "agency_user"])
def test_agenda_published_costs_the_same_queries_whatever_its_length(
    app, db, world, api_as, count_queries, who
):
    api = api_as(getattr(world, who))
    grow_agenda(db, world, 2)
    publish(app, db, world)
    small = counted(count_queries, lambda: api.get(agenda_url(world)))
    grow_agenda(db, world, 12)
    publish(app, db, world)

    large = counted(count_queries, lambda: api.get(agenda_url(world)))

    assert len(api.get(agenda_url(world)).get_json()["items"]) > 14
    assert large == small


def test_agenda_items_cost_the_same_queries_whatever_their_number(db, world, api_as, count_queries):
    api = api_as(world.organiser)
    grow_agenda(db, world, 2)
    small = counted(count_queries, lambda: api.get(items_url(world)))
    grow_agenda(db, world, 12)

    large = counted(count_queries, lambda: api.get(items_url(world)))

    assert len(api.get(items_url(world)).get_json()["items"]) == 18
    assert large == small


def test_agenda_item_kinds_match_the_models():
    assert set(ItemKindName.__args__) == {kind.value for kind in AgendaItemKind}
    assert set(OrganisationKindName.__args__) == {kind.value for kind in OrganisationKind}
