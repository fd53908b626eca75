"""The tracker's pages: list, board, CSV and totals, as coordinators and others see them."""

from __future__ import annotations

import csv
import io

import pytest

from coordination.models import ActionStatus

from .test_tracker import World, build, bulk_actions


@pytest.fixture
def world(make) -> World:
    return build(make)


PAGES = ["/tracker", "/tracker/board", "/tracker.csv", "/tracker/organisations"]


def text(response) -> str:
    return response.get_data(as_text=True)


def csv_rows(response) -> list[dict]:
    body = text(response)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_list_shows_the_coordinators_actions_with_links_to_each(client, auth, world):
    auth.sign_in(world.coordinator)

    page = text(client.get("/tracker"))

    assert "Counter-messaging pilot" in page
    assert f'href="/actions/{world.actions["pilot"].id}"' in page
    assert "Another team&#39;s action" not in page
    assert "Overdue" in page


def test_list_filters_by_query_string(client, auth, world):
    auth.sign_in(world.coordinator)

    page = text(client.get(f"/tracker?status=open&status=blocked&organisation={world.embassy.id}"))

    assert "Takedown figures 100%" in page
    assert "Embassy report" not in page
    assert "Community toolkit" not in page
    assert '<input checked id="status-2" name="status" type="checkbox" value="blocked">' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=finished", "Choose statuses from those listed."),
        ("convening=abc", "Choose a convening from the list."),
        ("kind=spaceship", "Choose a kind of organisation from the list."),
        ("series=99999", "Choose a series from the list."),
        ("organisation=1e9", "Choose an organisation from the list."),
        ("sort=random()", "Choose an order from the list."),
        ("q=" + "x" * 300, "Use at most 200 characters."),
    ],
)
def test_invalid_filters_say_what_is_wrong_and_show_nothing(client, auth, world, query, message):
    auth.sign_in(world.coordinator)

    for path in ("/tracker", "/tracker/board", "/tracker/organisations"):
        response = client.get(f"{path}?{query}")

        assert response.status_code == 400
        assert message in text(response)
        assert "Counter-messaging pilot" not in text(response)
    export = client.get(f"/tracker.csv?{query}")
    assert export.status_code == 400
    assert "could not be used" in text(export)


def test_another_teams_convening_cannot_be_chosen(client, auth, world):
    auth.sign_in(world.coordinator)

    response = client.get(f"/tracker?convening={world.elsewhere.id}")

    assert response.status_code == 400
    assert "Choose a convening from the list." in text(response)
    assert "Another team" not in text(response)


def test_board_has_a_column_per_status_with_counts(client, auth, world):
    auth.sign_in(world.coordinator)

    page = text(client.get("/tracker/board"))

    for label, count in [
        ("Open", 4),
        ("In progress", 1),
        ("Blocked", 1),
        ("Done", 1),
        ("Cancelled", 1),
    ]:
        assert f'{label} <span class="tracker-count">({count})</span>' in page
    assert f'href="/actions/{world.actions["blocked"].id}"' in page


def test_board_links_the_rest_of_a_full_column_to_the_list(client, auth, db, world):
    bulk_actions(db, world.summit, world.ngo, 150)
    auth.sign_in(world.coordinator)

    page = text(client.get(f"/tracker/board?series={world.series.id}"))

    # 30 of the bulk actions are open, plus "Takedown figures" and "Someday"; 20 are shown.
    assert "12 more open actions in the list" in page
    assert f"/tracker?series={world.series.id}&amp;status=open" in page


def test_csv_carries_every_matching_action_with_escaped_cells(client, auth, db, world):
    world.actions["undated"].title = "=cmd|' /C calc'!A0"
    db.commit()
    auth.sign_in(world.coordinator)

    response = client.get(f"/tracker.csv?organisation={world.apple.id}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="actions-')
    rows = csv_rows(response)
    assert sorted(row["title"] for row in rows) == [
        "'=cmd|' /C calc'!A0",
        "Abandoned idea",
        "Carried pilot",
        "Counter-messaging pilot",
    ]
    assert {row["owner_organisation"] for row in rows} == {"Apple"}


def test_csv_streams_all_rows_beyond_one_page(client, auth, db, world):
    bulk_actions(db, world.summit, world.ngo, 120)
    auth.sign_in(world.coordinator)

    rows = csv_rows(client.get(f"/tracker.csv?organisation={world.ngo.id}"))

    assert len(rows) == 121


def test_totals_page_shows_each_organisations_figures(client, auth, world):
    auth.sign_in(world.coordinator)

    page = text(client.get("/tracker/organisations"))

    assert "Apple" in page
    assert "Owned by a person only" in page
    assert f"/tracker?organisation={world.apple.id}" in page
    assert "All organisations" in page


def test_participant_is_refused_and_sees_no_tracker_link(client, auth, world):
    auth.sign_in(world.participant)

    assert client.get("/tracker").status_code == 403
    assert 'href="/tracker"' not in text(client.get("/"))


def test_team_member_sees_the_tracker_in_the_navigation(client, auth, world):
    auth.sign_in(world.coordinator)

    assert 'href="/tracker"' in text(client.get("/tracker/organisations"))


def test_tracker_pages_change_nothing_and_work_without_filters_for_admin(client, auth, world):
    auth.sign_in(world.admin)

    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Another team" in text(client.get("/tracker"))


@pytest.mark.parametrize("path", PAGES)
def test_query_count_does_not_grow_with_actions(client, auth, db, world, count_queries, path):
    auth.sign_in(world.coordinator)
    query = f"?status=open&status=done&series={world.series.id}&sort=owner"

    def queries_for(total: int) -> int:
        with count_queries() as counter:
            response = client.get(path + query)
            assert response.status_code == 200
            response.get_data()
        return counter.count

    bulk_actions(db, world.summit, world.ngo, 10)
    small = queries_for(10)
    bulk_actions(db, world.summit, world.embassy, 990)
    large = queries_for(1000)

    assert small == large


def test_done_filter_shows_closed_actions(client, auth, world):
    auth.sign_in(world.coordinator)

    page = text(client.get(f"/tracker?status={ActionStatus.DONE.value}"))

    assert "Embassy report" in page
    assert "Counter-messaging pilot" not in page
