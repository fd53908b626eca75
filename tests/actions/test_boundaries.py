"""Action pages at their edges: odd ids, draft convenings, carrying over into another team's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordination.actions import reminders
from coordination.db import get_database
from coordination.models import ActionItem, ActionStatus, ConveningStatus, InvitationStatus

from .test_services import World, build
from .test_views import fresh, plain, switch

# Larger than any id, and larger than the database's integer can hold.
HUGE = "99999999999999999999999"


@pytest.fixture
def world(make, db) -> World:
    return build(make, db)


def count_actions(db) -> int:
    return db.scalar(select(func.count(ActionItem.id)))


@pytest.mark.parametrize(
    "fields",
    [
        {"owner_organisation_id": HUGE},
        {"agenda_item_id": HUGE},
        {"decision_id": HUGE},
        {"owner_person": f"user-{HUGE}"},
        {"owner_person": f"delegate-{HUGE}"},
        {"agenda_item_id": "²"},
        {"owner_person": "user-²"},
    ],
)
def test_new_action_with_odd_ids_is_refused_with_a_message(client, auth, db, world, fields):
    auth.sign_in(world.coordinator)
    before = count_actions(db)
    data = {"title": "Share the pilot plan", "owner_organisation_id": str(world.company.id)}

    response = client.post(f"/convenings/{world.convening.id}/actions/new", data={**data, **fields})

    assert response.status_code == 400
    assert "Choose" in plain(response)
    assert count_actions(db) == before


def test_edit_with_oversized_owner_person_changes_nothing(client, auth, db, make, world):
    action = make.action(world.convening, "Report figures", owner_organisation=world.company)
    auth.sign_in(world.coordinator)

    response = client.post(
        f"/actions/{action.id}/edit",
        data={
            "title": "Renamed",
            "owner_organisation_id": str(world.company.id),
            "owner_person": f"user-{HUGE}",
            "version": action.version,
        },
    )

    assert response.status_code == 400
    assert fresh(db, action).title == "Report figures"


def test_bulk_entry_with_oversized_ids_is_refused_with_a_message(client, auth, db, world):
    auth.sign_in(world.coordinator)
    before = count_actions(db)

    response = client.post(
        f"/convenings/{world.convening.id}/actions/bulk",
        data={
            "agenda_item_id": HUGE,
            "rows-0-title": "Share the pilot plan",
            "rows-0-owner_organisation_id": HUGE,
        },
    )

    assert response.status_code == 400
    assert "no action was created" in plain(response)
    assert count_actions(db) == before


@pytest.mark.parametrize("owner", [HUGE, "²"])
def test_convening_actions_filtered_by_odd_owner_still_list(client, auth, make, world, owner):
    make.action(world.convening, "Report figures", owner_organisation=world.company)
    auth.sign_in(world.coordinator)

    response = client.get(f"/convenings/{world.convening.id}/actions?owner={owner}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [f"/actions/{HUGE}", f"/actions/{HUGE}/edit", f"/organisations/{HUGE}/history"],
)
def test_oversized_ids_in_addresses_are_not_found(client, auth, world, path):
    auth.sign_in(world.coordinator)

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("argument", [f"agenda_item={HUGE}", "decision=²"])
def test_new_action_form_ignores_odd_preselection(client, auth, world, argument):
    auth.sign_in(world.coordinator)

    response = client.get(f"/convenings/{world.convening.id}/actions/new?{argument}")

    assert response.status_code == 200


# Drafts are the team's alone ------------------------------------------------------------------


@pytest.fixture
def drafted(make, db, world) -> ActionItem:
    """An action owned by the company in a convening the organisers have not published yet."""
    draft = make.convening(
        "Undisclosed meeting",
        status=ConveningStatus.DRAFT,
        organisers=(world.organiser,),
        coordinators=(world.coordinator,),
    )
    return make.action(draft, "Draft-only task", owner_organisation=world.company)


def test_participant_cannot_open_an_action_of_a_draft_convening(client, auth, world, drafted):
    auth.sign_in(world.company_user)

    response = client.get(f"/actions/{drafted.id}")

    assert response.status_code == 404
    assert "Undisclosed meeting" not in response.get_data(as_text=True)


def test_participant_cannot_update_an_action_of_a_draft_convening(client, auth, db, world, drafted):
    auth.sign_in(world.company_user)

    response = client.post(
        f"/actions/{drafted.id}/update",
        data={"status": "done", "note": "Done", "version": drafted.version},
    )

    assert response.status_code == 404
    assert fresh(db, drafted).status == ActionStatus.OPEN


def test_team_opens_an_action_of_its_draft_convening(client, auth, world, drafted):
    auth.sign_in(world.coordinator)

    assert client.get(f"/actions/{drafted.id}").status_code == 200


# Carrying over only into a convening whose team one is on ------------------------------------


@pytest.fixture
def other_team_next(make, world):
    """A convening of the series between the two, with a team of its own."""
    stranger = make.user(name="Sam Stranger")
    return make.convening(
        "Los Angeles meeting",
        series=world.series,
        starts_at=world.convening.starts_at + timedelta(days=7),
        coordinators=(stranger,),
    )


def test_coordinator_cannot_carry_over_into_another_teams_convening(
    client, auth, db, make, world, other_team_next
):
    action = make.action(world.convening, "Report figures", owner_organisation=world.company)
    auth.sign_in(world.coordinator)
    before = count_actions(db)

    response = client.post(
        f"/actions/{action.id}/carry-over", data={"version": action.version}, follow_redirects=True
    )

    assert "Only the team of Los Angeles meeting can carry actions over to it" in plain(response)
    assert count_actions(db) == before
    assert fresh(db, action).carried_over_at is None


def test_action_page_offers_no_carry_over_into_another_teams_convening(
    client, auth, make, world, other_team_next
):
    action = make.action(world.convening, "Report figures", owner_organisation=world.company)
    auth.sign_in(world.coordinator)

    response = client.get(f"/actions/{action.id}")

    assert "Carry over to Los Angeles meeting" not in plain(response)
    assert "ask its organisers to carry this action over" in plain(response)


def test_team_of_both_convenings_carries_over(client, auth, db, make, world, other_team_next):
    action = make.action(world.convening, "Report figures", owner_organisation=world.company)
    switch(auth, world.coordinator)
    other_team_next.team[0].user = world.coordinator
    db.commit()

    response = client.post(f"/actions/{action.id}/carry-over", data={"version": action.version})

    assert response.status_code == 302
    assert fresh(db, action).carried_over_at is not None


# Titles, notes and descriptions are text: escaped on pages, in emails ---------------------------

HOSTILE = "<script>alert(1)</script>"


def test_action_page_escapes_title_and_note_and_sanitises_description(client, auth, make, world):
    action = make.action(
        world.convening,
        f"Pilot {HOSTILE}",
        owner_organisation=world.company,
        description=f"**Plan** {HOSTILE} <img src=x onerror=alert(2)>",
    )
    auth.sign_in(world.company_user)
    client.post(
        f"/actions/{action.id}/update",
        data={"status": "open", "note": f"Note {HOSTILE}", "version": action.version},
    )

    page = client.get(f"/actions/{action.id}").get_data(as_text=True)

    assert "<script>" not in page and "onerror" not in page
    assert "Pilot &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Note &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>Plan</strong>" in page


def test_reminder_email_escapes_titles_in_its_html(app, make, world):
    focal = make.contact(world.uninvited, "Fay Focal", "fay@example.org")
    make.invitation(
        world.convening, world.uninvited, status=InvitationStatus.ACCEPTED, focal_point=focal
    )
    make.action(
        world.convening,
        f"Pilot {HOSTILE}",
        owner_organisation=world.uninvited,
        due_on=date.today() - timedelta(days=2),
    )

    with app.app_context(), get_database(app).session() as session:
        on = date.today()
        digest = next(
            d for d in reminders.owner_digests(session, on, 7) if d.key == "fay@example.org"
        )
        rendered = reminders.render(digest, on, 7)

    assert HOSTILE not in rendered.html
    assert "Pilot &lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert f"Pilot {HOSTILE}" in rendered.text
