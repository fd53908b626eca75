"""Turning stored values into what people read."""

from __future__ import annotations

from datetime import datetime

from ..timezones import utc_to_local


def utc_offset(instant: datetime, zone_name: str) -> str:
    """The zone's offset from UTC at that instant, written with a true minus sign."""
    offset = utc_to_local(instant, zone_name).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "\N{MINUS SIGN}"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
