"""Reading .ics text with two independent parsers: icalendar (Python) and ical.js (Node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PARSE_ICS = PROJECT_ROOT / "tests" / "tools" / "parse_ics.mjs"


def _addresses(event, name: str) -> list:
    value = event.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _address(address) -> dict:
    params = address.params
    return {
        "value": str(address),
        "cn": params.get("CN"),
        "partstat": params.get("PARTSTAT"),
        "role": params.get("ROLE"),
        "rsvp": params.get("RSVP"),
    }


def read_with_icalendar(text: str) -> dict:
    """The calendar as icalendar reads it, in the shape parse_ics.mjs prints.

    Each instant is placed twice, by the TZID's zone in Python's database and by the
    VTIMEZONE written in the file; the two must agree.
    """
    calendar = Calendar.from_ical(text)
    zones = {
        str(zone["TZID"]): zone.to_tz(lookup_tzid=False) for zone in calendar.walk("VTIMEZONE")
    }

    def instant(prop) -> dict | None:
        if prop is None:
            return None
        value, tzid = prop.dt, prop.params.get("TZID")
        utc = value.astimezone(UTC)
        if tzid:
            by_file = value.replace(tzinfo=zones[tzid]).astimezone(UTC)
            assert by_file == utc, f"VTIMEZONE {tzid} places {value} at {by_file}, not {utc}"
        return {"utc": utc, "tzid": tzid}

    events = [
        {
            "uid": str(event["UID"]),
            "sequence": int(event["SEQUENCE"]),
            "summary": str(event["SUMMARY"]),
            "status": str(event["STATUS"]),
            "dtstart": instant(event.get("DTSTART")),
            "dtend": instant(event.get("DTEND")),
            "organizer": _address(event["ORGANIZER"]),
            "attendees": [_address(a) for a in _addresses(event, "ATTENDEE")],
        }
        for event in calendar.walk("VEVENT")
    ]
    return {
        "method": str(calendar["METHOD"]) if "METHOD" in calendar else None,
        "version": str(calendar["VERSION"]),
        "timezones": sorted(zones),
        "events": events,
    }


def read_todos_with_icalendar(text: str) -> list[dict]:
    """The calendar's to-dos as icalendar reads them, in the shape parse_ics.mjs prints."""
    calendar = Calendar.from_ical(text)
    todos = []
    for todo in calendar.walk("VTODO"):
        due = todo.get("DUE")
        completed = todo.get("COMPLETED")
        todos.append(
            {
                "uid": str(todo["UID"]),
                "summary": str(todo["SUMMARY"]),
                "description": str(todo.get("DESCRIPTION", "")),
                "status": str(todo["STATUS"]),
                "priority": int(todo["PRIORITY"]),
                "url": str(todo["URL"]),
                "due": due.dt if due is not None else None,
                "due_is_date": due is not None and due.params.get("VALUE") == "DATE",
                "completed": completed.dt.astimezone(UTC) if completed is not None else None,
            }
        )
    return todos


def read_with_icaljs(paths: list[Path]) -> dict[str, dict]:
    """Every file as ical.js reads it (one Node process for the batch), by path.

    The process runs in a zone far from all the tests' zones, so a time that ical.js
    took as floating (local) could not pass for the right instant by accident.
    """
    node = shutil.which("node")
    assert node, "node is needed for the calendar checks: `make install-test` installs it"
    assert (PROJECT_ROOT / "node_modules" / "ical.js").is_dir(), (
        "ical.js is missing: run `npm ci --ignore-scripts` (make install-test does)"
    )
    completed = subprocess.run(
        [node, str(PARSE_ICS), *map(str, paths)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TZ": "Pacific/Chatham"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    results = {}
    for result in json.loads(completed.stdout):
        assert "error" not in result, f"ical.js could not read {result['file']}: {result['error']}"
        for event in result["events"]:
            for key in ("dtstart", "dtend"):
                if event[key] is not None:
                    event[key]["utc"] = datetime.fromisoformat(event[key]["utc"])
        results[result["file"]] = result
    return results
