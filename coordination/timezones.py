"""Entering and showing times in a convening's own IANA zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


class LocalTimeError(ValueError):
    """A wall-clock time that cannot be placed in the zone."""


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """IANA zone names offered to people, without the legacy aliases."""
    return [
        *sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        ),
        "UTC",
    ]


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def is_known_zone(name: str) -> bool:
    # Looked up among the names, never opened: ZoneInfo("x" * 10000) raises OSError.
    return bool(name) and name in _known_zones()


def local_to_utc(wall_clock: datetime, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in the zone.

    A time skipped when clocks go forward is refused; a time that happens twice when
    clocks go back is taken as its first occurrence.
    """
    zone = ZoneInfo(zone_name)
    placed = wall_clock.replace(tzinfo=zone, fold=0)
    try:
        round_trip = placed.astimezone(UTC).astimezone(zone)
    except OverflowError:  # such as 31 December 9999, late, west of Greenwich
        raise LocalTimeError("Enter a real date and time, such as 2030-01-15 10:00.") from None
    if round_trip.replace(tzinfo=None) != wall_clock.replace(tzinfo=None):
        raise LocalTimeError(
            f"{wall_clock:%d %B %Y %H:%M} does not exist in {zone_name}: "
            "the clocks change then. Choose a time an hour later or earlier."
        )
    return placed.astimezone(UTC)


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))


def format_local(
    instant: datetime | None, zone_name: str, pattern: str = "%a %d %b %Y, %H:%M"
) -> str:
    """An instant as wall-clock text in the zone, with the zone's abbreviation."""
    if instant is None:
        return ""
    local = utc_to_local(instant, zone_name)
    return f"{local.strftime(pattern)} {local.tzname()}"
