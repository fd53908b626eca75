"""Reading calendar replies out of a delivered message, whatever program wrote it."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

from icalendar import Calendar

# What calendar programs write in PARTSTAT, mapped to the answers we know; anything else
# (NEEDS-ACTION, IN-PROCESS, X-...) answers nothing.
_PARTSTATS = {
    "ACCEPTED": "ACCEPTED",
    "ACCEPT": "ACCEPTED",
    "YES": "ACCEPTED",
    "TENTATIVE": "TENTATIVE",
    "TENTATIVELY-ACCEPTED": "TENTATIVE",
    "TENTATIVELYACCEPTED": "TENTATIVE",
    "MAYBE": "TENTATIVE",
    "DECLINED": "DECLINED",
    "DECLINE": "DECLINED",
    "NO": "DECLINED",
    "DELEGATED": "DELEGATED",
}


@dataclass(frozen=True)
class CalendarReply:
    """One VEVENT of a calendar part: what it answers and how."""

    method: str
    uid: str
    attendee: str
    partstat: str
    sequence: int
    comment: str
    proposal: str


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def calendar_parts(message: EmailMessage) -> list[str]:
    """The text of every text/calendar part, also inside alternatives and forwarded messages."""
    texts = []
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            texts.append(payload.decode(charset, errors="replace"))
        except LookupError:
            texts.append(payload.decode("utf-8", errors="replace"))
    return texts


def normal_partstat(value: str) -> str:
    cleaned = "".join(str(value).split()).upper().replace("_", "-")
    return _PARTSTATS.get(cleaned, "")


def _mailto(value) -> str:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def replies_in(text: str) -> list[CalendarReply]:
    """The replies of one calendar text; ValueError when it is not iCalendar."""
    calendar = Calendar.from_ical(text)
    method = str(calendar.get("method", "")).strip().upper()
    found = []
    for event in calendar.walk("VEVENT"):
        attendees = event.get("attendee") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        try:
            sequence = int(str(event.get("sequence", 0)))
        except ValueError:
            sequence = 0
        comment = str(event.get("comment", "") or "").strip()
        proposal = ""
        if method == "COUNTER" and "dtstart" in event:
            proposal = f"proposes {event.decoded('dtstart').isoformat()}"
        for attendee in attendees:
            partstat = normal_partstat(getattr(attendee, "params", {}).get("PARTSTAT", ""))
            delegated_to = getattr(attendee, "params", {}).get("DELEGATED-TO")
            if delegated_to:
                proposal = f"delegates to {_mailto(delegated_to)}"
            found.append(
                CalendarReply(
                    method=method,
                    uid=str(event.get("uid", "")).strip(),
                    attendee=_mailto(attendee),
                    partstat=partstat,
                    sequence=sequence,
                    comment=comment,
                    proposal=proposal,
                )
            )
    return found
