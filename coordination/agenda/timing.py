"""An agenda's times: each item starts when the one before it ends, unless its start is fixed.

Everything is computed in UTC, so durations are elapsed time and a daylight-saving change
or midnight in the convening's zone needs no special handling; zones are for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..timezones import format_local

OVERRUN = "overrun"
FIXED_UNMET = "fixed_unmet"
OVERLAP = "overlap"
BEFORE_START = "before_start"


class Timeable(Protocol):
    id: int
    title: str
    duration_minutes: int
    fixed_start: datetime | None


@dataclass(frozen=True)
class TimedItem:
    item: Any
    starts_at: datetime
    ends_at: datetime
    # Free time between the end of what came before (or the convening's start) and this start.
    gap_before: timedelta
    fixed: bool
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimingWarning:
    code: str
    message: str
    item_ids: tuple[int, ...]


@dataclass(frozen=True)
class Schedule:
    items: list[TimedItem]
    warnings: list[TimingWarning]
    ends_at: datetime

    def warnings_for(self, item_id: int) -> list[TimingWarning]:
        return [warning for warning in self.warnings if item_id in warning.item_ids]


def minutes_text(delta: timedelta) -> str:
    """A length of time as people say it: 45 minutes, 1 hour 30 minutes, 2 days 1 hour."""
    total = int(delta.total_seconds() // 60)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts) or "0 minutes"


def _at(instant: datetime, zone: str) -> str:
    return format_local(instant, zone, "%a %d %b, %H:%M")


def compute(
    items: Sequence[Timeable], starts_at: datetime, ends_at: datetime, zone: str
) -> Schedule:
    """Each item's start and end, with the problems a builder should be warned about."""
    timed: list[TimedItem] = []
    warnings: list[TimingWarning] = []
    flags: dict[int, list[str]] = {}
    cursor = starts_at
    for index, item in enumerate(items):
        start = item.fixed_start or cursor
        end = start + timedelta(minutes=item.duration_minutes)
        item_flags = flags.setdefault(index, [])
        if item.fixed_start is not None and item.fixed_start < starts_at:
            item_flags.append(BEFORE_START)
            warnings.append(
                TimingWarning(
                    BEFORE_START,
                    f"“{item.title}” is fixed to start at {_at(start, zone)}, before the "
                    f"convening starts at {_at(starts_at, zone)}.",
                    (item.id,),
                )
            )
        if index and item.fixed_start is not None and item.fixed_start < cursor:
            previous = timed[-1]
            item_flags.append(FIXED_UNMET)
            warnings.append(
                TimingWarning(
                    FIXED_UNMET,
                    f"“{item.title}” cannot start at its fixed time, {_at(start, zone)}: "
                    f"“{previous.item.title}” before it ends at {_at(previous.ends_at, zone)}.",
                    (previous.item.id, item.id),
                )
            )
        for earlier_index, earlier in enumerate(timed):
            adjacent_and_explained = earlier_index == index - 1 and FIXED_UNMET in item_flags
            if earlier.starts_at < end and start < earlier.ends_at and not adjacent_and_explained:
                item_flags.append(OVERLAP)
                flags[earlier_index].append(OVERLAP)
                warnings.append(
                    TimingWarning(
                        OVERLAP,
                        f"“{item.title}” ({_at(start, zone)}) overlaps “{earlier.item.title}” "
                        f"({_at(earlier.starts_at, zone)} to {_at(earlier.ends_at, zone)}).",
                        (earlier.item.id, item.id),
                    )
                )
        previous_end = timed[-1].ends_at if timed else starts_at
        gap = start - previous_end if start > previous_end else timedelta(0)
        timed.append(TimedItem(item, start, end, gap, item.fixed_start is not None))
        cursor = end
    last_end = max((entry.ends_at for entry in timed), default=starts_at)
    late = [entry for entry in timed if entry.ends_at > ends_at]
    if late:
        for index, entry in enumerate(timed):
            if entry.ends_at > ends_at:
                flags[index].append(OVERRUN)
        warnings.insert(
            0,
            TimingWarning(
                OVERRUN,
                f"The agenda runs until {_at(last_end, zone)}, "
                f"{minutes_text(last_end - ends_at)} past the convening's end at "
                f"{_at(ends_at, zone)}.",
                tuple(entry.item.id for entry in late),
            ),
        )
    finished = [
        TimedItem(
            entry.item,
            entry.starts_at,
            entry.ends_at,
            entry.gap_before,
            entry.fixed,
            tuple(dict.fromkeys(flags.get(index, []))),
        )
        for index, entry in enumerate(timed)
    ]
    return Schedule(finished, warnings, last_end)
