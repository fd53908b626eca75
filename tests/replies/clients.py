"""Replies written the way calendar programs write them (from their documented formats).

Outlook answers in multipart/alternative with an upper-case PARTSTAT and a quoted CN;
Google Calendar nests multipart/alternative in multipart/mixed and adds an application/ics
copy, writing the address as the CN; Apple Calendar sends a text/calendar attachment with a
lower-case PARTSTAT and no CN; Thunderbird writes METHOD:REPLY with a text/plain body.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from .receiver import Request

_STAMP = "20261201T120000Z"


def calendar_text(
    request: Request,
    partstat: str,
    *,
    method: str = "REPLY",
    attendee: str | None = None,
    name: str | None = "Fiona Focal",
    uid: str | None = None,
    sequence: int | None = None,
    comment: str = "",
    extra_attendee_params: str = "",
    extra_event_lines: tuple[str, ...] = (),
    prodid: str = "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
) -> str:
    params = f"PARTSTAT={partstat}"
    if name is not None:
        params += f';CN="{name}"'
    params += extra_attendee_params
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid or request.uid}",
        f"SEQUENCE:{request.sequence if sequence is None else sequence}",
        f"DTSTAMP:{_STAMP}",
        "DTSTART:20270110T150000Z",
        "DTEND:20270110T190000Z",
        f"ORGANIZER:mailto:{request.reply_to}",
        f"ATTENDEE;{params}:mailto:{attendee or request.attendee}",
        f"SUMMARY:{request.summary}",
        *([f"COMMENT:{comment}"] if comment else []),
        *extra_event_lines,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def _envelope(request: Request, subject: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = request.reply_to
    message["Subject"] = f"{subject}: {request.summary}"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    return message


def outlook(request: Request, partstat: str = "ACCEPTED", comment: str = "", **kw) -> EmailMessage:
    """Outlook: text and calendar alternatives; the address in upper case."""
    message = _envelope(request, "Accepted", f"Fiona Focal <{request.attendee}>")
    message.set_content(comment or "Accepted")
    text = calendar_text(
        request,
        partstat,
        attendee=kw.pop("attendee", request.attendee.upper()),
        comment=comment,
        extra_event_lines=("X-MICROSOFT-CDO-REPLYTIME:20261201T120000Z",),
        **kw,
    )
    message.add_alternative(text, subtype="calendar", params={"method": kw.get("method", "REPLY")})
    return message


def google(request: Request, partstat: str = "ACCEPTED", **kw) -> EmailMessage:
    """Google Calendar: alternatives inside a mixed message, plus an invite.ics copy."""
    message = _envelope(request, "Accepted", request.attendee)
    text = calendar_text(
        request,
        partstat,
        name=request.attendee,
        extra_attendee_params=";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;X-NUM-GUESTS=0",
        prodid="-//Google Inc//Google Calendar 70.9054//EN",
        **kw,
    )
    message.set_content(f"{request.attendee} has accepted this invitation.")
    message.add_alternative(f"<p>{request.attendee} has accepted this invitation.</p>", "html")
    message.add_alternative(text, subtype="calendar", params={"method": "REPLY"})
    message.add_attachment(
        text.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
    return message


def apple(request: Request, partstat: str = "accepted", **kw) -> EmailMessage:
    """Apple Calendar: a text/calendar attachment, lower-case PARTSTAT, no CN."""
    message = _envelope(request, "Invitation", request.attendee)
    message.set_content("")
    text = calendar_text(
        request,
        partstat,
        name=None,
        extra_attendee_params=f";EMAIL={request.attendee}",
        prodid="-//Apple Inc.//macOS 15.0//EN",
        **kw,
    )
    message.add_attachment(
        text.encode(),
        maintype="text",
        subtype="calendar",
        filename="iCal-20261201-120000.ics",
        params={"method": "REPLY"},
    )
    return message


def thunderbird(request: Request, partstat: str = "TENTATIVE", **kw) -> EmailMessage:
    """Thunderbird: a text body, the reply as text/calendar and again as invite.ics."""
    message = _envelope(request, "Tentative", f"Fiona Focal <{request.attendee}>")
    text = calendar_text(
        request, partstat, prodid="-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN", **kw
    )
    message.set_content("Fiona Focal has tentatively accepted your event invitation.")
    message.add_attachment(
        text.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"}
    )
    message.add_attachment(
        text.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
    return message


def forwarded(inner: EmailMessage, request: Request) -> EmailMessage:
    """A reply forwarded as an attachment (message/rfc822)."""
    message = _envelope(request, "Fwd: Accepted", f"Fiona Focal <{request.attendee}>")
    message.set_content("Forwarding my answer.")
    message.add_attachment(inner)
    return message
