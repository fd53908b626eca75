"""Composing the email of an outbox row: headers that user text cannot break, MIME parts."""

from __future__ import annotations

import re
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from ..models import OutboxMessage, utcnow

CALENDAR_METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "CANCEL", "COUNTER", "REFRESH"})
# An addr-spec without anything that could start a second address or a header.
_ADDR_SPEC = re.compile(r"[^\s@<>()\[\],;:\\\"]+@[^\s@<>()\[\],;:\\\"]+")
_NAMED_ADDRESS = re.compile(r"(?P<name>[^<>\r\n]*?)\s*<(?P<address>[^<>]*)>")


class PermanentFailure(Exception):
    """The message can never be delivered as it stands (a bad address, a 5xx reply)."""


def one_line(text: str) -> str:
    """Header text with no line breaks, so user input cannot add headers."""
    return " ".join(text.split())


def mailbox(text: str) -> Address:
    """One address, bare or as ``Name <address>``; anything else is refused."""
    text = one_line(text)
    named = _NAMED_ADDRESS.fullmatch(text)
    name, address = (named["name"].strip().strip('"'), named["address"]) if named else ("", text)
    if not _ADDR_SPEC.fullmatch(address):
        raise PermanentFailure(f"Not a single email address: {text[:200]!r}")
    try:
        return Address(display_name=name, addr_spec=address)
    except (ValueError, HeaderParseError) as error:
        raise PermanentFailure(f"Not a usable email address: {text[:200]!r}") from error


def sender_address(config) -> str:
    return config["MAIL_SENDER"] or "coordination <no-reply@coordination.invalid>"


def message_id(message: OutboxMessage, config) -> str:
    """A Message-ID fixed for the row, so a copy sent again is recognised as the same."""
    domain = urlsplit(config["BASE_URL"]).hostname or "coordination.invalid"
    return f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"


def compose(message: OutboxMessage, config) -> tuple[EmailMessage, Address, list[Address]]:
    """The email for a committed outbox row, with its envelope sender and recipients.

    Text and HTML are alternatives; a calendar (text/calendar with its METHOD) is a further
    alternative, which calendar programs act on, and also an invitation.ics attachment for
    programs that only offer attachments. The attachment is application/ics, as the large
    calendar services send it, so no program sees two iTIP parts and acts twice.
    """
    try:
        sender = mailbox(sender_address(config))
    except PermanentFailure as error:
        raise ValueError(f"MAIL_SENDER is not usable: {error}") from error
    recipients = [mailbox(address) for address in message.recipients]
    if not recipients:
        raise PermanentFailure("The message has no recipients.")
    email = EmailMessage(policy=policy.SMTP)
    email["From"] = sender
    email["To"] = recipients
    email["Subject"] = one_line(message.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message, config)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    calendars = [a for a in message.attachments if a["content_type"] == "text/calendar"]
    for calendar in calendars:
        method = str(calendar.get("params", {}).get("method", "")).upper()
        if method not in CALENDAR_METHODS:
            raise PermanentFailure(f"Unknown calendar method {method[:20]!r}.")
        email.add_alternative(calendar["content"], subtype="calendar", params={"method": method})
    for attachment in message.attachments:
        _attach(email, attachment, is_calendar=any(attachment is c for c in calendars))
    return email, sender, recipients


def _attach(email: EmailMessage, attachment: dict, is_calendar: bool) -> None:
    filename = one_line(attachment["filename"])
    content = attachment["content"]
    if is_calendar:
        email.add_attachment(
            content.encode("utf-8"), maintype="application", subtype="ics", filename=filename
        )
        return
    maintype, _, subtype = attachment["content_type"].partition("/")
    params = dict(attachment.get("params", {}))
    if maintype == "text":
        email.add_attachment(content, subtype=subtype, filename=filename, params=params)
    else:
        email.add_attachment(
            content.encode("utf-8"), maintype, subtype, filename=filename, params=params
        )
