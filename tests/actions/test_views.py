"""Action pages: who sees and changes what, forms, bulk entry, my actions, query counts."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordination.actions.queries import today_in
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    ConveningStatus,
    Delegate,
    InvitationStatus,
)
from coordination.service import CHANGED_MEANWHILE

from .test_services import World, build


@pytest.fixture
def world(make, db) -> World:
    return build(make, db)


def plain(response) -> str:
    """The page's text without tags, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


def switch(auth, user) -> None:
    auth.sign_out()
    assert auth.sign_in(user).status_code == 302


def fresh(db, action: ActionItem) -> ActionItem:
    db.expire_all()
    return db.get(ActionItem, action.id)


@pytest.fixture
def owned(make, world) -> ActionItem:
    """An action the company owns."""
    return make.action(
        world.convening, "Share counter-messaging pilot plan", owner_organisation=world.company
    )


@pytest.fixture
def theirs(make, world) -> ActionItem:
    """An action the agency owns."""
    return make.action(world.convening, "Report takedown figures", owner_organisation=world.agency)


# Status and notes: the owners and the team ------------------------------------------------------


def test_participant_changes_status_of_their_organisations_action(client, auth, db, world, owned):
    auth.sign_in(world.company_user)

    response = client.post(
        f"/actions/{owned.id}/update",
        data={"status": "in_progress", "note": "Drafting the plan.", "version": owned.version},
    )

    assert response.status_code == 302
    action = fresh(db, owned)
    assert action.status == ActionStatus.IN_PROGRESS
    update = action.updates[-1]
    assert (update.kind, update.note, update.author_organisation_id) == (
        ActionUpdateKind.STATUS,
        "Drafting the plan.",
        world.company.id,
    )
    assert "Drafting the plan." in plain(client.get(f"/actions/{owned.id}"))


def test_participant_posting_other_fields_changes_only_status(client, auth, db, world, owned):
    auth.sign_in(world.company_user)

    client.post(
        f"/actions/{owned.id}/update",
        data={
            "status": "done",
            "note": "",
            "version": owned.version,
            "title": "Nothing to do",
            "owner_organisation_id": world.agency.id,
            "due_on": "2099-01-01",
            "priority": "low",
            "description": "rewritten",
        },
    )

    action = fresh(db, owned)
    assert action.status == ActionStatus.DONE
    assert action.closed_at is not None
    assert (action.title, action.owner_organisation_id, action.due_on, action.priority) == (
        "Share counter-messaging pilot plan",
        world.company.id,
        None,
        ActionPriority.NORMAL,
    )
    assert action.description == ""


def test_participant_cannot_open_the_edit_form(client, auth, db, world, owned):
    auth.sign_in(world.company_user)

    assert client.get(f"/actions/{owned.id}/edit").status_code == 403
    response = client.post(
        f"/actions/{owned.id}/edit",
        data={"title": "Hijacked", "owner_organisation_id": world.company.id, "version": 1},
    )

    assert response.status_code == 403
    assert fresh(db, owned).title == "Share counter-messaging pilot plan"


def test_another_organisations_participant_gets_404(client, auth, db, world, theirs):
    auth.sign_in(world.company_user)

    assert client.get(f"/actions/{theirs.id}").status_code == 404
    response = client.post(
        f"/actions/{theirs.id}/update", data={"status": "done", "version": theirs.version}
    )

    assert response.status_code == 404
    assert fresh(db, theirs).status == ActionStatus.OPEN


def test_outsider_and_anonymous_are_refused(client, auth, db, world, owned):
    anonymous = client.post(f"/actions/{owned.id}/update", data={"status": "done"})
    assert anonymous.status_code == 302
    assert "/account/sign-in" in anonymous.headers["Location"]

    auth.sign_in(world.outsider)
    assert client.get(f"/actions/{owned.id}").status_code == 404
    assert client.post(f"/actions/{owned.id}/update", data={"status": "done"}).status_code == 404
    assert client.get(f"/convenings/{world.convening.id}/actions").status_code == 404
    assert fresh(db, owned).status == ActionStatus.OPEN


def test_person_owning_as_delegate_may_update(client, auth, db, make, world):
    delegate_user = make.user("dana@example.org", name="Dana Delegate")
    action = make.action(
        world.convening,
        "Brief the board",
        owner_delegate=db.get(Delegate, world.delegate.id),
    )
    auth.sign_in(delegate_user)

    response = client.post(
        f"/actions/{action.id}/update", data={"status": "blocked", "version": action.version}
    )

    assert response.status_code == 302
    assert fresh(db, action).status == ActionStatus.BLOCKED


def test_update_from_a_stale_page_says_so_and_keeps_the_note(client, auth, db, world, owned):
    auth.sign_in(world.company_user)
    seen = owned.version
    client.post(f"/actions/{owned.id}/update", data={"note": "First", "version": seen})

    response = client.post(
        f"/actions/{owned.id}/update",
        data={"status": "done", "note": "My long note", "version": seen},
    )

    assert response.status_code == 409
    page = plain(response)
    assert CHANGED_MEANWHILE in page
    assert "My long note" in page
    assert fresh(db, owned).status == ActionStatus.OPEN


def test_update_with_nothing_is_a_clear_error(client, auth, world, owned):
    auth.sign_in(world.company_user)

    response = client.post(
        f"/actions/{owned.id}/update", data={"status": "open", "version": owned.version}
    )

    assert response.status_code == 400
    assert "Choose a new status or write a progress note." in plain(response)


def test_unknown_status_changes_nothing(client, auth, db, world, owned):
    auth.sign_in(world.coordinator)

    response = client.post(
        f"/actions/{owned.id}/update", data={"status": "exploded", "version": owned.version}
    )

    assert response.status_code == 400
    assert fresh(db, owned).status == ActionStatus.OPEN


# The convening's list -------------------------------------------------------------------------


def test_participant_list_shows_only_their_own(client, auth, make, world, owned, theirs):
    make.action(world.convening, "Organisers' own follow-up", owner_user=world.organiser)
    auth.sign_in(world.company_user)

    page = plain(client.get(f"/convenings/{world.convening.id}/actions"))

    assert "Share counter-messaging pilot plan" in page
    assert "Report takedown figures" not in page
    assert "Organisers' own follow-up" not in page
    assert "New action" not in page


def test_participant_list_ignores_filters_that_would_widen_it(client, auth, world, owned, theirs):
    auth.sign_in(world.company_user)

    page = plain(
        client.get(f"/convenings/{world.convening.id}/actions?owner={world.agency.id}&status=open")
    )

    assert "Report takedown figures" not in page


def test_team_list_filters_by_status_and_owner(client, auth, make, world, owned, theirs):
    make.action(
        world.convening,
        "Finished thing",
        owner_organisation=world.company,
        status=ActionStatus.DONE,
    )
    auth.sign_in(world.coordinator)
    url = f"/convenings/{world.convening.id}/actions"

    everything = plain(client.get(url))
    outstanding = plain(client.get(f"{url}?status=outstanding"))
    company = plain(client.get(f"{url}?owner={world.company.id}"))

    assert all(
        title in everything
        for title in ("Share counter-messaging", "Report takedown", "Finished thing")
    )
    assert "Finished thing" not in outstanding and "Report takedown" in outstanding
    assert "Report takedown" not in company and "Finished thing" in company
    assert everything.index("Report takedown") < everything.index("Finished thing")


def test_overdue_is_judged_in_the_convenings_zone(client, auth, make, world):
    today = today_in(world.convening.timezone)
    make.action(
        world.convening,
        "Late one",
        owner_organisation=world.company,
        due_on=today - timedelta(days=1),
    )
    make.action(world.convening, "Due today", owner_organisation=world.company, due_on=today)
    auth.sign_in(world.coordinator)

    response = client.get(f"/convenings/{world.convening.id}/actions")

    rows = re.findall(r"<tr[^>]*>.*?</tr>", response.get_data(as_text=True), re.S)
    late = next(row for row in rows if "Late one" in row)
    on_time = next(row for row in rows if "Due today" in row)
    assert "Overdue" in late and "action-row--overdue" in late
    assert "Overdue" not in on_time


# Creating ------------------------------------------------------------------------------------


def test_create_form_preselects_the_agenda_item_and_decision(client, auth, world):
    auth.sign_in(world.coordinator)

    response = client.get(
        f"/convenings/{world.convening.id}/actions/new"
        f"?agenda_item={world.item.id}&decision={world.decision.id}"
    )

    page = response.get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.item.id}">', page) or re.search(
        rf'value="{world.item.id}" selected', page
    )
    assert f'value="{world.decision.id}"' in page


def test_create_through_the_form(client, auth, db, world):
    auth.sign_in(world.coordinator)

    response = client.post(
        f"/convenings/{world.convening.id}/actions/new",
        data={
            "title": "Share counter-messaging pilot plan",
            "description": "A page on the pilot.",
            "agenda_item_id": world.item.id,
            "decision_id": world.decision.id,
            "owner_organisation_id": world.company.id,
            "owner_person": f"delegate-{world.delegate.id}",
            "due_on": "2030-05-01",
            "priority": "high",
        },
    )

    action = db.scalars(select(ActionItem)).one()
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    assert (action.owner_delegate_id, action.due_on, action.priority) == (
        world.delegate.id,
        date(2030, 5, 1),
        ActionPriority.HIGH,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"owner_organisation_id": "uninvited"}, "Choose an organisation invited"),
        ({"owner_person": "user-999999"}, "Choose a member of this convening's team"),
        ({"due_on": "not a date"}, "Enter a date such as 2030-01-15."),
        ({"title": ""}, "Give the action a title."),
    ],
)
def test_create_with_bad_input_explains_and_saves_nothing(client, auth, db, world, fields, message):
    auth.sign_in(world.coordinator)
    data = {"title": "Something", "owner_organisation_id": world.company.id}
    data.update(fields)
    if data["owner_organisation_id"] == "uninvited":
        data["owner_organisation_id"] = world.uninvited.id

    response = client.post(f"/convenings/{world.convening.id}/actions/new", data=data)

    assert response.status_code == 400
    assert message in plain(response)
    assert db.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_bulk_form_creates_all_rows_or_none(client, auth, db, world):
    auth.sign_in(world.coordinator)
    url = f"/convenings/{world.convening.id}/actions/bulk"
    rows = {
        "rows-0-title": "Report takedown figures",
        "rows-0-owner_organisation_id": world.agency.id,
        "rows-0-due_on": "2030-06-01",
        "rows-1-title": "Embassy report on UK approach",
        "rows-1-owner_organisation_id": world.uninvited.id,
    }

    refused = client.post(url, data={**rows, "agenda_item_id": world.item.id})

    assert refused.status_code == 400
    page = plain(refused)
    assert "1 row needs correcting; no action was created." in page
    assert "Error in row 2: Choose an organisation invited" in page
    assert 'value="Report takedown figures"' in refused.get_data(as_text=True)  # kept
    assert db.scalar(select(func.count()).select_from(ActionItem)) == 0

    rows["rows-1-owner_organisation_id"] = world.company.id
    accepted = client.post(url, data={**rows, "agenda_item_id": world.item.id})

    assert accepted.status_code == 302
    actions = db.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    assert [(a.title, a.agenda_item_id) for a in actions] == [
        ("Report takedown figures", world.item.id),
        ("Embassy report on UK approach", world.item.id),
    ]


def test_edit_reassigns_and_records_it(client, auth, db, world, owned):
    auth.sign_in(world.organiser)

    response = client.post(
        f"/actions/{owned.id}/edit",
        data={
            "title": owned.title,
            "owner_organisation_id": world.agency.id,
            "owner_person": f"user-{world.coordinator.id}",
            "priority": "normal",
            "version": owned.version,
        },
    )

    assert response.status_code == 302
    action = fresh(db, owned)
    assert (action.owner_organisation_id, action.owner_user_id) == (
        world.agency.id,
        world.coordinator.id,
    )
    assert action.updates[-1].note == "Changed owner organisation, owner person."


def test_edit_from_a_stale_form_says_so(client, auth, db, world, owned):
    auth.sign_in(world.organiser)

    response = client.post(
        f"/actions/{owned.id}/edit",
        data={"title": "New title", "owner_organisation_id": world.company.id, "version": 0},
    )

    assert response.status_code == 409
    assert CHANGED_MEANWHILE in plain(response)
    assert fresh(db, owned).title == "Share counter-messaging pilot plan"


# My actions ------------------------------------------------------------------------------------


def test_my_actions_lists_own_across_convenings_outstanding_first(client, auth, make, world):
    make.invitation(world.later, world.agency, status=InvitationStatus.SENT)
    make.action(
        world.convening, "Done already", owner_organisation=world.company, status=ActionStatus.DONE
    )
    make.action(
        world.later,
        "Later and overdue",
        owner_organisation=world.company,
        due_on=date.today() - timedelta(days=3),
    )
    make.action(world.convening, "Someone else's", owner_organisation=world.agency)
    draft = make.convening("Secret draft", status=ConveningStatus.DRAFT)
    make.action(draft, "Draft convening's action", owner_organisation=world.company)
    auth.sign_in(world.company_user)

    response = client.get("/my/actions")

    page = plain(response)
    assert "Someone else's" not in page and "Draft convening's action" not in page
    assert page.index("Later and overdue") < page.index("Done already")
    assert "Washington meeting" in page and "Overdue" in page


def test_my_actions_for_someone_owning_nothing(client, auth, world):
    auth.sign_in(world.outsider)

    assert "Nothing is owned by you" in plain(client.get("/my/actions"))


# Query counts ----------------------------------------------------------------------------------


def _add_actions(db, world: World, number: int) -> None:
    for index in range(number):
        action = ActionItem(
            convening_id=world.convening.id,
            title=f"Bulk action {index}",
            owner_organisation_id=(world.company if index % 2 else world.agency).id,
            owner_user_id=world.organiser.id if index % 3 == 0 else None,
            owner_delegate_id=world.delegate.id if index % 5 == 0 else None,
            agenda_item_id=world.item.id,
            status=list(ActionStatus)[index % 5],
            due_on=date(2030, 1, 1) + timedelta(days=index),
        )
        action.updates.append(ActionUpdate(kind=ActionUpdateKind.CREATED, author_name="Test"))
        db.add(action)
    db.commit()


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("coordinator", "/convenings/{id}/actions"),
        ("company_user", "/convenings/{id}/actions"),
        ("company_user", "/my/actions"),
        ("coordinator", "/convenings/{id}/actions?status=outstanding&owner={company}"),
    ],
)
def test_action_lists_issue_the_same_queries_at_two_sizes(
    client, auth, db, world, count_queries, role, url
):
    auth.sign_in(getattr(world, role))
    address = url.format(id=world.convening.id, company=world.company.id)
    counts = []
    for number in (6, 60):
        _add_actions(db, world, number)
        with count_queries() as counter:
            response = client.get(address)
        assert response.status_code == 200
        counts.append(counter.count)

    assert counts[0] == counts[1]
