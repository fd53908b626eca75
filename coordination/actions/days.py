"""Today on each convening's own calendar: a due date is a day where the convening is held.

Pages that list one convening's actions compare due dates with that convening's date. Pages and
digests that span convenings in several zones (the tracker, the reminders) judge each action by
its own convening's date too, so an action is overdue on every page at the same moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from ..models import ActionItem, Convening, utcnow


@dataclass(frozen=True)
class Today:
    """The moment "today" is taken at, or a day fixed for every zone (a reminder run's --date)."""

    moment: datetime | None = None
    fixed: date | None = None
    # The zones of the convenings a query spans, for building per-zone SQL conditions.
    zones: tuple[str, ...] = ()

    @classmethod
    def now(cls, moment: datetime | None = None) -> Today:
        return cls(moment=moment or utcnow())

    @classmethod
    def on(cls, day: date) -> Today:
        return cls(fixed=day)

    @classmethod
    def coerce(cls, value: Today | date) -> Today:
        return value if isinstance(value, Today) else cls.on(value)

    def with_zones(self, zones: Iterable[str]) -> Today:
        return replace(self, zones=tuple(sorted(set(zones))))

    @property
    def reference(self) -> date:
        """The day of the run itself (UTC), for names and bookkeeping rather than judging."""
        if self.fixed is not None:
            return self.fixed
        return self.moment.astimezone(UTC).date()

    def in_zone(self, zone: str) -> date:
        if self.fixed is not None:
            return self.fixed
        return self.moment.astimezone(ZoneInfo(zone)).date()

    def of(self, action: ActionItem) -> date:
        return self.in_zone(action.convening.timezone)

    def overdue(self, action: ActionItem) -> bool:
        return action.is_overdue(self.of(action))

    def per_zone(self, build: Callable[[date], ColumnElement]) -> ColumnElement:
        """``build(today)`` for each action, with today taken in its convening's zone.

        The query must join Convening. Zones sharing a date are grouped, so the condition has
        at most three branches whatever the number of zones.
        """
        if self.fixed is not None:
            return build(self.fixed)
        by_day: dict[date, list[str]] = {}
        for zone in self.zones:
            by_day.setdefault(self.in_zone(zone), []).append(zone)
        if not by_day:
            return false()
        return or_(
            *(
                and_(Convening.timezone.in_(zones), build(day))
                for day, zones in sorted(by_day.items())
            )
        )
