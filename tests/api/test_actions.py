"""Action items through the API: what each role sees and may change, as on the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordination.actions.queries import today_in
from coordination.api.representations import represent
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    ConveningStatus,
    Delegate,
    OrganisationKind,
)
from tests.factories import principal

TODAY = today_in("America/New_York")


@dataclass
class World:
    """A convening of an organiser and a coordinator, inviting a company and an agency, and a
    convening of another team."""

    organiser: object
    coordinator: object
    admin: object
    company: object
    agency: object
    company_user: object
    agency_user: object
    convening: object
    elsewhere: object
    delegate: object


@pytest.fixture
def world(make) -> World:
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    admin = make.user(name="Alex Admin", is_admin=True)
    company = make.organisation("Apple")
    agency = make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)
    convening = make.convening(
        "Madison Valleywood", organisers=(organiser,), coordinators=(coordinator,)
    )
    elsewhere = make.convening("Elsewhere", organisers=(make.user(),))
    invitation = make.invitation(convening, company)
    make.invitation(convening, agency)
    make.invitation(elsewhere, company)
    delegate = Delegate(
        invitation=invitation,
        name="Dana Delegate",
        email="dana@example.org",
        email_normalized="dana@example.org",
    )
    make.session.add(delegate)
    make.session.commit()
    return World(
        organiser=organiser,
        coordinator=coordinator,
        admin=admin,
        company=company,
        agency=agency,
        company_user=make.participant(company),
        agency_user=make.participant(agency),
        convening=convening,
        elsewhere=elsewhere,
        delegate=delegate,
    )


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def action_count(db) -> int:
    return db.scalar(select(func.count(ActionItem.id)))


def update_count(db) -> int:
    return db.scalar(select(func.count(ActionUpdate.id)))


def fresh(db, action: ActionItem) -> ActionItem:
    db.expire_all()
    return db.get(ActionItem, action.id)


def pointers(response) -> set[str]:
    return {error.get("pointer") or error.get("parameter") for error in response.json["errors"]}


# The tracker -----------------------------------------------------------------------------------


def test_tracker_shows_the_actions_of_the_callers_convenings_only(make, api_as, world):
    make.action(world.convening, "Ours", owner_organisation=world.company)
    make.action(world.elsewhere, "Theirs", owner_organisation=world.company)

    as_coordinator = api_as(world.coordinator).get("/api/v1/actions")
    as_admin = api_as(world.admin).get("/api/v1/actions")

    assert titles(as_coordinator) == ["Ours"]
    assert sorted(titles(as_admin)) == ["Ours", "Theirs"]


@pytest.mark.parametrize("role", ["company_user", "agency_user"])
def test_tracker_is_refused_to_participants(make, api_as, world, role):
    make.action(world.convening, "Ours", owner_organisation=world.company)

    response = api_as(getattr(world, role)).get("/api/v1/actions")

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_tracker_takes_the_tracker_pages_filters(make, api_as, world):
    series = make.series("Valleywood series")
    later = make.convening("Later", coordinators=(world.coordinator,), series=series)
    make.invitation(later, world.agency)
    make.action(
        world.convening,
        "Late pilot",
        owner_organisation=world.company,
        due_on=TODAY - timedelta(days=5),
        status=ActionStatus.IN_PROGRESS,
    )
    make.action(
        world.convening, "Done report", owner_organisation=world.company, status=ActionStatus.DONE
    )
    make.action(world.convening, "Agency briefing", owner_organisation=world.agency, due_on=TODAY)
    make.action(later, "Series follow-up", owner_organisation=world.agency)
    api = api_as(world.coordinator)

    def shown(arguments: str) -> list[str]:
        return sorted(titles(api.get(f"/api/v1/actions?{arguments}")))

    assert shown("status=done&status=in_progress") == ["Done report", "Late pilot"]
    assert shown(f"organisation_id={world.company.id}") == ["Done report", "Late pilot"]
    assert shown("organisation_kind=government_agency") == ["Agency briefing", "Series follow-up"]
    assert shown(f"convening_id={later.id}") == ["Series follow-up"]
    assert shown(f"series_id={series.id}") == ["Series follow-up"]
    assert shown("overdue=true") == ["Late pilot"]
    assert shown("due_this_week=true") == ["Agency briefing"]
    assert shown("q=PILOT") == ["Late pilot"]
    assert shown(f"due_after={TODAY.isoformat()}") == ["Agency briefing"]
    assert shown(f"due_before={TODAY.isoformat()}") == ["Late pilot"]


def test_tracker_filter_naming_another_teams_convening_shows_nothing(make, api_as, world):
    make.action(world.elsewhere, "Theirs", owner_organisation=world.company)

    response = api_as(world.coordinator).get(f"/api/v1/actions?convening_id={world.elsewhere.id}")

    assert titles(response) == []


def test_tracker_leaves_out_actions_carried_over(make, api_as, world):
    make.action(
        world.convening,
        "Carried",
        owner_organisation=world.company,
        carried_over_at=datetime.now(UTC),
    )
    make.action(world.convening, "Live", owner_organisation=world.company)

    assert titles(api_as(world.coordinator).get("/api/v1/actions")) == ["Live"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=finished", "status"),
        ("organisation_kind=club", "organisation_kind"),
        ("due_before=soon", "due_before"),
        ("convening_id=0", "convening_id"),
        ("sort=random", "sort"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_tracker_refuses_a_filter_it_cannot_use(make, api_as, world, query, parameter):
    make.action(world.convening, "Ours", owner_organisation=world.company)

    response = api_as(world.coordinator).get(f"/api/v1/actions?{query}")

    assert response.status_code == 422
    assert pointers(response) == {parameter}


def test_tracker_pages_by_due_date_undated_last_stable_under_inserts(make, api_as, world):
    for days, title in [(3, "Third"), (1, "First"), (None, "Undated"), (2, "Second")]:
        due = TODAY + timedelta(days=days) if days is not None else None
        make.action(world.convening, title, owner_organisation=world.company, due_on=due)
    api = api_as(world.coordinator)

    first = api.get("/api/v1/actions?limit=2").get_json()
    make.action(
        world.convening, "Earliest, added meanwhile", owner_organisation=world.company, due_on=TODAY
    )
    rest = api.get(f"/api/v1/actions?limit=10&cursor={first['next_cursor']}").get_json()

    shown = [item["title"] for page in (first, rest) for item in page["items"]]
    assert shown == ["First", "Second", "Third", "Undated"]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("due_late", ["Third", "Second", "First", "Undated"]),
        ("updated", ["Second", "Undated", "First", "Third"]),
    ],
)
def test_tracker_pages_in_the_other_orders(make, api_as, world, sort, expected):
    base = datetime(2030, 1, 1, tzinfo=UTC)
    for days, title, touched in [
        (3, "Third", 1),
        (1, "First", 2),
        (None, "Undated", 3),
        (2, "Second", 4),
    ]:
        due = TODAY + timedelta(days=days) if days is not None else None
        action = make.action(world.convening, title, owner_organisation=world.company, due_on=due)
        action.updated_at = base + timedelta(hours=touched)
        make.session.commit()
    api = api_as(world.coordinator)

    shown, cursor = [], ""
    while True:
        page = api.get(f"/api/v1/actions?sort={sort}&limit=1{cursor}").get_json()
        shown += [item["title"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"

    assert shown == expected


def test_tracker_shows_each_action_as_its_page_does(make, api_as, world):
    make.action(
        world.convening,
        "Late pilot",
        owner_organisation=world.company,
        owner_user=world.coordinator,
        due_on=TODAY - timedelta(days=2),
        priority=ActionPriority.URGENT,
    )

    item = api_as(world.coordinator).get("/api/v1/actions").get_json()["items"][0]

    assert item["convening"] == {"id": world.convening.id, "title": "Madison Valleywood"}
    assert item["owner_organisation"] == {"id": world.company.id, "name": "Apple"}
    assert item["owner_person"] == {
        "kind": "user",
        "id": world.coordinator.id,
        "name": "Colin Coordinator",
    }
    assert (item["status"], item["priority"], item["overdue"]) == ("open", "urgent", True)
    assert item["due_on"] == (TODAY - timedelta(days=2)).isoformat()
    assert item["web_url"] == f"https://coordination.example.org/actions/{item['id']}"


# A convening's actions -------------------------------------------------------------------------


def test_convening_actions_show_a_participant_only_their_organisations(make, api_as, world):
    make.action(world.convening, "Apple's", owner_organisation=world.company)
    make.action(world.convening, "State's", owner_organisation=world.agency)
    path = f"/api/v1/convenings/{world.convening.id}/actions"

    assert titles(api_as(world.company_user).get(path)) == ["Apple's"]
    assert titles(api_as(world.agency_user).get(path)) == ["State's"]
    assert sorted(titles(api_as(world.coordinator).get(path))) == ["Apple's", "State's"]


def test_convening_actions_filters_cannot_widen_what_a_participant_sees(make, api_as, world):
    make.action(world.convening, "Apple's", owner_organisation=world.company)
    make.action(world.convening, "State's", owner_organisation=world.agency)

    response = api_as(world.company_user).get(
        f"/api/v1/convenings/{world.convening.id}/actions"
        f"?owner_organisation_id={world.agency.id}&status=open"
    )

    assert titles(response) == ["Apple's"]


def test_convening_actions_show_a_participant_what_they_own_in_person(make, api_as, world):
    make.action(world.convening, "Apple's", owner_organisation=world.company)
    make.action(world.convening, "Personally theirs", owner_user=world.company_user)
    make.action(world.convening, "Someone else's", owner_user=world.agency_user)

    response = api_as(world.company_user).get(f"/api/v1/convenings/{world.convening.id}/actions")

    assert sorted(titles(response)) == ["Apple's", "Personally theirs"]


def test_convening_actions_are_not_found_by_an_outsider(make, api_as, world):
    outsider = make.participant(make.organisation("Not invited"))

    response = api_as(outsider).get(f"/api/v1/convenings/{world.convening.id}/actions")

    assert response.status_code == 404


def test_convening_actions_filter_for_the_team_and_show_outstanding_first(make, api_as, world):
    make.action(
        world.convening, "Done early", owner_organisation=world.company, status=ActionStatus.DONE
    )
    make.action(
        world.convening,
        "Due later",
        owner_organisation=world.agency,
        due_on=TODAY + timedelta(days=9),
    )
    make.action(world.convening, "Undated", owner_organisation=world.company)
    make.action(
        world.convening,
        "Due soon",
        owner_organisation=world.company,
        due_on=TODAY + timedelta(days=1),
        status=ActionStatus.BLOCKED,
    )
    api = api_as(world.coordinator)
    path = f"/api/v1/convenings/{world.convening.id}/actions"

    shown, cursor = [], ""
    while True:
        page = api.get(f"{path}?limit=1{cursor}").get_json()
        shown += [item["title"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"

    assert shown == ["Due soon", "Due later", "Undated", "Done early"]
    assert titles(
        api.get(f"{path}?status=outstanding&owner_organisation_id={world.company.id}")
    ) == ["Due soon", "Undated"]
    assert titles(api.get(f"{path}?status=done")) == ["Done early"]


def test_convening_actions_of_a_draft_are_not_found_by_an_owner(make, api_as, world):
    draft = make.convening("Draft", status=ConveningStatus.DRAFT, organisers=(world.organiser,))
    make.invitation(draft, world.company)
    make.action(draft, "Hidden", owner_organisation=world.company)

    response = api_as(world.company_user).get(f"/api/v1/convenings/{draft.id}/actions")

    assert response.status_code == 404


# One action ------------------------------------------------------------------------------------


def test_action_shows_its_owner_the_history_with_an_etag(make, api_as, world):
    action = make.action(world.convening, "Share the plan", owner_organisation=world.company)

    response = api_as(world.company_user).get(f"/api/v1/actions/{action.id}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Share the plan"
    assert [(u["kind"], u["new_status"]) for u in body["updates"]] == [("created", "open")]
    assert response.headers["ETag"] == f'"action-{action.id}-1"'


@pytest.mark.parametrize("role", ["agency_user", "outsider"])
def test_action_of_another_organisation_is_not_found(make, api_as, world, role):
    action = make.action(world.convening, "Apple's", owner_organisation=world.company)
    user = getattr(world, role, None) or make.participant(make.organisation("Outside"))

    response = api_as(user).get(f"/api/v1/actions/{action.id}")

    assert response.status_code == 404


def test_action_in_a_draft_convening_is_not_found_by_its_owner(make, api_as, world):
    draft = make.convening("Draft", status=ConveningStatus.DRAFT, organisers=(world.organiser,))
    make.invitation(draft, world.company)
    action = make.action(draft, "Hidden", owner_organisation=world.company)

    as_owner = api_as(world.company_user).get(f"/api/v1/actions/{action.id}")
    as_organiser = api_as(world.organiser).get(f"/api/v1/actions/{action.id}")

    assert as_owner.status_code == 404
    assert as_organiser.status_code == 200


def test_action_is_represented_only_to_those_who_may_see_it(make, app, world):
    action = make.action(world.convening, "Apple's", owner_organisation=world.company)

    with app.app_context():
        as_owner = represent(make.session, principal(world.company_user), action)
        as_other = represent(make.session, principal(world.agency_user), action)

    assert as_owner[0] == "action"
    assert as_owner[1]["title"] == "Apple's"
    assert as_other is None


# Creating and editing: the team -----------------------------------------------------------------


def test_action_created_by_a_coordinator_is_recorded_with_its_history(api_as, db, world):
    response = api_as(world.coordinator).post(
        f"/api/v1/convenings/{world.convening.id}/actions",
        json={
            "title": "  Share the counter-messaging plan ",
            "owner_organisation_id": world.company.id,
            "owner_delegate_id": world.delegate.id,
            "due_on": "2030-01-15",
            "priority": "high",
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Share the counter-messaging plan"
    assert body["owner_person"] == {
        "kind": "delegate",
        "id": world.delegate.id,
        "name": "Dana Delegate",
    }
    assert (body["due_on"], body["priority"], body["status"]) == ("2030-01-15", "high", "open")
    assert [u["kind"] for u in body["updates"]] == ["created"]
    assert response.headers["Location"] == f"/api/v1/actions/{body['id']}"
    assert response.headers["ETag"] == f'"action-{body["id"]}-1"'
    assert db.get(ActionItem, body["id"]).created_by_id == world.coordinator.id


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"title": "   "}, "#/title"),
        ({"title": None}, "#/title"),
        ({"title": 7}, "#/title"),
        ({"title": "x" * 201}, "#/title"),
        ({"due_on": "1999-12-31"}, "#/due_on"),
        ({"due_on": "15/01/2030"}, "#/due_on"),
        ({"priority": "whenever"}, "#/priority"),
        ({"owner_organisation_id": None}, "#/owner_organisation_id"),
        ({"owner_organisation_id": "3"}, "#/owner_organisation_id"),
        ({"owner_organisation_id": "outside"}, "#/owner_organisation_id"),
        ({"owner_user_id": "agency_user"}, "#/owner_user_id"),
        ({"owner_user_id": "coordinator", "owner_delegate_id": "delegate"}, "#/owner_delegate_id"),
        ({"agenda_item_id": 2**31}, "#/agenda_item_id"),
        ({"colour": "red"}, "#/colour"),
    ],
)
def test_action_creation_refuses_bad_input_and_writes_nothing(
    make, api_as, db, world, changes, pointer
):
    outside = make.organisation("Outside")
    named = {
        "outside": outside.id,
        "agency_user": world.agency_user.id,
        "coordinator": world.coordinator.id,
        "delegate": world.delegate.id,
    }
    body = {"title": "A good title", "owner_organisation_id": world.company.id}
    body.update({key: named.get(value, value) for key, value in changes.items()})
    before = action_count(db)

    response = api_as(world.coordinator).post(
        f"/api/v1/convenings/{world.convening.id}/actions", json=body
    )

    assert response.status_code == 422
    assert pointer in pointers(response)
    assert action_count(db) == before


@pytest.mark.parametrize("role", ["company_user", "agency_user"])
def test_action_creation_is_refused_to_participants(api_as, db, world, role):
    response = api_as(getattr(world, role)).post(
        f"/api/v1/convenings/{world.convening.id}/actions",
        json={"title": "Ours now", "owner_organisation_id": world.company.id},
    )

    assert response.status_code == 403
    assert action_count(db) == 0


def test_action_edit_changes_only_the_fields_sent_and_says_so(make, api_as, db, world):
    action = make.action(
        world.convening,
        "Share the plan",
        owner_organisation=world.company,
        due_on=date(2030, 1, 1),
        description="Kept",
    )
    api = api_as(world.coordinator)
    etag = api.get(f"/api/v1/actions/{action.id}").headers["ETag"]

    response = api.patch(
        f"/api/v1/actions/{action.id}",
        json={"owner_organisation_id": world.agency.id, "due_on": None, "priority": "urgent"},
        headers={"If-Match": etag},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["owner_organisation"]["name"] == "State Department"
    assert (body["due_on"], body["priority"], body["description"]) == (None, "urgent", "Kept")
    assert body["updates"][-1]["note"] == "Changed owner organisation, due date, priority."
    assert response.headers["ETag"] == f'"action-{action.id}-2"'
    assert fresh(db, action).owner_organisation_id == world.agency.id


def test_action_edit_naming_a_user_replaces_the_owner_delegate(make, api_as, db, world):
    action = make.action(
        world.convening, "Share", owner_organisation=world.company, owner_delegate=world.delegate
    )

    response = api_as(world.organiser).patch(
        f"/api/v1/actions/{action.id}", json={"owner_user_id": world.organiser.id}
    )

    assert response.status_code == 200
    assert response.get_json()["owner_person"]["kind"] == "user"
    changed = fresh(db, action)
    assert (changed.owner_user_id, changed.owner_delegate_id) == (world.organiser.id, None)


def test_action_edit_with_a_stale_etag_is_refused(make, api_as, db, world):
    action = make.action(world.convening, "Before", owner_organisation=world.company)
    api = api_as(world.coordinator)
    etag = api.get(f"/api/v1/actions/{action.id}").headers["ETag"]
    first = api.patch(
        f"/api/v1/actions/{action.id}", json={"title": "First"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200

    stale = api.patch(
        f"/api/v1/actions/{action.id}", json={"title": "Second"}, headers={"If-Match": etag}
    )

    assert stale.status_code == 412
    assert fresh(db, action).title == "First"


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"title": None}, "#/title"),
        ({"priority": None}, "#/priority"),
        ({"owner_organisation_id": None}, "#/owner_organisation_id"),
        ({"agenda_item_id": 999999}, "#/agenda_item_id"),
        ({"status": "done"}, "#/status"),
    ],
)
def test_action_edit_refuses_bad_input_and_changes_nothing(
    make, api_as, db, world, changes, pointer
):
    action = make.action(world.convening, "Kept", owner_organisation=world.company)

    response = api_as(world.coordinator).patch(f"/api/v1/actions/{action.id}", json=changes)

    assert response.status_code == 422
    assert pointer in pointers(response)
    kept = fresh(db, action)
    assert (kept.title, kept.version, kept.status) == ("Kept", 1, ActionStatus.OPEN)


def test_action_edit_is_refused_to_its_owner(make, api_as, db, world):
    action = make.action(world.convening, "Kept", owner_organisation=world.company)

    response = api_as(world.company_user).patch(
        f"/api/v1/actions/{action.id}", json={"title": "Taken"}
    )

    assert response.status_code == 403
    assert fresh(db, action).title == "Kept"


def test_action_carried_over_is_changed_in_its_successor(make, api_as, db, world):
    action = make.action(
        world.convening,
        "Carried",
        owner_organisation=world.company,
        carried_over_at=datetime.now(UTC),
    )

    response = api_as(world.coordinator).patch(
        f"/api/v1/actions/{action.id}", json={"title": "Changed"}
    )

    assert response.status_code == 422
    assert "carried over" in response.get_json()["detail"]
    assert fresh(db, action).title == "Carried"


# Status changes and notes: the owners and the team -----------------------------------------------


def test_owner_changes_the_status_with_a_note(make, api_as, db, world):
    action = make.action(world.convening, "Share", owner_organisation=world.company)
    api = api_as(world.company_user)
    etag = api.get(f"/api/v1/actions/{action.id}").headers["ETag"]

    response = api.post(
        f"/api/v1/actions/{action.id}/updates",
        json={"status": "done", "note": "Sent to the State Department."},
        headers={"If-Match": etag},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "done"
    assert body["closed_at"] is not None
    latest = body["updates"][-1]
    assert (latest["kind"], latest["old_status"], latest["new_status"]) == (
        "status",
        "open",
        "done",
    )
    assert latest["note"] == "Sent to the State Department."
    assert latest["author_organisation"] == {"id": world.company.id, "name": "Apple"}
    assert response.headers["ETag"] == f'"action-{action.id}-2"'
    assert fresh(db, action).status == ActionStatus.DONE


def test_coordinator_adds_a_progress_note(make, api_as, db, world):
    action = make.action(world.convening, "Share", owner_organisation=world.company)

    response = api_as(world.coordinator).post(
        f"/api/v1/actions/{action.id}/updates", json={"note": "Chased by phone."}
    )

    assert response.status_code == 200
    assert response.get_json()["updates"][-1]["kind"] == "note"
    assert fresh(db, action).status == ActionStatus.OPEN


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "#/note"),
        ({"note": "   "}, "#/note"),
        ({"status": "finished"}, "#/status"),
        ({"status": "open"}, "#/note"),
        ({"note": 5}, "#/note"),
        ({"note": "x" * 5001}, "#/note"),
        ({"note": "ok", "title": "Sneaked in"}, "#/title"),
    ],
)
def test_status_update_refuses_bad_input_and_writes_nothing(make, api_as, db, world, body, pointer):
    action = make.action(world.convening, "Share", owner_organisation=world.company)
    before = update_count(db)

    response = api_as(world.company_user).post(f"/api/v1/actions/{action.id}/updates", json=body)

    assert response.status_code == 422
    assert pointer in pointers(response)
    assert update_count(db) == before
    assert fresh(db, action).title == "Share"


def test_status_update_with_a_stale_etag_is_refused(make, api_as, db, world):
    action = make.action(world.convening, "Share", owner_organisation=world.company)
    api = api_as(world.company_user)
    etag = api.get(f"/api/v1/actions/{action.id}").headers["ETag"]
    api_as(world.coordinator).post(
        f"/api/v1/actions/{action.id}/updates", json={"status": "blocked"}
    )

    response = api.post(
        f"/api/v1/actions/{action.id}/updates",
        json={"status": "done"},
        headers={"If-Match": etag},
    )

    assert response.status_code == 412
    assert fresh(db, action).status == ActionStatus.BLOCKED


def test_status_update_of_another_organisations_action_is_not_found(make, api_as, db, world):
    action = make.action(world.convening, "State's", owner_organisation=world.agency)

    response = api_as(world.company_user).post(
        f"/api/v1/actions/{action.id}/updates", json={"status": "cancelled"}
    )

    assert response.status_code == 404
    assert fresh(db, action).status == ActionStatus.OPEN


def test_status_update_in_a_draft_convening_is_not_found_for_its_owner(make, api_as, db, world):
    draft = make.convening("Draft", status=ConveningStatus.DRAFT, organisers=(world.organiser,))
    make.invitation(draft, world.company)
    action = make.action(draft, "Hidden", owner_organisation=world.company)

    response = api_as(world.company_user).post(
        f"/api/v1/actions/{action.id}/updates", json={"status": "done"}
    )

    assert response.status_code == 404
    assert fresh(db, action).status == ActionStatus.OPEN


# Read tokens -------------------------------------------------------------------------------------


def test_read_token_reads_but_cannot_write(make, api_as, db, world):
    action = make.action(world.convening, "Share", owner_organisation=world.company)
    api = api_as(world.organiser, scope="read")
    before = (action_count(db), update_count(db))

    read = api.get(f"/api/v1/actions/{action.id}")
    created = api.post(
        f"/api/v1/convenings/{world.convening.id}/actions",
        json={"title": "New", "owner_organisation_id": world.company.id},
    )
    edited = api.patch(f"/api/v1/actions/{action.id}", json={"title": "Changed"})
    updated = api.post(f"/api/v1/actions/{action.id}/updates", json={"status": "done"})

    assert read.status_code == 200
    assert [created.status_code, edited.status_code, updated.status_code] == [403, 403, 403]
    assert (action_count(db), update_count(db)) == before
    assert fresh(db, action).title == "Share"


# Query counts ------------------------------------------------------------------------------------


def _add_actions(db, world: World, number: int) -> None:
    """Actions of every kind of owner and status, in two convenings of the team."""
    for index in range(number):
        action = ActionItem(
            convening_id=world.convening.id,
            title=f"Bulk action {index}",
            owner_organisation_id=(world.company if index % 2 else world.agency).id,
            owner_user_id=world.organiser.id if index % 3 == 0 else None,
            owner_delegate_id=world.delegate.id if index % 3 == 1 else None,
            status=list(ActionStatus)[index % 5],
            due_on=TODAY + timedelta(days=index - number // 2) if index % 4 else None,
        )
        action.updates.append(ActionUpdate(kind=ActionUpdateKind.CREATED, author_name="Test"))
        db.add(action)
    db.commit()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("coordinator", "/api/v1/actions"),
        ("admin", "/api/v1/actions?status=open&status=blocked&overdue=true&q=bulk"),
        ("organiser", "/api/v1/actions?sort=updated"),
        ("coordinator", "/api/v1/convenings/{id}/actions"),
        ("coordinator", "/api/v1/convenings/{id}/actions?status=outstanding"),
        ("company_user", "/api/v1/convenings/{id}/actions"),
    ],
)
def test_action_lists_issue_the_same_queries_at_two_sizes(
    api_as, db, world, count_queries, role, path
):
    api = api_as(getattr(world, role))
    address = path.format(id=world.convening.id)
    counts, sizes = [], []
    for number in (4, 40):
        _add_actions(db, world, number)
        with count_queries() as counter:
            response = api.get(f"{address}{'&' if '?' in address else '?'}limit=200")
        assert response.status_code == 200
        counts.append(counter.count)
        sizes.append(len(response.get_json()["items"]))

    assert sizes[0] < sizes[1]
    assert counts[0] == counts[1]
