"""The tracker's queries: scope, filters, sorting, the board, totals and CSV rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from coordination.actions import tracker, tracker_csv
from coordination.actions.tracker import TrackerFilters
from coordination.csv_export import csv_lines
from coordination.db import get_database
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    OrganisationKind,
)

# The world's convenings are in New York (the factory's zone): "today" is judged there.
TODAY = datetime.now(ZoneInfo("America/New_York")).date()
EVERYTHING = TrackerFilters()


@dataclass
class World:
    """A coordinator's two convenings (one in a series) and a convening of another team."""

    admin: object
    coordinator: object
    other_organiser: object
    participant: object
    series: object
    summit: object
    workshop: object
    elsewhere: object
    apple: object
    embassy: object
    ngo: object
    actions: dict


def build(make) -> World:
    coordinator = make.user(name="Colin Coordinator")
    other_organiser = make.user(name="Oona Elsewhere")
    admin = make.user(name="Alex Admin", is_admin=True)
    apple = make.organisation("Apple", kind=OrganisationKind.COMPANY)
    embassy = make.organisation("British Embassy", kind=OrganisationKind.EMBASSY)
    ngo = make.organisation("Peace Foundation", kind=OrganisationKind.COMMUNITY_GROUP)
    participant = make.participant(apple)
    series = make.series("Madison Valleywood")
    summit = make.convening(
        "Summit",
        coordinators=(coordinator,),
        series=series,
        starts_at=datetime(2016, 1, 8, 15, tzinfo=UTC),
    )
    workshop = make.convening(
        "Workshop", coordinators=(coordinator,), starts_at=datetime(2016, 2, 1, 15, tzinfo=UTC)
    )
    elsewhere = make.convening("Elsewhere", organisers=(other_organiser,))
    for convening in (summit, workshop):
        make.invitation(convening, apple)
        make.invitation(convening, embassy)
    owner = make.user(name="Zed Person")
    actions = {
        "pilot": make.action(
            summit,
            "Counter-messaging pilot",
            owner_organisation=apple,
            status=ActionStatus.IN_PROGRESS,
            priority=ActionPriority.URGENT,
            due_on=TODAY - timedelta(days=3),
        ),
        "figures": make.action(
            summit,
            "Takedown figures 100%",
            owner_organisation=embassy,
            status=ActionStatus.OPEN,
            priority=ActionPriority.HIGH,
            due_on=TODAY + timedelta(days=2),
        ),
        "report": make.action(
            summit,
            "Embassy report",
            owner_organisation=embassy,
            status=ActionStatus.DONE,
            due_on=TODAY - timedelta(days=10),
        ),
        "blocked": make.action(
            workshop,
            "Community toolkit",
            owner_organisation=ngo,
            status=ActionStatus.BLOCKED,
            priority=ActionPriority.LOW,
            due_on=TODAY + timedelta(days=6),
        ),
        "cancelled": make.action(
            workshop,
            "Abandoned idea",
            owner_organisation=apple,
            status=ActionStatus.CANCELLED,
            due_on=TODAY - timedelta(days=1),
        ),
        "personal": make.action(
            workshop,
            "Write to the studios",
            owner_user=owner,
            status=ActionStatus.OPEN,
            due_on=TODAY + timedelta(days=7),
        ),
        "undated": make.action(summit, "Someday", owner_organisation=apple),
        "hidden": make.action(
            elsewhere, "Another team's action", owner_organisation=apple, due_on=TODAY
        ),
    }
    # Carried over to the workshop: the predecessor lives on in its successor only.
    predecessor = make.action(
        summit,
        "Carried pilot",
        owner_organisation=apple,
        due_on=TODAY - timedelta(days=20),
        carried_over_at=datetime.now(UTC),
    )
    actions["successor"] = make.action(
        workshop,
        "Carried pilot",
        owner_organisation=apple,
        due_on=TODAY + timedelta(days=1),
        carried_from_id=predecessor.id,
    )
    actions["predecessor"] = predecessor
    return World(
        admin=admin,
        coordinator=coordinator,
        other_organiser=other_organiser,
        participant=participant,
        series=series,
        summit=summit,
        workshop=workshop,
        elsewhere=elsewhere,
        apple=apple,
        embassy=embassy,
        ngo=ngo,
        actions=actions,
    )


@pytest.fixture
def world(make) -> World:
    return build(make)


def bulk_actions(db, convening, organisation, count: int) -> None:
    """Many actions in one statement, spread over statuses and due dates."""
    statuses = list(ActionStatus)
    db.execute(
        insert(ActionItem),
        [
            {
                "convening_id": convening.id,
                "title": f"Bulk action {number}",
                "description": "",
                "owner_organisation_id": organisation.id,
                "status": statuses[number % len(statuses)],
                "priority": ActionPriority.NORMAL,
                "due_on": TODAY + timedelta(days=number % 20 - 10),
            }
            for number in range(count)
        ],
    )
    db.commit()


def scope_for(world: World, who: str) -> frozenset[int] | None:
    if who == "admin":
        return None
    return frozenset({world.summit.id, world.workshop.id})


def titles(db, world, filters=EVERYTHING, who="coordinator", per_page=100) -> list[str]:
    page = tracker.list_page(db, scope_for(world, who), filters, TODAY, 1, per_page)
    return [action.title for action in page.items]


def test_coordinator_sees_only_their_convenings_actions(db, world):
    shown = titles(db, world)

    assert "Another team's action" not in shown
    assert len(shown) == 8


def test_administrator_sees_every_convening(db, world):
    assert "Another team's action" in titles(db, world, who="admin")


def test_carried_over_predecessor_is_left_out(db, world):
    page = tracker.list_page(db, scope_for(world, "c"), EVERYTHING, TODAY, 1, 100)

    ids = {action.id for action in page.items}
    assert world.actions["successor"].id in ids
    assert world.actions["predecessor"].id not in ids


def test_someone_on_no_team_sees_nothing(db, world):
    page = tracker.list_page(db, frozenset(), EVERYTHING, TODAY, 1, 100)

    assert page.items == []
    assert page.total == 0


def test_filter_by_several_statuses(db, world):
    filters = TrackerFilters(statuses=frozenset({ActionStatus.BLOCKED, ActionStatus.DONE}))

    assert sorted(titles(db, world, filters)) == ["Community toolkit", "Embassy report"]


def test_filter_by_owner_organisation(db, world):
    filters = TrackerFilters(organisation_id=world.embassy.id)

    assert sorted(titles(db, world, filters)) == ["Embassy report", "Takedown figures 100%"]


def test_filter_by_organisation_kind(db, world):
    filters = TrackerFilters(organisation_kind=OrganisationKind.COMMUNITY_GROUP)

    assert titles(db, world, filters) == ["Community toolkit"]


def test_filter_by_convening(db, world):
    filters = TrackerFilters(convening_id=world.workshop.id)

    assert sorted(titles(db, world, filters)) == [
        "Abandoned idea",
        "Carried pilot",
        "Community toolkit",
        "Write to the studios",
    ]


def test_filter_by_series(db, world):
    filters = TrackerFilters(series_id=world.series.id)

    assert sorted(titles(db, world, filters)) == [
        "Counter-messaging pilot",
        "Embassy report",
        "Someday",
        "Takedown figures 100%",
    ]


def test_overdue_leaves_out_closed_undated_and_future_actions(db, world):
    assert titles(db, world, TrackerFilters(overdue=True)) == ["Counter-messaging pilot"]


def test_due_this_week_is_today_and_the_six_days_after(db, world):
    filters = TrackerFilters(due_this_week=True)

    # Due in 2, 6 and 1 days; the action due in 7 days falls outside the week.
    assert titles(db, world, filters) == [
        "Carried pilot",
        "Takedown figures 100%",
        "Community toolkit",
    ]


def test_text_filter_is_case_insensitive_and_literal(db, world):
    assert titles(db, world, TrackerFilters(text="PILOT")) == [
        "Counter-messaging pilot",
        "Carried pilot",
    ]
    assert titles(db, world, TrackerFilters(text="100%")) == ["Takedown figures 100%"]
    assert titles(db, world, TrackerFilters(text="%")) == ["Takedown figures 100%"]


def test_filters_combine(db, world):
    filters = TrackerFilters(
        statuses=frozenset({ActionStatus.OPEN}), organisation_id=world.apple.id
    )

    assert sorted(titles(db, world, filters)) == ["Carried pilot", "Someday"]


def test_default_sort_is_due_date_with_undated_last(db, world):
    shown = titles(db, world)

    assert shown[0] == "Embassy report"
    assert shown[-1] == "Someday"


def test_sort_by_priority_puts_urgent_first_and_low_last(db, world):
    shown = titles(db, world, TrackerFilters(sort="priority"))

    assert shown[0] == "Counter-messaging pilot"
    assert shown[1] == "Takedown figures 100%"
    assert shown[-1] == "Community toolkit"


def test_sort_by_owner_uses_organisation_or_person(db, world):
    shown = titles(db, world, TrackerFilters(sort="owner"))

    assert shown[0] in {"Counter-messaging pilot", "Abandoned idea", "Someday", "Carried pilot"}
    assert shown[-1] == "Write to the studios"


def test_sort_by_status_follows_the_workflow(db, world):
    page = tracker.list_page(
        db, scope_for(world, "c"), TrackerFilters(sort="status"), TODAY, 1, 100
    )

    statuses = [action.status for action in page.items]
    order = list(tracker.BOARD_STATUSES)
    assert statuses == sorted(statuses, key=order.index)


def test_sort_by_convening_puts_the_latest_first(db, world):
    page = tracker.list_page(
        db, scope_for(world, "c"), TrackerFilters(sort="convening"), TODAY, 1, 100
    )

    assert page.items[0].convening_id == world.workshop.id
    assert page.items[-1].convening_id == world.summit.id


def test_sort_by_updated_puts_the_latest_change_first(db, world):
    report = world.actions["report"]
    report.updated_at = datetime.now(UTC) + timedelta(hours=1)
    db.commit()

    assert titles(db, world, TrackerFilters(sort="updated"))[0] == "Embassy report"


def test_list_is_paginated(db, world):
    page = tracker.list_page(db, scope_for(world, "c"), EVERYTHING, TODAY, 2, 3)

    assert page.total == 8
    assert page.pages == 3
    assert len(page.items) == 3


def test_board_counts_every_card_and_caps_each_column(db, world):
    bulk_actions(db, world.summit, world.ngo, 50)

    columns = tracker.board(db, scope_for(world, "c"), EVERYTHING, TODAY, limit=4)

    by_status = {column.status: column for column in columns}
    assert [column.status for column in columns] == list(tracker.BOARD_STATUSES)
    assert by_status[ActionStatus.OPEN].count == 4 + 10
    assert len(by_status[ActionStatus.OPEN].cards) == 4
    assert by_status[ActionStatus.OPEN].more == 10
    assert all(card.status == ActionStatus.OPEN for card in by_status[ActionStatus.OPEN].cards)


def test_board_shows_only_the_chosen_statuses(db, world):
    filters = TrackerFilters(statuses=frozenset({ActionStatus.BLOCKED}))

    columns = tracker.board(db, scope_for(world, "c"), filters, TODAY)

    assert [(c.status, c.count, [a.title for a in c.cards]) for c in columns] == [
        (ActionStatus.BLOCKED, 1, ["Community toolkit"])
    ]


def test_totals_per_organisation_count_each_status_and_overdue(db, world):
    page, total = tracker.organisation_totals(db, scope_for(world, "c"), EVERYTHING, TODAY, 1, 25)

    rows = {
        row.name: (
            row.open,
            row.in_progress,
            row.blocked,
            row.overdue,
            row.done,
            row.cancelled,
            row.total,
        )
        for row in page.items
    }
    assert rows == {
        "Apple": (2, 1, 0, 1, 0, 1, 4),
        "British Embassy": (1, 0, 0, 0, 1, 0, 2),
        "Peace Foundation": (0, 0, 1, 0, 0, 0, 1),
        None: (1, 0, 0, 0, 0, 0, 1),
    }
    assert [row.name for row in page.items][-1] is None
    assert (total.open, total.overdue, total.total) == (4, 1, 8)


def test_filter_options_offer_only_what_is_in_scope(db, world):
    options = tracker.filter_options(db, scope_for(world, "c"))

    assert [o.label.split(" (")[0] for o in options.convenings] == ["Workshop", "Summit"]
    assert [o.label for o in options.series] == ["Madison Valleywood"]
    assert [o.label for o in options.organisations] == [
        "Apple",
        "British Embassy",
        "Peace Foundation",
    ]


def test_csv_rows_carry_every_match_in_order(app, world):
    # Rows stream through a server-side cursor on PostgreSQL, which needs a transaction: read
    # them in an application session, as the export does, not the autocommitting test session.
    with get_database(app).session(write=False) as session:
        rows = list(
            tracker_csv.csv_rows(
                session, scope_for(world, "c"), TrackerFilters(overdue=True), TODAY
            )
        )

    assert rows[0] == list(tracker_csv.CSV_COLUMNS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["title"] == "Counter-messaging pilot"
    assert row["status"] == "In progress"
    assert row["priority"] == "Urgent"
    assert row["overdue"] == "yes"
    assert row["convening"] == "Summit"
    assert row["series"] == "Madison Valleywood"
    assert row["owner_organisation"] == "Apple"
    assert row["organisation_kind"] == "Company"


def test_csv_lines_escape_formulas(db, world):
    lines = list(csv_lines(iter([["title"], ['=HYPERLINK("x")'], ["-1"]])))

    assert lines[0] == "\ufeff"
    assert lines[2] == '"\'=HYPERLINK(""x"")"\r\n'
    assert lines[3] == "'-1\r\n"
