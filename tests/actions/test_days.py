""" "Today" is each convening's own date, on every page and digest that spans convenings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from coordination.actions import reminders, tracker
from coordination.actions.days import Today
from coordination.actions.tracker import TrackerFilters

# 20:00 UTC on 10 March: already 11 March in Auckland, still 10 March in Los Angeles.
MOMENT = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
DUE = date(2027, 3, 10)


def two_zones(make):
    organiser = make.user(name="Olive Organiser")
    auckland = make.convening(
        "Auckland meeting", timezone="Pacific/Auckland", organisers=(organiser,)
    )
    los_angeles = make.convening(
        "Los Angeles meeting", timezone="America/Los_Angeles", organisers=(organiser,)
    )
    late = make.action(auckland, "Due yesterday in Auckland", due_on=DUE)
    on_time = make.action(los_angeles, "Due today in Los Angeles", due_on=DUE)
    return organiser, late, on_time


def test_today_differs_by_the_convenings_zone(make):
    _organiser, late, on_time = two_zones(make)
    today = Today.now(MOMENT)

    assert today.of(late) == date(2027, 3, 11)
    assert today.of(on_time) == date(2027, 3, 10)
    assert today.overdue(late) is True
    assert today.overdue(on_time) is False


def test_tracker_overdue_filter_judges_each_action_on_its_convenings_date(db, make):
    _organiser, late, _on_time = two_zones(make)
    today = Today.now(MOMENT).with_zones(["Pacific/Auckland", "America/Los_Angeles"])

    page = tracker.list_page(db, None, TrackerFilters(overdue=True), today, 1, 25)

    assert [action.title for action in page.items] == [late.title]


def test_tracker_due_this_week_starts_from_each_convenings_date(db, make):
    _organiser, _late, on_time = two_zones(make)
    today = Today.now(MOMENT).with_zones(["Pacific/Auckland", "America/Los_Angeles"])

    page = tracker.list_page(db, None, TrackerFilters(due_this_week=True), today, 1, 25)

    assert [action.title for action in page.items] == [on_time.title]


def test_team_digest_lists_only_what_is_overdue_on_its_convenings_date(app_context, db, make):
    organiser, late, _on_time = two_zones(make)

    digests = reminders.team_digests(db, Today.now(MOMENT))

    assert [digest.email for digest in digests] == [organiser.email]
    assert [line.action.title for line in digests[0].lines] == [late.title]


def test_a_fixed_day_is_the_same_in_every_zone(make):
    _organiser, late, on_time = two_zones(make)
    today = Today.on(date(2027, 3, 11))

    assert today.overdue(late) is True
    assert today.overdue(on_time) is True
