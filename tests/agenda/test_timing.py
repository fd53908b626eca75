"""Computing agenda times: in order, anchored by fixed starts, across days and a DST change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from coordination.agenda.presenters import clocks, time_range
from coordination.agenda.timing import (
    BEFORE_START,
    FIXED_UNMET,
    OVERLAP,
    OVERRUN,
    compute,
    minutes_text,
)
from coordination.timezones import local_to_utc

from .helpers import utc

NEW_YORK = "America/New_York"


@dataclass
class Slot:
    id: int
    title: str
    duration_minutes: int
    fixed_start: datetime | None = None


def slots(*durations: int) -> list[Slot]:
    return [
        Slot(index + 1, f"Item {index + 1}", minutes) for index, minutes in enumerate(durations)
    ]


def spans(schedule) -> list[tuple[datetime, datetime]]:
    return [(entry.starts_at, entry.ends_at) for entry in schedule.items]


def test_compute_items_follow_each_other_from_the_convening_start():
    start = utc(2030, 1, 15, 15, 0)

    schedule = compute(slots(30, 45, 15), start, start + timedelta(hours=4), NEW_YORK)

    assert spans(schedule) == [
        (utc(2030, 1, 15, 15, 0), utc(2030, 1, 15, 15, 30)),
        (utc(2030, 1, 15, 15, 30), utc(2030, 1, 15, 16, 15)),
        (utc(2030, 1, 15, 16, 15), utc(2030, 1, 15, 16, 30)),
    ]
    assert schedule.warnings == []
    assert schedule.ends_at == utc(2030, 1, 15, 16, 30)


def test_compute_across_the_spring_forward_night_counts_elapsed_time():
    # Saturday 9 March 2030, 23:00 EST; clocks go from 02:00 EST to 03:00 EDT that night.
    start = local_to_utc(datetime(2030, 3, 9, 23, 0), NEW_YORK)

    schedule = compute(slots(120, 120, 60), start, start + timedelta(hours=6), NEW_YORK)

    assert [entry.starts_at for entry in schedule.items] == [
        utc(2030, 3, 10, 4, 0),
        utc(2030, 3, 10, 6, 0),
        utc(2030, 3, 10, 8, 0),
    ]
    shown = [time_range(entry.starts_at, entry.ends_at, NEW_YORK) for entry in schedule.items]
    assert shown == [
        "23:00\N{EN DASH}Sun 10 Mar 01:00 EST",
        "01:00 EST\N{EN DASH}04:00 EDT",
        "04:00\N{EN DASH}05:00 EDT",
    ]


def test_compute_across_the_fall_back_night_keeps_the_repeated_hour():
    # Sunday 3 November 2030: 02:00 EDT becomes 01:00 EST.
    start = local_to_utc(datetime(2030, 11, 3, 0, 30), NEW_YORK)

    schedule = compute(slots(60, 60, 60), start, start + timedelta(hours=4), NEW_YORK)

    shown = [time_range(entry.starts_at, entry.ends_at, NEW_YORK) for entry in schedule.items]
    assert shown == [
        "00:30\N{EN DASH}01:30 EDT",
        "01:30 EDT\N{EN DASH}01:30 EST",
        "01:30\N{EN DASH}02:30 EST",
    ]
    assert schedule.items[-1].ends_at - schedule.items[0].starts_at == timedelta(hours=3)


def test_compute_multi_day_agenda_names_each_new_day():
    start = local_to_utc(datetime(2030, 6, 3, 9, 0), NEW_YORK)
    day_two = local_to_utc(datetime(2030, 6, 4, 9, 0), NEW_YORK)
    items = slots(180, 600, 60, 90)
    items[2].fixed_start = day_two

    schedule = compute(items, start, start + timedelta(days=2), NEW_YORK)
    shown = clocks(spans(schedule), NEW_YORK)

    assert [clock.day for clock in shown] == [
        "Monday 03 June 2030",
        None,
        "Tuesday 04 June 2030",
        None,
    ]
    assert [clock.text for clock in shown] == [
        "09:00\N{EN DASH}12:00 EDT",
        "12:00\N{EN DASH}22:00 EDT",
        "09:00\N{EN DASH}10:00 EDT",
        "10:00\N{EN DASH}11:30 EDT",
    ]
    # The night between the days is free time before the fixed item, not a problem.
    assert schedule.items[2].gap_before == timedelta(hours=11)
    assert schedule.warnings == []


def test_compute_fixed_start_anchors_what_follows():
    start = utc(2030, 1, 15, 14, 0)
    items = slots(30, 30, 30)
    items[1].fixed_start = utc(2030, 1, 15, 15, 0)

    schedule = compute(items, start, start + timedelta(hours=3), NEW_YORK)

    assert spans(schedule)[1:] == [
        (utc(2030, 1, 15, 15, 0), utc(2030, 1, 15, 15, 30)),
        (utc(2030, 1, 15, 15, 30), utc(2030, 1, 15, 16, 0)),
    ]
    assert schedule.items[1].fixed and not schedule.items[2].fixed
    assert schedule.items[1].gap_before == timedelta(minutes=30)
    assert schedule.warnings == []


def test_compute_warns_when_the_agenda_overruns_the_convening():
    start = utc(2030, 1, 15, 14, 0)

    schedule = compute(slots(60, 60, 45), start, start + timedelta(hours=2), NEW_YORK)

    assert [w.code for w in schedule.warnings] == [OVERRUN]
    assert schedule.warnings[0].item_ids == (3,)
    assert "45 minutes past the convening's end" in schedule.warnings[0].message
    assert schedule.items[2].warnings == (OVERRUN,)


def test_compute_warns_when_a_fixed_start_cannot_be_met():
    start = utc(2030, 1, 15, 14, 0)
    items = slots(90, 30)
    items[1].fixed_start = utc(2030, 1, 15, 15, 0)

    schedule = compute(items, start, start + timedelta(hours=4), NEW_YORK)

    assert [w.code for w in schedule.warnings] == [FIXED_UNMET]
    warning = schedule.warnings[0]
    assert warning.item_ids == (1, 2)
    assert "“Item 2” cannot start at its fixed time, Tue 15 Jan, 10:00 EST" in warning.message
    assert "“Item 1” before it ends at Tue 15 Jan, 10:30 EST" in warning.message
    assert schedule.items[1].starts_at == utc(2030, 1, 15, 15, 0)


def test_compute_warns_of_items_overlapping_further_back():
    start = utc(2030, 1, 15, 14, 0)
    items = slots(60, 60, 30, 30)
    items[2].fixed_start = utc(2030, 1, 15, 14, 30)

    schedule = compute(items, start, start + timedelta(hours=4), NEW_YORK)

    codes = [(w.code, w.item_ids) for w in schedule.warnings]
    assert (FIXED_UNMET, (2, 3)) in codes
    assert (OVERLAP, (1, 3)) in codes
    # The item after the early fixed one runs into the second item too.
    assert (OVERLAP, (2, 4)) in codes
    assert OVERLAP in schedule.items[3].warnings


def test_compute_warns_of_a_fixed_start_before_the_convening():
    start = utc(2030, 1, 15, 14, 0)
    items = slots(30)
    items[0].fixed_start = utc(2030, 1, 15, 13, 0)

    schedule = compute(items, start, start + timedelta(hours=4), NEW_YORK)

    assert [w.code for w in schedule.warnings] == [BEFORE_START]


def test_compute_empty_agenda_ends_at_the_convening_start():
    start = utc(2030, 1, 15, 14, 0)

    schedule = compute([], start, start + timedelta(hours=1), NEW_YORK)

    assert schedule.items == [] and schedule.warnings == [] and schedule.ends_at == start


def test_clocks_show_a_second_zone_with_its_own_day():
    start = local_to_utc(datetime(2030, 1, 15, 20, 0), NEW_YORK)

    shown = clocks([(start, start + timedelta(hours=1))], NEW_YORK, "Europe/London")

    assert shown[0].text == "20:00\N{EN DASH}21:00 EST"
    assert shown[0].other == "Wed 16 Jan 01:00\N{EN DASH}02:00 GMT"


def test_minutes_text_reads_naturally():
    assert minutes_text(timedelta(minutes=45)) == "45 minutes"
    assert minutes_text(timedelta(minutes=61)) == "1 hour 1 minute"
    assert minutes_text(timedelta(days=1, hours=2)) == "1 day 2 hours"
